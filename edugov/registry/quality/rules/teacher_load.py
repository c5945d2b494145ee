"""Plausibility: teacher load — over 24 lessons a week per teacher, over 30 pupils per teacher."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.core.models import Organization
from edugov.registry.choices import Severity
from edugov.registry.quality.records import students_per_school, teachers
from edugov.registry.quality.registry import Category, Finding, Rule, count_by, register_rule, truncate

MAX_WEEKLY_LESSONS = 24
MAX_PUPILS_PER_TEACHER = 30


@register_rule
class TeacherLoad(Rule):
    code = "teacher_load"
    title = gettext_lazy("Teacher load")
    category = Category.PLAUSIBILITY
    severity = Severity.WARNING
    description = gettext_lazy(
        "A full-time teacher teaches at most 24 lessons a week; a school has at most 30 pupils per "
        "full-time teacher."
    )

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        rows = (
            teachers(units)
            .filter(weekly_lessons__gt=MAX_WEEKLY_LESSONS)
            .order_by()
            .values_list("pk", "organization_id", "name", "weekly_lessons")
        )
        for pk, org, name, lessons in rows.iterator(chunk_size=2000):
            yield Finding(
                org,
                "staffmember",
                pk,
                truncate(name, 120),
                _("%(n)s lessons a week; more than %(max)s is implausible or overload.")
                % {"n": lessons, "max": MAX_WEEKLY_LESSONS},
            )
        yield from self._ratios(units)

    def _ratios(self, units: models.QuerySet) -> Iterable[Finding]:
        pupils = students_per_school(units)
        staff = count_by(teachers(units), "organization_id")
        over = {
            school: n for school, n in pupils.items() if n > MAX_PUPILS_PER_TEACHER * staff.get(school, 0)
        }
        names = dict(Organization.objects.filter(pk__in=list(over)).values_list("pk", "name")) if over else {}
        for school, n in over.items():
            count = staff.get(school, 0)
            if count:
                message = _(
                    "%(pupils)s pupils for %(teachers)s full-time teachers: %(ratio)s per teacher "
                    "(at most %(max)s)."
                ) % {
                    "pupils": n,
                    "teachers": count,
                    "ratio": round(n / count, 1),
                    "max": MAX_PUPILS_PER_TEACHER,
                }
            else:
                message = _("%(pupils)s pupils and no full-time teacher on record.") % {"pupils": n}
            yield Finding(school, "organization", school, truncate(names.get(school, ""), 120), message)

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        counts = count_by(teachers(units), "organization_id")
        for school in students_per_school(units):
            counts[school] = counts.get(school, 0) + 1  # the school's pupil/teacher ratio
        return counts
