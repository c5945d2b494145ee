"""What every import kind shares: the job's context, spilled chunks and fast inserts.

An import runs in two passes. The *checking* pass reads the file chunk by chunk,
validates every cell, looks up what the database already holds (one query per chunk
and table, never one per row) and spills the decided writes to a temporary file, so a
million rows never sit in memory. The *writing* pass replays the spill inside one
transaction: a crash or a killed worker leaves nothing half-written, and the job can
simply run again.
"""

from __future__ import annotations

import operator
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.choices import OrganizationKind
from edugov.core.models import Organization
from edugov.core.permissions.scopes import has_permission
from edugov.registry.imports.cells import CodeLookup
from edugov.registry.imports.columns import KindSpec
from edugov.registry.ownership import FAMILIES, county_bureau_of

CHUNK_ROWS = 2000


@dataclass
class Row:
    """One data row of the file as it goes through the checks."""

    number: int
    cells: list[Any]
    values: dict[str, Any]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column key, message)

    def problem(self, key: str, message: str) -> None:
        self.problems.append((key, str(message)))


@dataclass(frozen=True)
class School:
    id: int
    name: str
    code: str
    path: str
    region_code: str
    kind: str
    closed: bool
    grades: tuple[str, ...]


@dataclass
class Checked:
    """What the checking pass decided for one chunk."""

    ops: list[Any] = field(default_factory=list)
    rejects: list[Row] = field(default_factory=list)
    unchanged: int = 0


class ImportContext:
    """The job, its unit, the acting user and the lookups every chunk needs (loaded once)."""

    def __init__(self, job: Any, spec: KindSpec, positions: dict[str, int]) -> None:
        self.job = job
        self.spec = spec
        self.positions = positions
        self.unit = job.organization
        self.user = job.created_by
        self.source_ref = str(job.pk)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self._lookups: dict[str, CodeLookup] = {}
        self._units: dict[str, School | str] = {}
        self._allowed: dict[tuple[str, int], bool] = {}
        self._owners: dict[tuple[str, int], Any] = {}
        self._load_lookups()

    # --- codes ------------------------------------------------------------------------------

    def _load_lookups(self) -> None:
        from edugov.core.models import Code

        tables = {c.table for c in self.spec.columns if c.table}
        rows: dict[str, list[tuple[str, str, str]]] = {t: [] for t in tables}
        for table, code, name, abbreviation in Code.objects.filter(
            table_id__in=tables, is_selectable=True
        ).values_list("table_id", "code", "name", "abbreviation"):
            rows[table].append((code, name, abbreviation))
        labels = {c.table: c.header for c in reversed(self.spec.columns) if c.table}
        self._lookups = {
            table: CodeLookup(table, items, label=labels[table]) for table, items in rows.items()
        }

    def lookup(self, table: str) -> CodeLookup:
        return self._lookups[table]

    # --- units --------------------------------------------------------------------------------

    def unit_for(self, code: str) -> School | str:
        """The school (or the job's own unit) a row belongs to, or a message saying why not."""
        found = self._units.get(code)
        if found is None:
            found = self._units[code] = self._find_unit(code)
        return found

    def _find_unit(self, code: str) -> School | str:
        if not code:
            if self.spec.kind == "students" and self.unit.kind != OrganizationKind.SCHOOL:
                return _("Required when you import into a bureau: the school's 10-digit code.")
            return _as_school(self.unit)
        org = Organization.objects.filter(school_code=code).select_related("region").first()
        if org is None:
            return _("No school has the code %(code)s.") % {"code": code}
        if not org.path.startswith(self.unit.path):
            return _("%(school)s (%(code)s) is not within %(unit)s, the unit this import is for.") % {
                "school": org.name,
                "code": code,
                "unit": self.unit.name,
            }
        if not org.is_active or org.closed_on:
            return _("%(school)s is closed.") % {"school": org.name}
        if self.user is not None and not has_permission(self.user, self.spec.permission, org):
            return _("You may not import into %(school)s.") % {"school": org.name}
        return _as_school(org)

    # --- ownership (一数一源) -----------------------------------------------------------------------

    def refused_fields(self, model_label: str, fields: Iterable[str], unit: School) -> str | None:
        """A message when the acting user does not own some of ``fields`` of a record at ``unit``."""
        if self.user is None:
            return None
        fields = set(fields)
        for family in FAMILIES.get(model_label, ()):
            if not family.fields & fields:
                continue
            owner = self._owner(family.owner, unit)
            key = (family.permission, owner.pk)
            if key not in self._allowed:
                self._allowed[key] = has_permission(self.user, family.permission, owner)
            if not self._allowed[key]:
                return _(
                    "The %(family)s of this record is kept by %(owner)s (%(unit)s); ask them to change it."
                ) % {
                    "family": family.title,
                    "owner": family.owner_title,
                    "unit": owner.name,
                }
        return None

    def _owner(self, owner: str, unit: School) -> Any:
        key = (owner, unit.id)
        if key not in self._owners:
            org = self.unit_object(unit.id)
            self._owners[key] = org if owner == "school" else county_bureau_of(org)
        return self._owners[key]

    # --- the row ------------------------------------------------------------------------------

    def raw(self, cells: list[Any]) -> dict[str, Any]:
        n = len(cells)
        return {key: (cells[i] if i < n else "") for key, i in self.positions.items()}

    def unit_object(self, unit_id: int) -> Organization:
        """The unit as a model instance (for lineage and audit), fetched once per job."""
        key = ("school", unit_id)
        if key not in self._owners:
            self._owners[key] = Organization.objects.get(pk=unit_id)
        return self._owners[key]

    @property
    def actor_id(self) -> int | None:
        return self.user.pk if self.user is not None else None


