"""Validators for national identifiers and code-table values.

Pure functions first (``parse_id_number``, ``validate_credit_code`` …), then Django validator
classes wrapping them for model and form fields. Rules and test vectors: design/STANDARDS.md §1–4.
This module never imports models at import time, so models may use its validators.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from edugov.core.models import Code

# GB 11643-1999: ISO 7064 MOD 11-2, weights 2^(17-i) mod 11; index of MAP = S mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_MAP = "10X98765432"
ID_MIN_YEAR = 1800
ID_PLAUSIBLE_YEAR = 1900
# Residence permits for Hong Kong, Macao and Taiwan residents use these address codes.
RESIDENCE_PERMIT_REGIONS = frozenset({"810000", "820000", "830000"})

# GB 32100-2015: 31 characters (no I, O, Z, S, V), weights 3^i mod 31.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714

# GB/T 2260 province-level codes (first two digits).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

_ID18_RE = re.compile(r"^\d{17}[\dX]$")
_ID15_RE = re.compile(r"^\d{15}$")
_STUDENT_L_RE = re.compile(r"^L\d{18}$")

ID_MESSAGES = {
    "id_length": _("ID number: must have 18 characters, or 15 digits for a legacy number (GB 11643)."),
    "id_charset": _(
        "ID number: the first 17 characters must be digits and the last a digit or X (GB 11643)."
    ),
    "id_birth_date": _("ID number: characters 7–14 must be a real birth date, not in the future (GB 11643)."),
    "id_check_digit": _("ID number: the check character should be %(expected)s (GB 11643 MOD 11-2)."),
}
STUDENT_MESSAGES = {
    "id_length": _("Student number: must be G, J or L followed by 18 characters (学籍号)."),
    "id_charset": _(
        "Student number: after G or J come 17 digits and a digit or X; after L come 18 digits (学籍号)."
    ),
    "id_birth_date": _(
        "Student number: characters 8–15 must be a real birth date, not in the future (学籍号)."
    ),
    "id_check_digit": _(
        "Student number: the check character should be %(expected)s (GB 11643 MOD 11-2 on the ID part)."
    ),
}


def _normalize(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text).upper()


def normalize_id_number(value: str) -> str:
    """NFKC-normalise (full-width digits and Ｘ become ASCII), drop whitespace, upper-case x."""
    return _normalize(value)


def id_check_char(body17: str) -> str:
    """The GB 11643 MOD 11-2 check character for the first 17 digits of an ID number."""
    return ID_CHECK_MAP[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def upgrade_id15(value: str) -> str:
    """Upgrade a legacy 15-digit ID number (GB 11643-1989) to 18 digits: insert "19", add the check."""
    value = normalize_id_number(value)
    if not _ID15_RE.match(value):
        raise ValidationError(ID_MESSAGES["id_length"], code="id_length")
    body = value[:6] + "19" + value[6:]
    return body + id_check_char(body)


@dataclass(frozen=True)
class IdNumber:
    """A parsed, valid citizen ID number."""

    normalized: str
    birth_date: datetime.date
    sex_code: str
    region_code: str
    warnings: tuple[str, ...] = ()


def _birth_date(digits8: str, *, today: datetime.date, messages: dict[str, Any]) -> datetime.date:
    try:
        born = datetime.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        born = None
    if born is None or born > today or born.year < ID_MIN_YEAR:
        raise ValidationError(messages["id_birth_date"], code="id_birth_date")
    return born


def _check_id18(value: str, *, today: datetime.date, messages: dict[str, Any]) -> datetime.date:
    """Structure, birth date and check character of an 18-character ID; returns the birth date."""
    if len(value) != 18:
        raise ValidationError(messages["id_length"], code="id_length")
    if not _ID18_RE.match(value):
        raise ValidationError(messages["id_charset"], code="id_charset")
    born = _birth_date(value[6:14], today=today, messages=messages)
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            messages["id_check_digit"], code="id_check_digit", params={"expected": expected}
        )
    return born


def _default_region_exists(code: str) -> bool:
    from edugov.core.regions import region_exists

    return region_exists(code)


def _id_warnings(value: str, born: datetime.date, region_exists: Callable[[str], bool]) -> list[str]:
    warnings: list[str] = []
    if value.startswith("9"):
        warnings.append(
            str(
                _(
                    "ID number: starts with 9, probably a foreign permanent resident ID; its region and sex "
                    "digits do not follow GB 11643 and were not checked."
                )
            )
        )
    elif not region_exists(value[:6]):
        warnings.append(
            str(
                _(
                    "ID number: the address code %(code)s is not in the GB/T 2260 region list (including "
                    "withdrawn codes); please verify."
                )
                % {"code": value[:6]}
            )
        )
    if born.year < ID_PLAUSIBLE_YEAR:
        warnings.append(
            str(_("ID number: the birth year %(year)s is before 1900; please verify.") % {"year": born.year})
        )
    return warnings


def parse_id_number(
    value: str,
    *,
    today: datetime.date | None = None,
    region_exists: Callable[[str], bool] | None = None,
) -> IdNumber:
    """Validate and parse an 18-digit (or legacy 15-digit) citizen ID number (GB 11643).

    Format, birth date and check character are enforced; an unknown address code only
    produces a warning, because withdrawn and unusual codes remain valid in ID numbers.
    """
    today = today or timezone.localdate()
    value = normalize_id_number(value)
    warnings: list[str] = []
    if len(value) == 15:
        if not _ID15_RE.match(value):
            raise ValidationError(ID_MESSAGES["id_charset"], code="id_charset")
        _birth_date("19" + value[6:12], today=today, messages=ID_MESSAGES)
        value = upgrade_id15(value)
        warnings.append(str(_("ID number: a legacy 15-digit number was upgraded to 18 digits.")))
    born = _check_id18(value, today=today, messages=ID_MESSAGES)
    warnings += _id_warnings(value, born, region_exists or _default_region_exists)
    return IdNumber(
        normalized=value,
        birth_date=born,
        sex_code="1" if int(value[16]) % 2 else "2",
        region_code=value[:6],
        warnings=tuple(warnings),
    )


def credit_check_char(body17: str) -> str:
    """The GB 32100 MOD 31-3 check character for the first 17 characters of a credit code."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(body17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """Validate a unified social credit code (GB 32100-2015); returns it normalised.

    The first two characters may be letters (e.g. ``N``, ``Y``, ``A`` departments).
    """
    value = _normalize(value)
    if len(value) != 18:
        raise ValidationError(
            _("Unified social credit code: must have 18 characters (GB 32100)."), code="credit_code_length"
        )
    if any(c not in CREDIT_ALPHABET for c in value):
        raise ValidationError(
            _(
                "Unified social credit code: only digits and upper-case letters except I, O, Z, S and V "
                "are allowed (GB 32100)."
            ),
            code="credit_code_charset",
        )
    if not value[2:8].isdigit():
        raise ValidationError(
            _("Unified social credit code: characters 3–8 must be a 6-digit region code (GB 32100)."),
            code="credit_code_region",
        )
    expected = credit_check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("Unified social credit code: the check character should be %(expected)s (GB 32100 MOD 31-3)."),
            code="credit_code_check_digit",
            params={"expected": expected},
        )
    return value


def org_code_check_char(body8: str) -> str:
    """The GB 11714 check character of an organisation code's first 8 characters."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code_warnings(value: str) -> list[str]:
    """Soft checks on a valid credit code: characters 9–17 as a GB 11714 organisation code."""
    value = validate_credit_code(value)
    expected = org_code_check_char(value[8:16])
    if value[16] == expected:
        return []
    return [
        str(
            _(
                "Unified social credit code: characters 9–17 fail the GB 11714 organisation-code check "
                "(expected %(expected)s at position 17); please verify."
            )
            % {"expected": expected}
        )
    ]


