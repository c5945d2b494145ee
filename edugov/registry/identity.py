"""Normalising identity documents: the stored ciphertext, lookup hash and masked form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edugov.core.crypto import lookup_hash
from edugov.core.validators import parse_id_number
from edugov.platform.privacy import mask_id_number, mask_middle, mask_phone

RESIDENT_ID_CARD = "1"
STUDENT_NUMBER_CONTEXT = "registry.student.student_number"


@dataclass(frozen=True)
class Identity:
    id_type: str
    number: str  # normalised
    hash: str | None
    masked: str
    birth_date: dt.date | None = None  # from a resident ID number
    sex: str | None = None
    warnings: tuple[str, ...] = ()


def normalise_document(id_type: str, number: str, *, today: dt.date | None = None) -> Identity:
    """Validate and normalise an ID document; an empty number gives an empty identity."""
    id_type = (id_type or RESIDENT_ID_CARD).strip().upper()
    raw = (number or "").strip().replace(" ", "").upper()
    if not raw:
        return Identity(id_type=id_type, number="", hash=None, masked="")
    if id_type == RESIDENT_ID_CARD:
        parsed = parse_id_number(raw, today=today)
        return Identity(
            id_type=id_type,
            number=parsed.normalized,
            hash=lookup_hash(parsed.normalized, kind="id"),
            masked=mask_id_number(parsed.normalized),
            birth_date=parsed.birth_date,
            sex=parsed.sex_code,
            warnings=parsed.warnings,
        )
    if len(raw) > 30:
        raise ValidationError(_("ID document number: at most 30 characters."), code="id_too_long")
    return Identity(
        id_type=id_type,
        number=raw,
        # Other documents are namespaced by type: a passport number may equal another's.
        hash=lookup_hash(f"{id_type}:{raw}", kind="id"),
        masked=mask_middle(raw, keep_start=2, keep_end=2),
    )


def id_lookup_hash(id_type: str, number: str) -> str | None:
    """The hash to search by, for a number typed into a search box (None if not valid)."""
    try:
        return normalise_document(id_type, number).hash
    except ValidationError:
        return None


def phone_hash(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return lookup_hash(digits, kind="phone") if digits else ""


def phone_masked(phone: str) -> str:
    return mask_phone(phone.strip())


def normalise_student_number(number: Any) -> str:
    """A student number as stored and hashed: no spaces, upper case."""
    return str(number or "").strip().replace(" ", "").upper()


def student_number_hash(number: Any) -> str | None:
    """The keyed hash a student number is found by (None for an empty number)."""
    normalised = normalise_student_number(number)
    return lookup_hash(normalised, kind="student_number") if normalised else None


def mask_student_number(number: Any) -> str:
    """Mask a student number built on an ID number (G/J + 18 characters, STANDARDS §4.2).

    Such a number *is* the ID number with a prefix, so wherever ID numbers are masked it
    is masked the same way; L numbers (no ID number) are shown as they are.
    """
    text = str(number or "")
    if len(text) == 19 and text[0] in {"G", "J"}:
        return text[0] + mask_id_number(text[1:])
    return text


def student_number_masked(number: Any) -> str:
    """What lists and exports show of a student number (``Student.student_number_masked``)."""
    return mask_student_number(normalise_student_number(number))
