"""Validity: a coded field holds a value that is not in its code table."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.registry.models import Asset, Enrolment
from edugov.registry.quality.records import (
    active_enrolments,
    buildings,
    code_set,
    current_staff,
    student_label,
)
from edugov.registry.quality.registry import Category, Finding, Rule, count_by, register_rule, truncate

# (field path, code table, may be blank) per record kind.
STUDENT_FIELDS = [
    ("student__sex", "sex", False),
    ("student__ethnicity", "ethnicity", True),
    ("student__nationality", "nationality", False),
    ("student__disability", "disability", True),
    ("grade", "grade", False),
    ("study_mode", "study_mode", False),
    ("status", "student_status", False),
]
STAFF_FIELDS = [
    ("sex", "sex", False),
    ("ethnicity", "ethnicity", True),
    ("post", "staff_post", False),
    ("subject", "subject", True),
    ("professional_title", "professional_title", True),
    ("education_level", "education_level", True),
]
BUILDING_FIELDS = [
    ("building_type", "building_type", False),
    ("structure", "building_structure", False),
    ("safety_rating", "building_safety", True),
]
ASSET_FIELDS = [("category", "asset_category", False), ("status", "asset_status", False)]


def _bad_q(fields: list[tuple[str, str, bool]], valid: dict[str, set[str]]) -> Q:
    q = Q()
    for field, table, may_be_blank in fields:
        bad = ~Q(**{f"{field}__in": valid[table]})
        q |= (bad & ~Q(**{field: ""})) if may_be_blank else bad
    return q


def _verbose_name(model: type[models.Model], path: str) -> str:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model  # type: ignore[assignment]
    return str(model._meta.get_field(name).verbose_name)


def _message(
    model: type[models.Model], row: dict, fields: list[tuple[str, str, bool]], valid: dict[str, set[str]]
) -> str:
    problems = [
        _("%(field)s “%(value)s” is not in code table %(table)s")
        % {"field": _verbose_name(model, field), "value": row[field], "table": table}
        for field, table, may_be_blank in fields
        if row[field] not in valid[table] and not (may_be_blank and row[field] == "")
    ]
    return truncate("; ".join(problems) + ".", 300)


@register_rule
class InvalidCodes(Rule):
    code = "invalid_codes"
    title = gettext_lazy("Values not in their code table")
    category = Category.VALIDITY
    description = gettext_lazy(
        "Sex, ethnicity, grade, study mode, status, post, subject, building type and structure, asset "
        "category and status must be codes of the national code tables."
    )

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        tables = {
            t
            for group in (STUDENT_FIELDS, STAFF_FIELDS, BUILDING_FIELDS, ASSET_FIELDS)
            for _f, t, _b in group
        }
        valid = {table: code_set(table) for table in tables}
        yield from self._students(units, valid)
        yield from self._others(current_staff(units), "staffmember", STAFF_FIELDS, valid)
        yield from self._others(buildings(units), "building", BUILDING_FIELDS, valid)
        yield from self._others(Asset.objects.filter(organization__in=units), "asset", ASSET_FIELDS, valid)

    def _students(self, units: models.QuerySet, valid: dict[str, set[str]]) -> Iterator[Finding]:
        fields = [f for f, _t, _b in STUDENT_FIELDS]
        rows = (
            active_enrolments(units)
            .filter(_bad_q(STUDENT_FIELDS, valid))
            .order_by()
            .values("student_id", "school_id", "student__name", "class_name", *fields)
        )
        for row in rows.iterator(chunk_size=2000):
            yield Finding(
                organization_id=row["school_id"],
                record_type="student",
                record_id=row["student_id"],
                record_label=student_label(row["student__name"], row["grade"], row["class_name"]),
                message=_message(Enrolment, row, STUDENT_FIELDS, valid),
            )

    def _others(
        self, queryset: models.QuerySet, record_type: str, spec: list, valid: dict[str, set[str]]
    ) -> Iterator[Finding]:
        fields = [f for f, _t, _b in spec]
        rows = (
            queryset.filter(_bad_q(spec, valid)).order_by().values("pk", "organization_id", "name", *fields)
        )
        for row in rows.iterator(chunk_size=2000):
            yield Finding(
                organization_id=row["organization_id"],
                record_type=record_type,
                record_id=row["pk"],
                record_label=truncate(row["name"], 120),
                message=_message(queryset.model, row, spec, valid),
            )

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        counts = count_by(active_enrolments(units), "school_id")
        for queryset in (
            current_staff(units),
            buildings(units),
            Asset.objects.filter(organization__in=units),
        ):
            for org, n in count_by(queryset, "organization_id").items():
                counts[org] = counts.get(org, 0) + n
        return counts
