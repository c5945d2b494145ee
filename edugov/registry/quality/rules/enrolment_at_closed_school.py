"""Consistency: a student is still actively enrolled at a school that has closed."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.registry.quality.records import active_enrolments, student_label, students_per_school
from edugov.registry.quality.registry import Category, Finding, Rule, register_rule


@register_rule
class EnrolmentAtClosedSchool(Rule):
    code = "enrolment_at_closed_school"
    title = gettext_lazy("Students enrolled at a closed school")
    category = Category.CONSISTENCY
    description = gettext_lazy("A closed school cannot hold active enrolments: transfer or end them.")

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        rows = (
            active_enrolments(units)
            .filter(Q(school__is_active=False) | Q(school__closed_on__isnull=False))
            .order_by()
            .values_list("student_id", "school_id", "student__name", "grade", "class_name")
        )
        message = _("The school is closed but the enrolment is still active; transfer the student or end it.")
        for student_id, school_id, name, grade, class_name in rows.iterator(chunk_size=2000):
            yield Finding(school_id, "student", student_id, student_label(name, grade, class_name), message)

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        return students_per_school(units)
