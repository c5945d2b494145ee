"""The record sets rules look at, scoped to a queryset of units, and how findings name them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from edugov.registry import codes
from edugov.registry.choices import EnrolmentState
from edugov.registry.models import Building, Enrolment, StaffMember
from edugov.registry.quality.registry import count_by, truncate

FULL_TIME_TEACHER = "1"  # ``staff_post`` 专任教师


def active_enrolments(units: models.QuerySet) -> models.QuerySet:
    """The students a unit answers for now: their one active enrolment is at a school in ``units``."""
    return Enrolment.objects.filter(state=EnrolmentState.ACTIVE, school__in=units)


def current_staff(units: models.QuerySet) -> models.QuerySet:
    today = timezone.localdate()
    return StaffMember.objects.filter(organization__in=units).filter(
        Q(employed_until__isnull=True) | Q(employed_until__gte=today)
    )


def teachers(units: models.QuerySet) -> models.QuerySet:
    return current_staff(units).filter(post=FULL_TIME_TEACHER)


def buildings(units: models.QuerySet) -> models.QuerySet:
    return Building.objects.filter(organization__in=units)


def students_per_school(units: models.QuerySet) -> dict[int, int]:
    return count_by(active_enrolments(units), "school_id")


def class_label(grade: str, class_name: str) -> str:
    return f"{codes.label('grade', grade)} {class_name}".strip()


def student_label(name: str, grade: str, class_name: str) -> str:
    """Name and class: enough to find the pupil, with no personal number in it."""
    return truncate(f"{name} · {class_label(grade, class_name)}", 120)


def code_set(table_slug: str) -> set[str]:
    """Every code of a table that a record may hold (retired codes included, category rows not)."""
    from edugov.core.models import Code

    return set(Code.objects.filter(table_id=table_slug, is_category=False).values_list("code", flat=True))
