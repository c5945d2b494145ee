"""The downloadable template of each kind, with the current code tables."""

from __future__ import annotations

from edugov.registry import codes
from edugov.registry.imports.columns import KINDS
from edugov.registry.imports.workbooks import build_template


def template_bytes(kind: str) -> bytes:
    spec = KINDS[kind]
    tables = {c.table for c in spec.columns if c.table}
    code_rows = {table: list(codes.selectable(table).items()) for table in tables}
    return build_template(spec, code_rows)
