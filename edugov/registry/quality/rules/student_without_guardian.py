"""Completeness: an enrolled student has no guardian on record."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.registry.models import GuardianLink
from edugov.registry.quality.records import active_enrolments, student_label, students_per_school
from edugov.registry.quality.registry import Category, Finding, Rule, register_rule


@register_rule
class StudentWithoutGuardian(Rule):
    code = "student_without_guardian"
    title = gettext_lazy("Students without a guardian")
    category = Category.COMPLETENESS
    description = gettext_lazy("Every enrolled student needs at least one guardian with contact details.")

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        rows = (
            active_enrolments(units)
            .filter(~Exists(GuardianLink.objects.filter(student_id=OuterRef("student_id"))))
            .order_by()
            .values_list("student_id", "school_id", "student__name", "grade", "class_name")
        )
        message = _("No guardian recorded; add at least one guardian.")
        for student_id, school_id, name, grade, class_name in rows.iterator(chunk_size=2000):
            yield Finding(school_id, "student", student_id, student_label(name, grade, class_name), message)

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        return students_per_school(units)
