"""Spreadsheet exports of registry lists, streamed and always audited (DB-9).

    return xlsx_response(
        "students.xlsx",
        [_("Name"), _("ID number")],
        ((s.name, s.id_masked) for s in queryset.iterator(chunk_size=2000)),
        acting_user=request.user,
        kind="students",
        organization=unit,
        filters={"grade": "16"},
        unmasked=False,
    )

Rows are written with openpyxl's write-only workbook into a temporary file (row XML goes
to disk as it is produced, so memory stays flat for 400,000 rows) and the file is then
streamed to the client in chunks. One ``registry.exported`` audit entry records who
exported what: the kind, the row count, the filters and whether personal data was
exported in full.
"""

from __future__ import annotations

import datetime as dt
import decimal
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from edugov.core.audit import log_event
from edugov.platform.privacy import mask_id_number
from edugov.registry.events import RegistryEvent

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters that make a spreadsheet application read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def mask_student_number(number: Any) -> str:
    """Mask a student number built on an ID number (G/J + 18 characters, STANDARDS §4.2).

    Such a number *is* the ID number with a prefix, so wherever ID numbers are masked it
    is masked the same way; L numbers (no ID number) are shown as they are.
    """
    text = str(number or "")
    if len(text) == 19 and text[0] in {"G", "J"}:
        return text[0] + mask_id_number(text[1:])
    return text


def _cell_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | decimal.Decimal):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dt.date):
        return value
    return str(value)


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    value = _cell_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        # Text typed by users is never a formula (CSV/formula injection): keep it a string.
        cell.data_type = "s"
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd" if not isinstance(value, dt.datetime) else "yyyy-mm-dd hh:mm"
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_xlsx(target: Any, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = "") -> int:
    """Write ``headers`` and ``rows`` to ``target`` (a path or binary file); return the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, str(h), bold=True) for h in headers])
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    workbook.save(target)
    return count


def xlsx_response(
    filename: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    acting_user: Any,
    kind: str,
    organization: Any = None,
    filters: dict[str, Any] | None = None,
    unmasked: bool = False,
    sheet_title: str = "",
) -> FileResponse:
    """An xlsx download of ``rows`` under ``headers``, audited as ``registry.exported``.

    ``rows`` may be a generator over ``queryset.iterator(chunk_size=2000)``; it is consumed
    once. ``filters`` (plain JSON values) and ``unmasked`` (personal data exported in full)
    go into the audit entry with the row count; no row data does.
    """
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        count = write_xlsx(handle, headers, rows, title=sheet_title or kind)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    log_event(
        RegistryEvent.EXPORTED,
        acting_user=acting_user,
        organization=organization,
        extra={
            "kind": kind,
            "rows": count,
            "filters": {k: v for k, v in (filters or {}).items() if v not in ("", None, [])},
            "unmasked": bool(unmasked),
            "filename": filename,
        },
    )
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response
