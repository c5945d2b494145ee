"""Importing a unit's staff, buildings and assets.

Rows are validated by the same ``clean_*_values`` functions the forms and the API use
(``registry.actions.records``), so a rule lives in one place. Records are matched by
their natural key within the unit — staff by ID number, buildings by building number,
assets by asset number — so a re-import updates or leaves them, never duplicates.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from edugov.registry.actions.records import SPECS
from edugov.registry.choices import Source
from edugov.registry.imports import cells
from edugov.registry.imports.cells import CellError
from edugov.registry.imports.columns import ASSETS, BUILDINGS, STAFF, KindSpec
from edugov.registry.imports.engine import Checked, ImportContext, Row
from edugov.registry.lineage import diff, record_change
from edugov.registry.models import Asset, Building, StaffMember

DATE_KEYS = frozenset({"birth_date", "employed_from", "employed_until", "safety_assessed_on", "acquired_on"})
INTEGER_KEYS = frozenset({"weekly_lessons", "floors", "year_built", "quantity"})
NUMBER_KEYS = frozenset({"floor_area", "unit_value"})
TEXT_LIMITS = {
    "name": 100,
    "staff_number": 32,
    "qualification_cert_number": 32,
    "phone": 32,
    "code": 32,
    "use": 100,
    "asset_number": 40,
    "location": 100,
}


class RecordImporter:
    """Staff, buildings or assets: one row per record of a unit."""

    model: type[models.Model]
    spec: KindSpec
    key_field: str  # natural key within the unit
    key_column: str  # the column a duplicate is reported on

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.fields = SPECS[self.model].fields
        self.clean = SPECS[self.model].clean
        self.seen: dict[tuple[int, str], int] = {}
        self._lookups = {c.key: ctx.lookup(c.table) for c in self.spec.columns if c.table}

    # --- checking ---------------------------------------------------------------------------

    def check(self, rows: list[tuple[int, list[Any]]]) -> Checked:
        parsed = [self.parse(number, row_cells) for number, row_cells in rows]
        result = Checked()
        valid = []
        for row in parsed:
            if row.problems:
                continue
            key = (row.values["unit"].id, row.values[self.key_field])
            first = self.seen.setdefault(key, row.number)
            if first != row.number:
                row.problem(self.key_column, _("The same number is already on row %(row)s.") % {"row": first})
            else:
                valid.append(row)
        self._decide(valid, result)
        result.rejects = [row for row in parsed if row.problems]
        return result

    def parse(self, number: int, row_cells: list[Any]) -> Row:
        raw = self.ctx.raw(row_cells)
        row = Row(number, row_cells, {})
        values: dict[str, Any] = {}
        for key, cell in raw.items():
            try:
                values[key] = self.convert(key, cell)
            except CellError as error:
                row.problem(key, error.message)
        unit = self.ctx.unit_for(values.pop("school_code", "") or "")
        if isinstance(unit, str):
            row.problem("school_code", unit)
            return row
        self.prepare(row, values, unit)
        if row.problems:
            return row
        try:
            cleaned = self.clean(values, organization=self.ctx.unit_object(unit.id))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                row.problem(self.column_for(field), messages[0])
            return row
        row.values = {f: cleaned.get(f) for f in self.fields if f in cleaned}
        for derived in ("id_hash", "id_masked"):
            if derived in cleaned:
                row.values[derived] = cleaned[derived]
        row.values["unit"] = unit
        return row

    def convert(self, key: str, cell: Any) -> Any:
        if key in self._lookups:
            return self._lookups[key](cell)
        if key in DATE_KEYS:
            return cells.date(cell)
        if key in INTEGER_KEYS:
            return cells.integer(cell)
        if key in NUMBER_KEYS:
            return cells.number(cell)
        if key == "id_number":
            return cells.document_number(cell)
        value = cells.text(cell)
        limit = TEXT_LIMITS.get(key)
        return cells.limited(value, limit) if limit else value

    def prepare(self, row: Row, values: dict[str, Any], unit: Any) -> None:
        """Kind-specific adjustments before the shared validation."""

    def column_for(self, field: str) -> str:
        return field if any(c.key == field for c in self.spec.columns) else ""

    # --- deciding -----------------------------------------------------------------------------

    def _decide(self, rows: list[Row], result: Checked) -> None:
        if not rows:
            return
        units = {row.values["unit"].id for row in rows}
        keys = {row.values[self.key_field] for row in rows}
        existing = {
            (record.organization_id, getattr(record, self.key_field)): record
            for record in self.existing().filter(organization_id__in=units, **{f"{self.key_field}__in": keys})
        }
        for row in rows:
            unit = row.values.pop("unit")
            values = {
                f: v for f, v in row.values.items() if f in self.fields or f in ("id_hash", "id_masked")
            }
            record = existing.get((unit.id, values[self.key_field]))
            if record is None:
                result.ops.append({"op": "new", "unit_id": unit.id, "values": values})
                continue
            compared = {f: v for f, v in values.items() if f in self.fields}
            changes = diff(record, compared)
            if not changes:
                result.unchanged += 1
                continue
            refusal = self.ctx.refused_fields(self.model._meta.label_lower, changes, unit)
            if refusal:
                row.problem(self.column_for(next(iter(changes))), refusal)
                continue
            changed = {f: compared[f] for f in changes}
            result.ops.append(
                {"op": "update", "unit_id": unit.id, "pk": record.pk, "values": changed, "changes": changes}
            )

    def existing(self) -> models.QuerySet:
        return self.model.objects.all()

    # --- writing ------------------------------------------------------------------------------

    def write(self, ops: list[dict[str, Any]]) -> tuple[int, int]:
        ctx = self.ctx
        actor = ctx.user if ctx.user is not None and ctx.user.is_authenticated else None
        creates = [
            self.model(
                organization_id=op["unit_id"],
                created_by=actor,
                created_source=Source.IMPORT,
                created_ref=ctx.source_ref,
                **op["values"],
            )
            for op in ops
            if op["op"] == "new"
        ]
        self.model.objects.bulk_create(creates, batch_size=500)
        updated = 0
        for op in ops:
            if op["op"] != "update":
                continue
            self.model.objects.filter(pk=op["pk"]).update(**op["values"], updated_at=ctx.now)
            record_change(
                self.model(pk=op["pk"]),
                organization=ctx.unit_object(op["unit_id"]),
                action="update",
                changes=op["changes"],
                source=Source.IMPORT,
                source_ref=ctx.source_ref,
                acting_user=ctx.user,
            )
            updated += 1
        return len(creates), updated


class StaffImporter(RecordImporter):
    model = StaffMember
    spec = STAFF
    key_field = "id_hash"
    key_column = "id_number"

    def column_for(self, field: str) -> str:
        return "id_number" if field in {"id_hash", "id_masked"} else super().column_for(field)


class BuildingImporter(RecordImporter):
    model = Building
    spec = BUILDINGS
    key_field = "code"
    key_column = "code"


class AssetImporter(RecordImporter):
    model = Asset
    spec = ASSETS
    key_field = "asset_number"
    key_column = "asset_number"

    def __init__(self, ctx: ImportContext) -> None:
        super().__init__(ctx)
        self._buildings: dict[int, dict[str, Building]] = {}

    def prepare(self, row: Row, values: dict[str, Any], unit: Any) -> None:
        code = values.get("building") or ""
        if not code:
            values["building"] = None
            return
        if unit.id not in self._buildings:
            self._buildings[unit.id] = {b.code: b for b in Building.objects.filter(organization_id=unit.id)}
        building = self._buildings[unit.id].get(code)
        if building is None:
            row.problem(
                "building",
                _("%(unit)s has no building numbered %(code)s.") % {"unit": unit.name, "code": code},
            )
        values["building"] = building

    def existing(self) -> models.QuerySet:
        return Asset.objects.select_related("building")

    def _decide(self, rows: list[Row], result: Checked) -> None:
        super()._decide(rows, result)
        for op in result.ops:
            building = op["values"].pop("building", None) if "building" in op["values"] else None
            if "building" in (op.get("changes") or {}) or op["op"] == "new":
                op["values"]["building_id"] = building.pk if building is not None else None