def _as_school(org: Organization) -> School:
    grades: tuple[str, ...] = ()
    if org.kind == OrganizationKind.SCHOOL:
        from edugov.registry.models import SchoolProfile

        profile = SchoolProfile.objects.filter(pk=org.pk).values_list("grades", flat=True).first()
        grades = tuple(profile or ())
    return School(
        id=org.pk,
        name=org.name,
        code=org.school_code or "",
        path=org.path,
        region_code=org.region_id and str(org.region_id) or "",
        kind=org.kind,
        closed=bool(org.closed_on) or not org.is_active,
        grades=grades,
    )


class Spill:
    """Chunks of decided writes (or rejected rows) in a temporary file, read back in order."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="edugov-import-")  # noqa: SIM115 - closed in close()
        self.count = 0

    def add(self, items: list[Any]) -> None:
        if items:
            pickle.dump(items, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self.count += len(items)

    def __iter__(self) -> Iterator[list[Any]]:
        self._file.seek(0)
        while True:
            try:
                # Our own temporary file, written by this process a moment ago.
                yield pickle.load(self._file)  # noqa: S301
            except EOFError:
                return

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Table:
    """Raw bulk inserts into one model's table: COPY on PostgreSQL, executemany on SQLite.

    Rows are tuples built by ``maker`` (columns not given take the field's default). Values
    must already be in database form (encrypted text, ISO dates, adapted datetimes).
    """

    def __init__(self, model: type[models.Model], *, with_id: bool = True) -> None:
        self.model = model
        self.table = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.attnames = [f.attname for f in fields]
        self.defaults = {f.attname: None if f.primary_key else _db_default(f) for f in fields}
        quote = connection.ops.quote_name
        self.column_sql = ", ".join(quote(f.column) for f in fields)
        self._next_id: int | None = None

    def base(self, *values: dict[str, Any]) -> dict[str, Any]:
        """The defaults with values every row of a chunk shares."""
        merged = self.defaults.copy()
        for part in values:
            merged.update(part)
        return merged

    def maker(self, keys: tuple[str, ...], *shared: dict[str, Any]) -> Any:
        """A fast builder of rows from values given in ``keys`` order, over the defaults and the
        ``shared`` values (no dict per row: one C-level pick from the values and a template)."""
        unknown = set(keys) - set(self.attnames)
        if unknown:
            raise ValueError(f"{self.table} has no columns {sorted(unknown)}")
        base = self.base(*shared)
        template = tuple(base[a] for a in self.attnames)
        n = len(keys)
        positions = [keys.index(a) if a in keys else n + j for j, a in enumerate(self.attnames)]
        pick = operator.itemgetter(*positions)
        return lambda values: pick((*values, *template))

    def allocate_ids(self, count: int) -> list[int]:
        """Primary keys for ``count`` new rows, reserved inside the current transaction."""
        if count == 0:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.table, count],
                )
                return [r[0] for r in cursor.fetchall()]
            if self._next_id is None:
                quote = connection.ops.quote_name
                cursor.execute(f"SELECT MAX(id) FROM {quote(self.table)}")  # noqa: S608 - our table name
                top = cursor.fetchone()[0] or 0
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
                seq = cursor.fetchone()
                self._next_id = max(top, seq[0] if seq else 0) + 1
        first = self._next_id
        self._next_id += count
        return list(range(first, first + count))

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with (
                    connection.wrap_database_errors,
                    cursor.cursor.copy(
                        f"COPY {quote(self.table)} ({self.column_sql}) FROM STDIN"  # noqa: S608
                    ) as copy,
                ):
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.attnames))
                cursor.executemany(
                    f"INSERT INTO {quote(self.table)} ({self.column_sql}) VALUES ({marks})",  # noqa: S608
                    rows,
                )


def _db_default(model_field: models.Field) -> Any:
    if model_field.has_default() and not callable(model_field.default):
        value = model_field.default
        return value
    if model_field.null:
        return None
    if model_field.empty_strings_allowed:
        return ""
    return None


def db_datetime(value: Any) -> Any:
    return connection.ops.adapt_datetimefield_value(value)
