"""Duplicates: students without an ID number sharing name, birth date and a guardian's phone.

Groups are found with one GROUP BY; pairs already recorded as duplicate suspects (open,
merged or dismissed) are left to that decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.registry.choices import EnrolmentState, Severity
from edugov.registry.models import DuplicateSuspect, GuardianLink
from edugov.registry.quality.records import active_enrolments, student_label
from edugov.registry.quality.registry import Category, Finding, Rule, count_by, register_rule, truncate

CHUNK = 500


def _links(units: models.QuerySet) -> models.QuerySet:
    return GuardianLink.objects.filter(
        student__id_hash__isnull=True,
        student__merged_into__isnull=True,
        student__enrolments__state=EnrolmentState.ACTIVE,
        student__enrolments__school__in=units,
    ).exclude(guardian__phone_hash="")


@register_rule
class SamePersonWithoutId(Rule):
    code = "same_person_without_id"
    title = gettext_lazy("Possible duplicates without ID number")
    category = Category.DUPLICATES
    severity = Severity.WARNING
    description = gettext_lazy(
        "Students without an ID number who share name, date of birth and a guardian's phone are probably "
        "one person enrolled twice."
    )

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        keys = list(
            _links(units)
            .order_by()
            .values("student__name", "student__birth_date", "guardian__phone_hash")
            .annotate(n=Count("student_id", distinct=True))
            .filter(n__gt=1)
            .values_list("student__name", "student__birth_date", "guardian__phone_hash")
        )
        groups: dict[tuple, set[int]] = defaultdict(set)
        for start in range(0, len(keys), CHUNK):
            q = Q(pk__in=[])
            for name, birth, phone in keys[start : start + CHUNK]:
                q |= Q(student__name=name, student__birth_date=birth, guardian__phone_hash=phone)
            for name, birth, phone, student_id in (
                _links(units)
                .filter(q)
                .values_list("student__name", "student__birth_date", "guardian__phone_hash", "student_id")
            ):
                groups[(name, birth, phone)].add(student_id)
        yield from self._findings(units, groups)

    def _findings(self, units: models.QuerySet, groups: dict[tuple, set[int]]) -> Iterable[Finding]:
        members = sorted({pk for group in groups.values() for pk in group})
        decided = set()
        for start in range(0, len(members), CHUNK):
            chunk = members[start : start + CHUNK]
            for first, second in DuplicateSuspect.objects.filter(first_id__in=chunk).values_list(
                "first_id", "second_id"
            ):
                decided.add(frozenset((first, second)))
        partners: dict[int, set[int]] = defaultdict(set)
        for group in groups.values():
            for a, b in combinations(sorted(group), 2):
                if frozenset((a, b)) not in decided:
                    partners[a].add(b)
                    partners[b].add(a)
        if not partners:
            return
        enrolments = {}
        for start in range(0, len(partners), CHUNK):
            chunk = list(partners)[start : start + CHUNK]
            for row in (
                active_enrolments(units)
                .filter(student_id__in=chunk)
                .values_list("student_id", "school_id", "student__name", "grade", "class_name")
            ):
                enrolments[row[0]] = row
        for student_id, others in partners.items():
            if student_id not in enrolments:
                continue
            _pk, school_id, name, grade, class_name = enrolments[student_id]
            yield Finding(
                school_id,
                "student",
                student_id,
                student_label(name, grade, class_name),
                truncate(
                    _(
                        "No ID number; same name, birth date and guardian phone as %(n)s other record(s): "
                        "%(others)s."
                    )
                    % {
                        "n": len(others),
                        "others": ", ".join(
                            student_label(*enrolments[o][2:]) for o in sorted(others) if o in enrolments
                        ),
                    },
                    300,
                ),
            )

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        return count_by(active_enrolments(units).filter(student__id_hash__isnull=True), "school_id")
