"""Completeness: an active enrolment has no class."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.registry.choices import Severity
from edugov.registry.quality.records import active_enrolments, student_label, students_per_school
from edugov.registry.quality.registry import Category, Finding, Rule, register_rule


@register_rule
class EnrolmentWithoutClass(Rule):
    code = "enrolment_without_class"
    title = gettext_lazy("Students without a class")
    category = Category.COMPLETENESS
    severity = Severity.WARNING
    description = gettext_lazy("Every enrolled student should be placed in a class.")

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        rows = (
            active_enrolments(units)
            .filter(class_name="")
            .order_by()
            .values_list("student_id", "school_id", "student__name", "grade")
        )
        message = _("No class recorded; place the student in a class.")
        for student_id, school_id, name, grade in rows.iterator(chunk_size=2000):
            yield Finding(school_id, "student", student_id, student_label(name, grade, ""), message)

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        return students_per_school(units)
