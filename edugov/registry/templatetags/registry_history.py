"""Template filters for registry lineage: field labels and readable values.

Used by ``registry/includes/history.html``; lineage entries store field names and raw
values (codes, ISO dates, booleans), which these turn into what a person reads.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.apps import apps
from django.utils.translation import gettext as _

from edugov.registry import codes
from edugov.registry.exports import mask_student_number

register = template.Library()

# Fields whose stored value is a code of a core code table, per record type; the shared
# map applies where a record type has no entry of its own for the field.
CODED_BY_TYPE: dict[str, dict[str, str]] = {
    "registry.asset": {"category": "asset_category", "status": "asset_status"},
    "registry.building": {
        "building_type": "building_type",
        "structure": "building_structure",
        "safety_rating": "building_safety",
    },
    "registry.staffmember": {
        "post": "staff_post",
        "subject": "subject",
        "professional_title": "professional_title",
        "education_level": "education_level",
    },
}
CODED_FIELDS = {
    "id_type": "id_document_type",
    "sex": "sex",
    "ethnicity": "ethnicity",
    "nationality": "nationality",
    "disability": "disability",
    "grade": "grade",
    "study_mode": "study_mode",
    "status": "student_status",
    "end_reason": "status_change_kind",
    "relation": "family_relation",
}
# Models searched first, so shared names (name, grade) take the student-side label.
_FIRST = ("student", "enrolment", "guardian", "staffmember")


@cache
def _labels() -> dict[str, Any]:
    config = apps.get_app_config("registry")
    models = sorted(
        config.get_models(),
        key=lambda m: _FIRST.index(m._meta.model_name) if m._meta.model_name in _FIRST else len(_FIRST),
    )
    labels: dict[str, Any] = {}
    for model in models:
        for field in model._meta.get_fields():
            if getattr(field, "verbose_name", None) and field.name not in labels:
                labels[field.name] = field.verbose_name
    labels["merged"] = _("merged record")
    return labels


@register.filter
def registry_field_label(field: str) -> str:
    """The verbose name of a registry field (capitalised), or the name itself."""
    label = _labels().get(field)
    return str(label).capitalize() if label is not None else field


@register.filter
def registry_value(value: Any, field: str = "") -> str:
    """A recorded value as text: code names for coded fields, 是/否 for booleans."""
    return registry_change_value(value, field)


@register.simple_tag
def registry_change_value(value: Any, field: str, record_type: str = "") -> str:
    """Like ``registry_value``, reading codes with the tables of ``record_type``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    own = CODED_BY_TYPE.get(record_type, {})
    if record_type == "registry.financerecord" and field == "category":
        own = {}  # income or expenditure: the direction is not in the change record
    table = own.get(field) or (
        None if record_type in CODED_BY_TYPE and field == "status" else CODED_FIELDS.get(field)
    )
    if table:
        name = codes.label(table, str(value))
        return f"{value} {name}" if name != str(value) else str(value)
    return str(value)


@register.simple_tag
def registry_action_label(action: str) -> str:
    return {
        "create": _("Created"),
        "update": _("Changed"),
        "merge": _("Merged"),
        "unmerge": _("Merge undone"),
    }.get(action, action)


@register.filter
def registry_code(code: Any, table: str) -> str:
    """The name of ``code`` in the code table ``table`` (the code itself when unknown)."""
    if code in (None, ""):
        return ""
    return codes.label(table, str(code))


@register.filter
def registry_student_number(number: Any) -> str:
    """A student number as lists show it: G/J + ID number carries the ID number, so mask it."""
    return mask_student_number(number)
