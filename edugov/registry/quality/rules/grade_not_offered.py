"""Consistency: students are enrolled in a grade that the school's profile does not offer.

One finding per school and grade (the fix is either the profile or the enrolments), weighted
by the number of students in it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.registry import codes
from edugov.registry.models import SchoolProfile
from edugov.registry.quality.records import active_enrolments
from edugov.registry.quality.registry import Category, Finding, Rule, count_by, register_rule


def _offered(units: models.QuerySet) -> dict[int, set[str]]:
    """Schools whose profile lists the grades they offer (an empty list is not checked)."""
    rows = SchoolProfile.objects.filter(organization__in=units).values_list("organization_id", "grades")
    return {org: set(grades) for org, grades in rows if grades}


@register_rule
class GradeNotOffered(Rule):
    code = "grade_not_offered"
    title = gettext_lazy("Grades the school does not offer")
    category = Category.CONSISTENCY
    description = gettext_lazy("Students must be in a grade listed in their school's profile.")

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        offered = _offered(units)
        if not offered:
            return
        rows = (
            active_enrolments(units)
            .order_by()
            .values("school_id", "grade")
            .annotate(n=Count("pk"))
            .values_list("school_id", "grade", "n")
        )
        for school_id, grade, n in rows:
            if school_id not in offered or grade in offered[school_id]:
                continue
            label = codes.label("grade", grade)
            yield Finding(
                organization_id=school_id,
                record_type="grade",
                record_id=int(grade) if grade.isdigit() else 0,
                record_label=_("%(grade)s (%(n)s students)") % {"grade": label, "n": n},
                message=_(
                    "%(n)s students are enrolled in %(grade)s, which the school profile does not offer; "
                    "correct the profile or the enrolments."
                )
                % {"n": n, "grade": label},
                weight=n,
            )

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        offered = _offered(units)
        if not offered:
            return {}
        counts = count_by(active_enrolments(units), "school_id")
        return {school_id: n for school_id, n in counts.items() if school_id in offered}
