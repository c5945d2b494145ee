"""Remove personal data from a letter's question and answer before publication (PUB-8).

Automatic rules take out ID numbers (18 digits with an optional X, and old 15-digit ones),
mobile and landline phone numbers, e-mail addresses and the given names (the requester's);
staff read the result and may remove more before publishing. ``redact`` is idempotent:
running it again over its own output changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

MASK = "***"

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# Mobiles (optionally +86 / 86 and separators) and landlines with an area code.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s\-]?)?1[3-9]\d(?:[\s\-]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[\s\-]?\d{7,8}(?!\d)")


@dataclass
class Redaction:
    text: str
    # What kinds of data were removed (for the staff page: "2 phone numbers removed").
    counts: dict[str, int] = field(default_factory=dict)


def redact_with_counts(text: str, *, names: Iterable[str] = ()) -> Redaction:
    counts: dict[str, int] = {}
    result = text or ""
    for label, pattern in (
        ("id_number", _ID_NUMBER),
        ("email", _EMAIL),
        ("phone", _MOBILE),
        ("phone", _LANDLINE),
    ):
        result, n = pattern.subn(MASK, result)
        if n:
            counts[label] = counts.get(label, 0) + n
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        n = result.count(name)
        if n:
            result = result.replace(name, MASK)
            counts["name"] = counts.get("name", 0) + n
    return Redaction(result, counts)


def redact(text: str, *, names: Iterable[str] = ()) -> str:
    """``text`` with ID numbers, phone numbers, e-mail addresses and ``names`` replaced by ***."""
    return redact_with_counts(text, names=names).text


def requester_names(case: object) -> list[str]:
    """Names to remove for a case: the requester's name as given and their account's real name."""
    names = [getattr(case, "requester_name", "") or ""]
    requester = getattr(case, "requester", None)
    if requester is not None:
        names.append(getattr(requester, "real_name", "") or "")
    return [n for n in names if n]
