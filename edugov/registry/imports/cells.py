"""Turning spreadsheet cells into values: text, codes, dates, yes/no, numbers.

Cells arrive as python-calamine gives them (str, float, int, bool, date, datetime) or as
csv text. Each parser returns the value or raises ``CellError`` with a message for the
user; the column is reported next to it, so messages do not repeat the header.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import unicodedata
from typing import Any

from django.utils.translation import gettext as _

# Excel's day 0 (with the 1900 leap-year bug folded in): serial 1 = 1900-01-01.
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_RANGE = (1, 2958465)  # up to 9999-12-31

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
MEMO_SIZE = 10_000
_BOOLEANS = dict.fromkeys(("是", "1", "y", "yes", "true", "t", "√", "✓", "有"), True) | dict.fromkeys(
    ("否", "0", "n", "no", "false", "f", "×", "无", ""), False
)


class CellError(ValueError):
    """A cell that cannot be used; ``message`` says what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text(value: Any) -> str:
    """The cell as text: numbers without a trailing ``.0``, NFKC-normalised, trimmed."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.isascii():
            return value.strip()
        return unicodedata.normalize("NFKC", value).strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def display(value: Any) -> str:
    """The cell as the user typed it, for reports (at most 200 characters)."""
    return text(value)[:200]


def limited(value: str, max_length: int) -> str:
    if max_length and len(value) > max_length:
        raise CellError(
            _("At most %(max)s characters (this has %(n)s).") % {"max": max_length, "n": len(value)}
        )
    return value


def date(value: Any) -> dt.date | None:
    """A date from a date cell, an Excel serial number, 2015-03-01, 2015/3/1, 2015.3.1 or 20150301."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if number == value and 19000101 <= number <= 99991231:
            return _compact(str(number))
        if number == value and EXCEL_SERIAL_RANGE[0] <= number <= EXCEL_SERIAL_RANGE[1]:
            return EXCEL_EPOCH + dt.timedelta(days=number)
        raise CellError(_("Not a date; write it like 2015-03-01."))
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-" and value.isascii():
        try:  # the common 2015-03-01, parsed in C
            return dt.date.fromisoformat(value)
        except ValueError:
            pass  # 2015/03/01, or not a real date: worded below
    raw = text(value)
    if not raw:
        return None
    match = _DATE_RE.match(raw)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise CellError(_("%(value)s is not a real date.") % {"value": raw}) from None
    if _DATE_COMPACT_RE.match(raw):
        return _compact(raw)
    raise CellError(_("Not a date; write it like 2015-03-01."))


def _compact(raw: str) -> dt.date:
    try:
        return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        raise CellError(_("%(value)s is not a real date.") % {"value": raw}) from None


def boolean(value: Any) -> bool:
    """是/否, 1/0, Y/N, yes/no, true/false; an empty cell is 否."""
    if isinstance(value, bool):
        return value
    found = _BOOLEANS.get(value) if isinstance(value, str) else None
    if found is None:  # not as typed (是, 否): normalised, then looked up again
        found = _BOOLEANS.get(text(value).lower())
    if found is not None:
        return found
    raise CellError(_("Write 是 or 否."))


def integer(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Must be a whole number."))
        return int(value)
    if isinstance(value, int):
        return value
    raw = text(value).replace(",", "")
    if not raw:
        return None
    try:
        number = decimal.Decimal(raw)
    except decimal.InvalidOperation:
        raise CellError(_("Must be a whole number.")) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("Must be a whole number."))
    return int(number)


def number(value: Any) -> decimal.Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        result = decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
    else:
        raw = text(value).replace(",", "").replace("¥", "").replace("元", "")
        if not raw:
            return None
        try:
            result = decimal.Decimal(raw)
        except decimal.InvalidOperation:
            raise CellError(_("Must be a number.")) from None
    if not result.is_finite():
        raise CellError(_("Must be a number."))
    return result.quantize(decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)


def phone(value: Any) -> str:
    """Digits of a phone number (7–15, a leading + kept out); an empty cell is ""."""
    raw = text(value)
    if not raw:
        return ""
    if raw.isascii() and raw.isdigit():
        if 7 <= len(raw) <= 15:
            return raw
        raise CellError(_("Not a phone number: 7 to 15 digits."))
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not 7 <= len(digits) <= 15 or any(ch not in "0123456789 -+()" for ch in raw):
        raise CellError(_("Not a phone number: 7 to 15 digits."))
    return digits


_EXPONENT_RE = re.compile(r"^\d(\.\d+)?E\+\d+$")


def document_number(value: Any) -> str:
    """An ID document number as text; refuses numbers Excel has already rounded."""
    number = text(value).replace(" ", "").upper()
    if (isinstance(value, float) and abs(value) >= 1e15) or _EXPONENT_RE.match(number):
        raise CellError(
            _(
                "Excel stored this number as a number and lost its last digits; "
                "format the column as text and type the number again."
            )
        )
    return number


class CodeLookup:
    """Codes of one table, accepted by code, by name or by abbreviation (汉族, 01, 1 …)."""

    def __init__(self, table: str, rows: list[tuple[str, str, str]], *, label: str = "") -> None:
        self.table = table
        self.label = label
        self._memo: dict[Any, str] = {}
        self.by_text: dict[str, str] = {}
        widths = {len(code) for code, _name, _abbr in rows}
        self.width = max(widths) if len(widths) == 1 else 0
        for code, name, abbreviation in rows:
            for key in (name, abbreviation):
                key = _key(key)
                if key:
                    self.by_text.setdefault(key, code)
            self.by_text[_key(code)] = code

    def __call__(self, value: Any) -> str:
        """The code for ``value``; "" for an empty cell; raises ``CellError`` for an unknown one."""
        # A column holds few distinct values (汉族, 男, 四年级 …): remember what each one meant.
        try:
            return self._memo[value]
        except (KeyError, TypeError):
            pass
        code = self._resolve(value)
        if len(self._memo) < MEMO_SIZE:
            self._memo[value] = code
        return code

    def _resolve(self, value: Any) -> str:
        raw = text(value)
        if not raw:
            return ""
        found = self.by_text.get(_key(raw))
        if found is None and self.width and raw.isdigit() and len(raw) < self.width:
            # Excel drops leading zeros: 民族 "01" arrives as 1.
            found = self.by_text.get(raw.zfill(self.width))
        if found is None:
            raise CellError(self._message(raw))
        return found

    def _message(self, raw: str) -> str:
        from django.core.exceptions import ValidationError

        from edugov.registry import codes

        try:
            codes.check(self.table, raw, field_label=self.label or _("Value"))
        except ValidationError as error:
            return error.messages[0]
        return _("%(value)s is not a known code.") % {"value": raw}


def _key(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").replace(" ", "").strip().upper()
