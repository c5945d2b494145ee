"""Fast bulk loading of precomputed rows: PostgreSQL COPY, SQLite ``executemany``.

Used for demo and benchmark data only. Rows are tuples in the order of the ``fields``
given (attnames, e.g. ``school_id``); every other concrete column gets its default.
The caller supplies primary keys (``IdBlock``) so rows can reference each other
without a round trip, and already-prepared values: encrypted text (``sealed``),
dates, ``Decimal`` and JSON as Python values. Sequences are reset at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from edugov.core import crypto


def sealed(model: type[models.Model], field: str, value: str) -> str:
    """``value`` encrypted exactly as ``EncryptedTextField.get_prep_value`` stores it."""
    if not value:
        return ""
    return crypto.encrypt(value, context=f"{model._meta.label_lower}.{field}")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


class IdBlock:
    """Primary keys handed out above the table's current maximum."""

    def __init__(self, model: type[models.Model]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({model._meta.pk.column}) FROM {model._meta.db_table}")  # noqa: S608
            self.next_id = (cursor.fetchone()[0] or 0) + 1

    def take(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value


class Writer:
    """Buffer rows for one table; flush in batches (COPY on PostgreSQL)."""

    def __init__(self, model: type[models.Model], fields: Sequence[str], *, now: Any = None) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.pg = is_postgres()
        self.count = 0
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [f for f in fields if f not in by_attname]
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {unknown}")
        now = now or timezone.now()
        extra: list[Any] = []
        extra_fields = []
        for f in model._meta.concrete_fields:
            if f.attname in fields or f.primary_key and isinstance(f, models.AutoField):
                continue  # given, or left to the database
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.blank and f.empty_strings_allowed:
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{f.attname} has no default: give it")
            extra_fields.append(f)
            extra.append(value)
        self.fields = [by_attname[f] for f in fields] + extra_fields
        self.columns = [f.column for f in self.fields]
        self.extra = tuple(self._convert(f, v) for f, v in zip(extra_fields, extra, strict=True))
        self.json_positions = [i for i, f in enumerate(self.fields) if isinstance(f, models.JSONField)]
        self.rows: list[tuple] = []

    def _convert(self, field: models.Field, value: Any) -> Any:
        if isinstance(field, models.JSONField):
            return value if isinstance(value, str) else json.dumps(value)
        if self.pg or value is None:
            return value
        if isinstance(value, dt.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        return value

    def add(self, row: tuple) -> None:
        """Buffer a row; the owner flushes (``flush_all``), parents before children."""
        self.rows.append(row + self.extra if self.extra else row)

    def flush(self) -> None:
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        if self.json_positions:
            rows = [self._json(row) for row in rows]
        columns = ", ".join(self.columns)
        with connection.cursor() as cursor:
            if self.pg:
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                # Django's SQLite backend registers adapters for date, datetime and Decimal.
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
        self.count += len(rows)

    def _json(self, row: tuple) -> tuple:
        values = list(row)
        for i in self.json_positions:
            if not isinstance(values[i], str):
                values[i] = json.dumps(values[i])
        return tuple(values)


def flush_all(writers: Sequence[Writer], *, at_least: int = 0) -> int:
    """Flush ``writers`` in order when they hold ``at_least`` rows together; return rows written."""
    pending = sum(len(w.rows) for w in writers)
    if pending < max(1, at_least):
        return 0
    for writer in writers:
        writer.flush()
    return pending


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def drop_secondary_indexes(model: type[models.Model]) -> list[str]:
    """Drop a table's secondary indexes (and on PostgreSQL its unique and foreign-key constraints).

    Returns the statements that recreate them, indexes first: building an index once
    after a big load is much cheaper than maintaining it row by row (random keys such
    as lookup hashes above all). Run them (``run_statements``) in the same transaction.
    """
    table = model._meta.db_table
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
            found = cursor.fetchall()
            for name, _sql in found:
                cursor.execute(f'DROP INDEX "{name}"')
        return [sql for _name, sql in found]
    if not is_postgres():
        return []
    restore_first: list[str] = []
    restore_last: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
            [table],
        )
        for name, kind, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            statement = f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            (restore_first if kind == "u" else restore_last).append(statement)
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            restore_first.insert(0, definition)
    return restore_first + restore_last


def run_statements(statements: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _check_pending_constraints() -> None:
    """PostgreSQL refuses to alter a table with deferred foreign-key checks pending: run them now."""
    if is_postgres():
        run_statements(["SET CONSTRAINTS ALL IMMEDIATE", "SET CONSTRAINTS ALL DEFERRED"])


@contextlib.contextmanager
def loading(models_: Sequence[type[models.Model]], *, drop_indexes: bool = True) -> Iterator[None]:
    """Around a bulk load (inside a transaction): drop secondary indexes, then rebuild them
    and reset the primary-key sequences. On SQLite the page cache grows to 256 MiB meanwhile.
    """
    restore: list[str] = []
    cache = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
            cursor.execute("PRAGMA cache_size = -262144")
    try:
        if drop_indexes:
            _check_pending_constraints()
            for model in models_:
                restore += drop_secondary_indexes(model)
        yield
        _check_pending_constraints()
        run_statements(restore)
        reset_sequences(models_)
    finally:
        if cache is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(cache)}")
