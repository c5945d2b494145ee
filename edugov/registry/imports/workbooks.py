"""The xlsx files of an import: the blank template, the problem report and the rejects.

The template has the data sheet (headers only), a sheet explaining each column and a
sheet with the codes the coded columns accept. The report repeats every row that has a
problem, with the bad cells filled red and the message as a cell comment, followed by a
sheet listing every problem. The rejects file holds the same rows in the template's
layout with an error column, to fix and upload again (the error column is ignored).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from edugov.registry.imports import cells
from edugov.registry.imports.columns import ERROR_HEADER, ROW_HEADER, KindSpec
from edugov.registry.imports.engine import Row

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
AUTHOR = "edugov"
# A report is for reading: past this many rows the problem list (and the screen) has the rest.
MAX_REPORT_ROWS = 100_000


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build_template(spec: KindSpec, code_rows: dict[str, list[tuple[str, str]]]) -> bytes:
    """The blank template of ``spec``; ``code_rows``: ``{table: [(code, name), …]}``."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(spec.title)
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        if column.note:
            cell.comment = Comment(str(column.note), AUTHOR)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.text_format:
            # Excel would turn an 18-digit ID number into 6.50102E+17 and 01 into 1. A column
            # style (not formatted empty cells) keeps the data rows empty for appending.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    _instructions(book, spec)
    _code_sheet(book, spec, code_rows)
    return _save(book)


def _instructions(book: Workbook, spec: KindSpec) -> None:
    sheet = book.create_sheet(_("Instructions"))
    sheet.append([_("Column"), _("Required"), _("Accepted values"), _("Example")])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for column in spec.columns:
        note = str(column.note or "")
        if column.table and not note:
            note = _("A code or name from the sheet of codes.")
        sheet.append([column.header, _("Yes") if column.required else "", note, column.example])
    sheet.append([])
    for note in spec.notes:
        sheet.append([str(note)])
    sheet.append([_("Dates may be written 2015-03-01, 2015/3/1 or 20150301; yes/no columns take 是 or 否.")])
    for letter, width in zip("ABCD", (18, 8, 70, 24), strict=True):
        sheet.column_dimensions[letter].width = width


def _code_sheet(book: Workbook, spec: KindSpec, code_rows: dict[str, list[tuple[str, str]]]) -> None:
    sheet = book.create_sheet(_("Codes"))
    sheet.append([_("Column"), _("Code"), _("Name")])
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for column in spec.columns:
        for code, name in code_rows.get(column.table, ()) if column.table else ():
            sheet.append([column.header, code, name])
    for letter, width in zip("ABC", (16, 8, 30), strict=True):
        sheet.column_dimensions[letter].width = width


def _row_cells(spec: KindSpec, positions: dict[str, int], row: Row) -> list[str]:
    n = len(row.cells)
    return [
        cells.display(row.cells[positions[c.key]]) if c.key in positions and positions[c.key] < n else ""
        for c in spec.columns
    ]


def _messages(row: Row, spec: KindSpec) -> str:
    headers = {c.key: c.header for c in spec.columns}
    return "；".join(
        f"{headers.get(key, '')}：{message}" if key else message for key, message in row.problems
    )


def _marked(sheet: Any, values: list[str], row: Row, spec: KindSpec) -> list[Any]:
    """Cells of one row, the ones with a problem filled red with the message as a comment."""
    by_key: dict[str, list[str]] = {}
    for key, message in row.problems:
        by_key.setdefault(key, []).append(message)
    out = []
    for column, value in zip(spec.columns, values, strict=True):
        cell = WriteOnlyCell(sheet, value=value)
        if column.text_format or value[:1] in "=+-@":
            cell.data_type = "s"
        messages = by_key.get(column.key)
        if messages:
            cell.fill = BAD_FILL
            cell.comment = Comment("\n".join(messages), AUTHOR)
        out.append(cell)
    return out


def _text_cell(sheet: Any, value: str) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _header_cells(sheet: Any, headers: list[str]) -> list[Any]:
    result = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        result.append(cell)
    return result


def build_report(spec: KindSpec, positions: dict[str, int], chunks: Iterable[list[Row]]) -> bytes:
    """Every row with a problem, bad cells marked, then the list of every problem."""
    book = Workbook(write_only=True)
    rows_sheet = book.create_sheet(_("Rows with problems"))
    rows_sheet.append(_header_cells(rows_sheet, [ROW_HEADER, *spec.headers, ERROR_HEADER]))
    # Write-only sheets stream to temporary files, so both can be filled in one pass.
    list_sheet = book.create_sheet(_("All problems"))
    list_sheet.append(_header_cells(list_sheet, [_("Row"), _("Column"), _("Value"), _("Problem")]))
    headers = {c.key: c.header for c in spec.columns}
    index = {c.key: i for i, c in enumerate(spec.columns)}
    written = 0
    for chunk in chunks:
        for row in chunk:
            values = _row_cells(spec, positions, row)
            if written < MAX_REPORT_ROWS:
                rows_sheet.append([row.number, *_marked(rows_sheet, values, row, spec), _messages(row, spec)])
                written += 1
            for key, message in row.problems:
                value = values[index[key]] if key in index else ""
                list_sheet.append([row.number, headers.get(key, ""), _text_cell(list_sheet, value), message])
    return _save(book)


def build_rejects(spec: KindSpec, positions: dict[str, int], chunks: Iterable[list[Row]]) -> bytes:
    """The rejected rows in the template's layout, with an error column, to fix and upload again."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(spec.title))
    sheet.append(_header_cells(sheet, [*spec.headers, ERROR_HEADER]))
    for chunk in chunks:
        for row in chunk:
            values = _row_cells(spec, positions, row)
            sheet.append([*_marked(sheet, values, row, spec), _messages(row, spec)])
    return _save(book)