def _school_categories() -> set[str]:
    from edugov.core.models import Code

    return set(
        Code.objects.filter(table_id="school_category", is_selectable=True).values_list("code", flat=True)
    )


def validate_school_code(value: str, *, known_categories: set[str] | None = None) -> str:
    """Validate a 10-digit school (institution) identification code; returns it normalised.

    Digits 1–2 are a school category code, digits 3–4 a province code; there is no check digit.
    """
    value = _normalize(value)
    if not re.fullmatch(r"\d{10}", value):
        raise ValidationError(
            _("School code: must be exactly 10 digits (学校标识码)."), code="school_code_format"
        )
    categories = _school_categories() if known_categories is None else known_categories
    if value[:2] not in categories:
        raise ValidationError(
            _("School code: the first two digits %(value)s are not a school category code (学校类别码)."),
            code="school_code_category",
            params={"value": value[:2]},
        )
    if value[2:4] not in PROVINCE_CODES:
        raise ValidationError(
            _("School code: digits 3–4 (%(value)s) must be a GB/T 2260 province code."),
            code="school_code_province",
            params={"value": value[2:4]},
        )
    return value


def validate_student_number(value: str, *, today: datetime.date | None = None) -> str:
    """Validate a national primary/secondary student number (学籍号); returns it normalised.

    ``G``/``J`` + 18 characters checked as a GB 11643 ID structure (with check character);
    ``L`` (temporary) + 6-digit region + 8-digit birth date + 4 digits.
    """
    today = today or timezone.localdate()
    value = _normalize(value)
    if len(value) != 19 or value[0] not in "GJL":
        raise ValidationError(STUDENT_MESSAGES["id_length"], code="student_number_format")
    try:
        if value[0] == "L":
            if not _STUDENT_L_RE.match(value):
                raise ValidationError(STUDENT_MESSAGES["id_charset"], code="id_charset")
            _birth_date(value[7:15], today=today, messages=STUDENT_MESSAGES)
        else:
            _check_id18(value[1:], today=today, messages=STUDENT_MESSAGES)
    except ValidationError as error:
        raise ValidationError(
            error.message, code=f"student_number_{error.code[3:]}", params=error.params
        ) from None
    return value


