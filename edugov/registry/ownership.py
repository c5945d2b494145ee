"""One source for each datum (一数一源, DB-5): every family of fields has an owner.

A family names its fields, the unit that owns them (relative to the record) and the
action the editor must hold *on that unit*. An edit by anyone else is refused with a
message naming the owner, so the user knows whom to ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.core.choices import OrganizationKind, OrganizationLevel
from edugov.core.permissions.scopes import has_permission
from edugov.registry.errors import OwnershipRefused


@dataclass(frozen=True)
class FieldFamily:
    key: str
    title: Any
    fields: frozenset[str]
    owner: str  # "school" (the record's school or unit) or "county" (the county bureau above it)
    permission: str
    owner_title: Any  # who, in words, e.g. 学籍管理员


FAMILIES: dict[str, tuple[FieldFamily, ...]] = {
    "registry.student": (
        FieldFamily(
            "student.identity",
            gettext_lazy("identity"),
            frozenset(
                {
                    "name",
                    "id_type",
                    "id_number",
                    "sex",
                    "ethnicity",
                    "birth_date",
                    "nationality",
                    "household_region",
                    "address",
                    "student_number",
                }
            ),
            "school",
            "registry.student.change",
            gettext_lazy("the registrar of the school where the student is enrolled"),
        ),
        FieldFamily(
            "student.care",
            gettext_lazy("care flags"),
            frozenset({"left_behind", "migrant", "disability"}),
            "school",
            "registry.student.change",
            gettext_lazy("the registrar of the school where the student is enrolled"),
        ),
        FieldFamily(
            "student.aid",
            gettext_lazy("financial aid"),
            frozenset({"aid_eligible"}),
            "county",
            "registry.student.change_aid",
            gettext_lazy("the student financial-aid office of the county bureau"),
        ),
    ),
    "registry.enrolment": (
        FieldFamily(
            "enrolment",
            gettext_lazy("enrolment"),
            frozenset({"grade", "class_name", "entry_date", "study_mode"}),
            "school",
            "registry.student.change",
            gettext_lazy("the registrar of the school"),
        ),
    ),
    "registry.building": (
        FieldFamily(
            "building.safety",
            gettext_lazy("safety rating"),
            frozenset({"safety_rating", "safety_assessed_on"}),
            "county",
            "registry.building.rate_safety",
            gettext_lazy("the school-safety office of the county bureau"),
        ),
        FieldFamily(
            "building.facts",
            gettext_lazy("building facts"),
            frozenset(
                {"code", "name", "building_type", "floor_area", "floors", "year_built", "structure", "use"}
            ),
            "school",
            "registry.building.change",
            gettext_lazy("the unit's administrator"),
        ),
    ),
}


def record_unit(record: Any) -> Any:
    """The unit a record belongs to: a student's current school, else the record's unit."""
    if record._meta.label_lower == "registry.student":
        enrolment = record.enrolments.filter(state="active").select_related("school").first()
        if enrolment is None:
            enrolment = record.enrolments.select_related("school").order_by("-started_on", "-pk").first()
        return enrolment.school if enrolment else None
    if record._meta.label_lower == "registry.enrolment":
        return record.school
    return getattr(record, "organization", None)


def bureau_of(unit: Any, level: str) -> Any:
    """The nearest bureau of ``level`` (county or prefecture) at or above ``unit``; None if none."""
    for ancestor in reversed([*unit.get_ancestors(), unit]):
        if ancestor.kind == OrganizationKind.BUREAU and ancestor.level == level:
            return ancestor
    return None


def county_bureau_of(unit: Any) -> Any:
    """The nearest county-level bureau above (or at) ``unit``; the unit itself if none."""
    return bureau_of(unit, OrganizationLevel.COUNTY) or unit


def owner_unit(family: FieldFamily, record: Any) -> Any:
    unit = record_unit(record)
    if unit is None or family.owner == "school":
        return unit
    return county_bureau_of(unit)


def families_for(record: Any) -> tuple[FieldFamily, ...]:
    return FAMILIES.get(record._meta.label_lower, ())


def check_ownership(user: Any, record: Any, fields: set[str] | list[str]) -> None:
    """Raise ``OwnershipRefused`` unless ``user`` owns every family among ``fields``."""
    for family in families_for(record):
        touched = family.fields & set(fields)
        if not touched:
            continue
        unit = owner_unit(family, record)
        if unit is not None and has_permission(user, family.permission, unit):
            continue
        raise OwnershipRefused(
            _("The %(family)s of this record is kept by %(owner)s (%(unit)s); ask them to change it.")
            % {"family": family.title, "owner": family.owner_title, "unit": unit or "—"}
        )


def editable_fields(user: Any, record: Any) -> set[str] | None:
    """Fields of owned families the user may change (None: no family rules for this model)."""
    families = families_for(record)
    if not families:
        return None
    allowed: set[str] = set()
    for family in families:
        unit = owner_unit(family, record)
        if unit is not None and has_permission(user, family.permission, unit):
            allowed |= family.fields
    return allowed
