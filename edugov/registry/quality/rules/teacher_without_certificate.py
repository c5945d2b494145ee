"""Completeness: a full-time teacher (专任教师) has no teacher-qualification certificate number."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.registry.quality.records import teachers
from edugov.registry.quality.registry import Category, Finding, Rule, count_by, register_rule, truncate


@register_rule
class TeacherWithoutCertificate(Rule):
    code = "teacher_without_certificate"
    title = gettext_lazy("Teachers without a qualification certificate")
    category = Category.COMPLETENESS
    description = gettext_lazy(
        "Full-time teachers must hold a teacher-qualification certificate; record its number."
    )

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        rows = (
            teachers(units)
            .filter(qualification_cert_number="")
            .order_by()
            .values_list("pk", "organization_id", "name")
        )
        message = _("Full-time teacher without a teacher-qualification certificate number.")
        for pk, org, name in rows.iterator(chunk_size=2000):
            yield Finding(org, "staffmember", pk, truncate(name, 120), message)

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        return count_by(teachers(units), "organization_id")
