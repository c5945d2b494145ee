"""Masking of personal data for display (GB/T 22239 L3-CES1-35: 110105********002X)."""

from __future__ import annotations


def mask_middle(value: str, *, keep_start: int, keep_end: int, char: str = "*") -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return char * len(value)
    return value[:keep_start] + char * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_phone(value: str) -> str:
    return mask_middle(value, keep_start=3, keep_end=4)


def mask_id_number(value: str) -> str:
    return mask_middle(value, keep_start=6, keep_end=4)


def mask_email(value: str) -> str:
    if "@" not in value:
        return mask_middle(value, keep_start=1, keep_end=0)
    local, domain = value.split("@", 1)
    return mask_middle(local, keep_start=1, keep_end=0) + "@" + domain
