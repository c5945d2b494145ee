"""Load the code tables shipped as CSV files in ``edugov/core/codes/data`` into the database.

The CSV files are the source of truth; the loader makes the database match them. It is
idempotent and cheap when nothing changed: one query per model reads the current rows, and
only differing rows are written (bulk insert on first load). Rows that exist in the database
but not in the files are kept, because stored records may still refer to them.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from django.db import transaction

DATA_PACKAGE = "edugov.core.codes.data"
TABLES_FILE = "tables.csv"

TABLE_FIELDS = ("name", "standard", "version", "note")
CODE_FIELDS = ("name", "abbreviation", "parent_code", "is_category", "is_selectable", "sort_order", "extra")


@dataclass(frozen=True)
class LoadResult:
    """What a loader call changed."""

    created: int = 0
    updated: int = 0
    details: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.created + self.updated


def read_data_file(name: str) -> list[dict[str, str]]:
    """Read one CSV file of the data package as a list of dicts (header row = keys)."""
    text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _flag(value: str, default: bool) -> bool:
    value = value.strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "y"}


def _code_row(row: dict[str, str], index: int) -> tuple[Any, ...]:
    is_category = _flag(row.get("is_category", ""), False)
    extra_text = row.get("extra", "").strip()
    return (
        row["name"].strip(),
        row.get("abbreviation", "").strip(),
        row.get("parent_code", "").strip(),
        is_category,
        _flag(row.get("is_selectable", ""), not is_category),
        (index + 1) * 10,
        json.loads(extra_text) if extra_text else {},
    )


@lru_cache(maxsize=1)
def desired_code_tables() -> tuple[dict[str, tuple[Any, ...]], dict[tuple[str, str], tuple[Any, ...]]]:
    """The code tables as shipped: ({slug: table fields}, {(slug, code): code fields})."""
    tables: dict[str, tuple[Any, ...]] = {}
    codes: dict[tuple[str, str], tuple[Any, ...]] = {}
    for row in read_data_file(TABLES_FILE):
        slug = row["slug"].strip()
        tables[slug] = tuple(row[name].strip() for name in TABLE_FIELDS)
        for index, code_row in enumerate(read_data_file(f"{slug}.csv")):
            codes[(slug, code_row["code"].strip())] = _code_row(code_row, index)
    return tables, codes


def _sync_tables(wanted: dict[str, tuple[Any, ...]], *, using: str) -> tuple[int, int]:
    from edugov.core.models import CodeTable

    existing = {row[0]: row[1:] for row in CodeTable.objects.using(using).values_list("slug", *TABLE_FIELDS)}
    new = [
        CodeTable(slug=slug, **dict(zip(TABLE_FIELDS, values, strict=True)))
        for slug, values in wanted.items()
        if slug not in existing
    ]
    changed = [
        CodeTable(slug=slug, **dict(zip(TABLE_FIELDS, values, strict=True)))
        for slug, values in wanted.items()
        if slug in existing and existing[slug] != values
    ]
    CodeTable.objects.using(using).bulk_create(new)
    CodeTable.objects.using(using).bulk_update(changed, TABLE_FIELDS)
    return len(new), len(changed)


def _sync_codes(wanted: dict[tuple[str, str], tuple[Any, ...]], *, using: str) -> tuple[int, int]:
    from edugov.core.models import Code

    existing = {
        (row[1], row[2]): (row[0], row[3:])
        for row in Code.objects.using(using).values_list("pk", "table_id", "code", *CODE_FIELDS)
    }
    new: list[Code] = []
    changed: list[Code] = []
    for (slug, code), values in wanted.items():
        fields = dict(zip(CODE_FIELDS, values, strict=True))
        if (slug, code) not in existing:
            new.append(Code(table_id=slug, code=code, **fields))
        elif existing[(slug, code)][1] != values:
            changed.append(Code(pk=existing[(slug, code)][0], table_id=slug, code=code, **fields))
    Code.objects.using(using).bulk_create(new, batch_size=500)
    Code.objects.using(using).bulk_update(changed, CODE_FIELDS, batch_size=200)
    return len(new), len(changed)


def load_code_tables(*, using: str = "default") -> LoadResult:
    """Create or update every shipped code table and its codes; returns what changed."""
    tables, codes = desired_code_tables()
    with transaction.atomic(using=using):
        tables_created, tables_updated = _sync_tables(tables, using=using)
        codes_created, codes_updated = _sync_codes(codes, using=using)
    return LoadResult(
        created=tables_created + codes_created,
        updated=tables_updated + codes_updated,
        details={"tables": len(tables), "codes": len(codes)},
    )
