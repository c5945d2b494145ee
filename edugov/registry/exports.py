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

Rows are written as they come, straight into the sheet XML of a zip in a temporary file
(memory stays flat for 400,000 rows), and the file is then streamed to the client in
chunks. The sheet is written by hand rather than with openpyxl's write-only workbook:
that reached about 5,800 rows/s here (a prefecture's 400,000 pupils in 70 s, past a
request timeout), this writer about 60,000 rows/s. The output is a plain Office Open XML
workbook (inline strings, a frozen bold header, dates as dates) that Excel, WPS, openpyxl
and python-calamine read. Text is always written as a string, never as a formula, so a
cell typed as ``=HYPERLINK(…)`` cannot run when the file is opened.

One ``registry.exported`` audit entry records who exported what: the kind, the row count,
the filters and whether personal data was exported in full — never the data itself.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from django.http import FileResponse
from django.utils import timezone

from edugov.core.audit import log_event
from edugov.registry.events import RegistryEvent
from edugov.registry.identity import mask_student_number as mask_student_number  # re-exported

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 does not allow (a pasted control character must not break the file).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - spreadsheet serial dates are naive
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Cell styles (indexes into cellXfs below).
_DATE, _HEADER, _DATETIME = 1, 2, 3
_ROWS_PER_WRITE = 500

_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    _XML + f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    "</sheetView></sheetViews><sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _serial(value: dt.datetime) -> float:
    if timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    delta = value - _EXCEL_EPOCH
    return delta.days + delta.seconds / 86400


def _cell(ref: str, value: Any, style: int = 0) -> str:
    if type(value) is str and value and style == 0:  # the common case first
        text = escape(_INVALID_XML.sub("", value))
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | decimal.Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.datetime):
        return f'<c r="{ref}" s="{_DATETIME}"><v>{_serial(value)}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    text = escape(_INVALID_XML.sub("", str(value)))
    style_attr = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{style_attr} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _row(number: int, values: Sequence[Any], columns: list[str], style: int = 0) -> str:
    while len(columns) < len(values):
        columns.append(_column(len(columns)))
    cells = "".join(_cell(f"{columns[i]}{number}", v, style) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _sheet_name(title: str) -> str:
    name = _SHEET_NAME_FORBIDDEN.sub(" ", title or "Sheet1").strip("' ")[:31]
    return name or "Sheet1"


def write_xlsx(
    target: str | IO[bytes], headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = ""
) -> int:
    """Write ``headers`` (bold, frozen) and ``rows`` to ``target``; return the row count."""
    columns: list[str] = []
    count = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            _XML + f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
            f'<sheet name={quoteattr(_sheet_name(title))} sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            buffer = [_SHEET_START, _row(1, [str(h) for h in headers], columns, _HEADER)]
            for row in rows:
                count += 1
                buffer.append(_row(count + 1, row, columns))
                if len(buffer) >= _ROWS_PER_WRITE:
                    sheet.write("".join(buffer).encode())
                    buffer = []
            buffer.append(_SHEET_END)
            sheet.write("".join(buffer).encode())
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
