"""Plausibility: a school's floor area per pupil is below 4.5 m²."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.core.models import Organization
from edugov.registry.choices import Severity
from edugov.registry.quality.records import buildings, students_per_school
from edugov.registry.quality.registry import Category, Finding, Rule, register_rule, truncate

MIN_AREA_PER_PUPIL = Decimal("4.5")


def _areas(units: models.QuerySet) -> dict[int, Decimal]:
    rows = buildings(units).order_by().values("organization_id").annotate(area=Sum("floor_area"))
    return {row["organization_id"]: row["area"] or Decimal(0) for row in rows}


@register_rule
class BuildingAreaPerPupil(Rule):
    code = "building_area"
    title = gettext_lazy("Floor area per pupil")
    category = Category.PLAUSIBILITY
    severity = Severity.WARNING
    description = gettext_lazy(
        "A school with buildings on record has at least 4.5 m² of floor area per pupil."
    )

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        areas = _areas(units)
        pupils = students_per_school(units)
        low = {
            school: (area, pupils[school])
            for school, area in areas.items()
            if pupils.get(school) and Decimal(area) / pupils[school] < MIN_AREA_PER_PUPIL
        }
        names = dict(Organization.objects.filter(pk__in=list(low)).values_list("pk", "name")) if low else {}
        for school, (area, n) in low.items():
            yield Finding(
                school,
                "organization",
                school,
                truncate(names.get(school, ""), 120),
                _("%(area)s m² of buildings for %(pupils)s pupils: %(per)s m² each (at least %(min)s).")
                % {"area": area, "pupils": n, "per": round(Decimal(area) / n, 2), "min": MIN_AREA_PER_PUPIL},
            )

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        pupils = students_per_school(units)
        return {school: 1 for school in _areas(units) if pupils.get(school)}
