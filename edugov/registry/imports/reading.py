"""Opening an import file: its type, encoding, size, header row and data rows.

Workbooks (xlsx, xlsm, xls, ods) are read with python-calamine; csv (and tab-separated
txt) is streamed row by row, in UTF-8 with or without BOM, UTF-16 (Excel's "Unicode
text") or GBK/GB18030 (what Excel in China writes). Every refusal is an
``ImportFileError`` whose message tells the user what to fix.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from edugov.registry.imports.columns import IGNORED_HEADERS, KindSpec, header_index, normalise_header

WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_EXTENSIONS = (".csv", ".txt")
SUPPORTED_EXTENSIONS = WORKBOOK_EXTENSIONS + TEXT_EXTENSIONS
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
_BLOCK = 1 << 20

csv.field_size_limit(1 << 20)


class ImportFileError(Exception):
    """The file cannot be imported at all; ``message`` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return int(getattr(settings, "EDUGOV_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} B"


def check_name_and_size(filename: str, size: int | None) -> None:
    """Refuse an unsupported type, an empty file or one over the limit, before reading it."""
    extension = os.path.splitext(filename or "")[1].lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise ImportFileError(
            _("Files of type %(type)s cannot be imported. Use an Excel workbook (.xlsx, .xls), .ods or .csv.")
            % {"type": extension or _("(no extension)")}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    limit = max_bytes()
    if size is not None and size > limit:
        raise ImportFileError(too_large_message(size, limit))


def too_large_message(size: int, limit: int) -> str:
    return _(
        "The file is %(size)s; files of at most %(limit)s can be imported. Split it into several files."
    ) % {"size": human_size(size), "limit": human_size(limit)}


@dataclass
class Source:
    """An opened file: its columns (key → position) and its data rows."""

    kind: KindSpec
    header_row: int
    positions: dict[str, int]
    unknown_headers: list[str]
    estimated_rows: int
    encoding: str
    _rows: Iterator[tuple[int, list[Any]]] = field(repr=False)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """``(row number as the spreadsheet shows it, cells)`` for every non-empty data row."""
        for number, cells in self._rows:
            if number <= self.header_row:
                continue
            if not _blank(cells):
                yield number, cells


@contextlib.contextmanager
def local_copy(field_file: Any) -> Iterator[str]:
    """A filesystem path to a stored file (copied to a temporary file when the storage has none)."""
    try:
        path = field_file.path
    except (NotImplementedError, AttributeError, ValueError):
        path = None
    if path and os.path.exists(path):
        yield path
        return
    suffix = os.path.splitext(field_file.name or "")[1].lower()
    handle, temp_path = tempfile.mkstemp(suffix=suffix, prefix="edugov-import-")
    try:
        with os.fdopen(handle, "wb") as out:
            field_file.open("rb")
            try:
                shutil.copyfileobj(field_file, out, _BLOCK)
            finally:
                field_file.close()
        yield temp_path
    finally:
        os.unlink(temp_path)


@contextlib.contextmanager
def open_source(path: str, *, filename: str, kind: KindSpec) -> Iterator[Source]:
    size = os.path.getsize(path)
    check_name_and_size(filename, size)
    with open(path, "rb") as probe:
        head = probe.read(8)
    extension = os.path.splitext(filename)[1].lower()
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        yield _workbook_source(path, head, extension, kind)
    elif extension in WORKBOOK_EXTENSIONS:
        raise ImportFileError(
            _("The file is called %(name)s but is not an Excel or ODS workbook; save it again from Excel.")
            % {"name": filename}
        )
    else:
        with _text_source(path, kind) as source:
            yield source


# --- workbooks -----------------------------------------------------------------------------------


def _workbook_source(path: str, head: bytes, extension: str, kind: KindSpec) -> Source:
    import python_calamine

    try:
        if extension in WORKBOOK_EXTENSIONS:
            book = python_calamine.CalamineWorkbook.from_path(path)
        else:  # a workbook saved under another name: let calamine sniff the format
            with open(path, "rb") as handle:
                book = python_calamine.CalamineWorkbook.from_filelike(handle)
        if not book.sheet_names:
            raise ImportFileError(_("The workbook has no worksheets."))
        sheet = book.get_sheet_by_index(0)
    except ImportFileError:
        raise
    except Exception:  # calamine raises several error types for damaged or foreign files
        raise ImportFileError(
            _("The file could not be read as a spreadsheet. Open it in Excel and save it as .xlsx.")
        ) from None
    if sheet.end is None:
        raise ImportFileError(_("The file is empty."))
    rows = ((number, list(cells)) for number, cells in enumerate(sheet.iter_rows(), start=1))
    header_row, positions, unknown = _find_headers(rows, kind)
    return Source(
        kind=kind,
        header_row=header_row,
        positions=positions,
        unknown_headers=unknown,
        estimated_rows=max(0, sheet.end[0] + 1 - header_row),
        encoding="",
        _rows=rows,
    )


# --- csv -----------------------------------------------------------------------------------------


def detect_encoding(path: str) -> tuple[str, int]:
    """(encoding, line count): UTF-16 by its BOM, else UTF-8 (±BOM) if all of it decodes, else GB18030."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            handle.seek(0)
            return "utf-16", sum(block.count(b"\n\x00") + block.count(b"\x00\n") for block in _blocks(handle))
        handle.seek(0)
        lines = 0
        decoder: Any = codecs.getincrementaldecoder("utf-8")()
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        for block in _blocks(handle):
            lines += block.count(b"\n")
            if b"\x00" in block:
                raise ImportFileError(_("The file is not a text (csv) file. Save it again as .csv or .xlsx."))
            if decoder is not None:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    decoder, encoding = None, "gb18030"
        if decoder is not None:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                encoding = "gb18030"
    if encoding == "gb18030" and not _decodes(path, "gb18030"):
        raise ImportFileError(
            _('The text encoding of the file was not recognised. Save it as "CSV UTF-8" from Excel.')
        )
    return encoding, lines


def _blocks(handle: Any) -> Iterator[bytes]:
    while block := handle.read(_BLOCK):
        yield block


def _decodes(path: str, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as handle:
        try:
            for block in _blocks(handle):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


@contextlib.contextmanager
def _text_source(path: str, kind: KindSpec) -> Iterator[Source]:
    encoding, lines = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as handle:
        first = handle.readline()
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            rows = ((number, cells) for number, cells in enumerate(reader, start=1))
            header_row, positions, unknown = _find_headers(rows, kind)
            yield Source(
                kind=kind,
                header_row=header_row,
                positions=positions,
                unknown_headers=unknown,
                estimated_rows=max(0, lines + (0 if first.endswith("\n") and lines else 1) - header_row),
                encoding=encoding,
                _rows=rows,
            )
        except csv.Error as error:
            raise ImportFileError(
                _("The csv file is damaged near row %(row)s (%(error)s).")
                % {"row": reader.line_num, "error": error}
            ) from None


# --- headers -------------------------------------------------------------------------------------


def _find_headers(
    rows: Iterator[tuple[int, list[Any]]], kind: KindSpec
) -> tuple[int, dict[str, int], list[str]]:
    """The header row: the first row holding a known header, within the first few rows
    (a title row above the headers is common); positions of known columns, unknown headers."""
    first: list[Any] | None = None
    index = header_index(kind)
    for number, cells in rows:
        if _blank(cells):
            if number >= HEADER_SEARCH_ROWS:
                break
            continue
        if first is None:
            first = cells
        if any(index.get(normalise_header(cell)) for cell in cells if cell not in ("", None)):
            return (number, *match_headers(cells, kind))
        if number >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise ImportFileError(_("The file is empty."))
    return (0, *match_headers(first, kind))  # raises: no known header anywhere


def _blank(cells: list[Any]) -> bool:
    for cell in cells:
        if cell is None or cell == "":
            continue
        if not isinstance(cell, str) or cell.strip():
            return False
    return True


def match_headers(cells: list[Any], kind: KindSpec) -> tuple[dict[str, int], list[str]]:
    index = header_index(kind)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for position, cell in enumerate(cells):
        raw = str(cell or "").strip()
        if not raw:
            continue
        key = index.get(normalise_header(raw))
        if key is None:
            if raw not in IGNORED_HEADERS:
                unknown.append(raw)
        elif key in positions:
            duplicates.append(raw)
        else:
            positions[key] = position
    if not positions:
        raise ImportFileError(
            _(
                "The first row does not hold the headers of the %(kind)s template (found: %(found)s). "
                "Download the template and copy your data into it."
            )
            % {"kind": kind.title, "found": "、".join(unknown[:8]) or "—"}
        )
    if duplicates:
        raise ImportFileError(
            _("These columns appear twice: %(columns)s. Keep one of each.")
            % {"columns": "、".join(duplicates)}
        )
    missing = [c.header for c in kind.columns if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s.%(unknown)s")
            % {
                "columns": "、".join(missing),
                "unknown": (_(" Columns not recognised: %(columns)s.") % {"columns": "、".join(unknown)})
                if unknown
                else "",
            }
        )
    return positions, unknown
