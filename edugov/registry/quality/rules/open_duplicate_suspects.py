"""Duplicates: suspected duplicate student records nobody has decided on yet."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.registry.choices import DuplicateStatus, Severity
from edugov.registry.models import DuplicateSuspect
from edugov.registry.quality.records import students_per_school
from edugov.registry.quality.registry import Category, Finding, Rule, register_rule, truncate


@register_rule
class OpenDuplicateSuspects(Rule):
    code = "open_duplicate_suspects"
    title = gettext_lazy("Undecided duplicate suspects")
    category = Category.DUPLICATES
    severity = Severity.WARNING
    description = gettext_lazy(
        "Two student records suspected to be one person: merge them or mark them as different people."
    )

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        rows = (
            DuplicateSuspect.objects.filter(organization__in=units, status=DuplicateStatus.OPEN)
            .order_by()
            .values_list("pk", "organization_id", "first__name", "second__name", "reason")
        )
        for pk, org, first, second, reason in rows.iterator(chunk_size=2000):
            yield Finding(
                org,
                "duplicatesuspect",
                pk,
                truncate(f"{first} ≟ {second}", 120),
                truncate(_("Possibly one person (%(reason)s); merge or dismiss.") % {"reason": reason}, 300),
            )

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        return students_per_school(units)
