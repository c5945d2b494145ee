"""Plausibility: class size. Over 56 pupils is a 超大班额 (error); over 45 in primary, a warning."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from django.db import models
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.registry import codes
from edugov.registry.choices import Severity
from edugov.registry.quality.records import active_enrolments, class_label
from edugov.registry.quality.registry import Category, Finding, Rule, register_rule, truncate

OVERSIZED = 56
PRIMARY_WARNING = 45
PRIMARY_STAGE = "2"


def class_id(grade: str, class_name: str) -> int:
    """A stable number for a class of a school (classes have no table of their own)."""
    return zlib.crc32(f"{grade}|{class_name}".encode())


def _class_sizes(units: models.QuerySet) -> models.QuerySet:
    return (
        active_enrolments(units)
        .exclude(class_name="")
        .order_by()
        .values("school_id", "grade", "class_name")
        .annotate(n=Count("pk"))
    )


@register_rule
class ClassSize(Rule):
    code = "class_size"
    title = gettext_lazy("Oversized classes")
    category = Category.PLAUSIBILITY
    description = gettext_lazy(
        "Classes of more than 56 pupils (超大班额) are errors; primary classes of more than 45, warnings."
    )

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        for row in _class_sizes(units).filter(n__gt=PRIMARY_WARNING).iterator(chunk_size=2000):
            n, grade = row["n"], row["grade"]
            if n > OVERSIZED:
                severity = Severity.ERROR
                message = _("%(n)s pupils in one class: more than %(max)s is an oversized class (超大班额).")
            elif codes.attributes("grade", grade).get("stage") == PRIMARY_STAGE:
                severity = Severity.WARNING
                message = _("%(n)s pupils in one primary class: more than %(max)s is a large class.")
            else:
                continue
            limit = OVERSIZED if severity == Severity.ERROR else PRIMARY_WARNING
            yield Finding(
                organization_id=row["school_id"],
                record_type="class",
                record_id=class_id(grade, row["class_name"]),
                record_label=truncate(f"{class_label(grade, row['class_name'])} ({n})", 120),
                message=message % {"n": n, "max": limit},
                severity=severity,
            )

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        counts: dict[int, int] = {}
        for school_id in _class_sizes(units).values_list("school_id", flat=True).iterator(chunk_size=5000):
            counts[school_id] = counts.get(school_id, 0) + 1
        return counts