def validate_code(table_slug: str, value: str, *, field_label: Any) -> Code:
    """Return the selectable code ``value`` of table ``table_slug``, or raise ``unknown_code``."""
    from edugov.core.models import Code, CodeTable

    value = str(value or "").strip()
    code = Code.objects.select_related("table").filter(table_id=table_slug, code=value).first()
    if code is not None and code.is_selectable:
        return code
    table = code.table if code is not None else CodeTable.objects.filter(slug=table_slug).first()
    raise ValidationError(
        _("%(field)s: %(value)s is not a selectable code of %(standard)s %(table)s."),
        code="unknown_code",
        params={
            "field": field_label,
            "value": value,
            "standard": table.standard if table else table_slug,
            "table": table.name if table else "",
        },
    )


@deconstructible
class IdNumberValidator:
    """Field validator for citizen ID numbers (GB 11643); region warnings are not raised."""

    def __call__(self, value: str) -> None:
        parse_id_number(value, region_exists=lambda code: True)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdNumberValidator)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible
class CreditCodeValidator:
    """Field validator for unified social credit codes (GB 32100)."""

    def __call__(self, value: str) -> None:
        validate_credit_code(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CreditCodeValidator)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible
class SchoolCodeValidator:
    """Field validator for 10-digit school identification codes."""

    def __call__(self, value: str) -> None:
        validate_school_code(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SchoolCodeValidator)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible
class StudentNumberValidator:
    """Field validator for student numbers (学籍号, G/J/L)."""

    def __call__(self, value: str) -> None:
        validate_student_number(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StudentNumberValidator)

    def __hash__(self) -> int:
        return hash(type(self))


@deconstructible
class CodeTableValidator:
    """Field validator: the value must be a selectable code of the given code table."""

    def __init__(self, table_slug: str, field_label: Any = "") -> None:
        self.table_slug = table_slug
        self.field_label = field_label

    def __call__(self, value: str) -> None:
        validate_code(self.table_slug, value, field_label=self.field_label or self.table_slug)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, CodeTableValidator)
            and self.table_slug == other.table_slug
            and str(self.field_label) == str(other.field_label)
        )

    def __hash__(self) -> int:
        return hash((self.table_slug, str(self.field_label)))
