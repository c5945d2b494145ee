"""Plausibility: a pupil's age does not fit the grade (``edugov.registry.rules.age_grade_problem``).

The database selects candidates by birth-date bounds per grade; only those are checked in
Python, with the same function forms and imports use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from edugov.core.models import Code
from edugov.registry.quality.records import active_enrolments, student_label, students_per_school
from edugov.registry.quality.registry import Category, Finding, Rule, register_rule
from edugov.registry.rules import (
    AGE_ABOVE_TOLERANCE,
    AGE_BELOW_TOLERANCE,
    age_grade_problem,
    school_year_start,
)


def _years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)  # 1 September: no 29 February to trip over


def _suspicious(start: dt.date) -> Q:
    """Birth dates outside every grade's tolerance, as of the start of the school year."""
    q = Q(pk__in=[])
    for code, extra in Code.objects.filter(table_id="grade").values_list("code", "extra"):
        usual = (extra or {}).get("age")
        if usual is None:
            continue
        # age < usual − below  ⇔  born after start − (usual − below) years
        too_young = Q(student__birth_date__gt=_years_before(start, usual - AGE_BELOW_TOLERANCE))
        # age > usual + above  ⇔  born on or before start − (usual + above + 1) years
        too_old = Q(student__birth_date__lte=_years_before(start, usual + AGE_ABOVE_TOLERANCE + 1))
        q |= Q(grade=code) & (too_young | too_old)
    return q


@register_rule
class AgeFitsGrade(Rule):
    code = "age_grade"
    title = gettext_lazy("Age does not fit the grade")
    category = Category.PLAUSIBILITY
    description = gettext_lazy(
        "A pupil's age at the start of the school year must be plausible for the grade."
    )

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        today = timezone.localdate()
        rows = (
            active_enrolments(units)
            .filter(_suspicious(school_year_start(today)))
            .order_by()
            .values_list(
                "student_id", "school_id", "student__name", "student__birth_date", "grade", "class_name"
            )
        )
        for student_id, school_id, name, birth, grade, class_name in rows.iterator(chunk_size=2000):
            problem = age_grade_problem(birth, grade, on=today)
            if problem:
                yield Finding(
                    school_id, "student", student_id, student_label(name, grade, class_name), problem
                )

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        return students_per_school(units)
