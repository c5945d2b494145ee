"""Consistency: a person's recorded birth date or sex differs from what the ID number says."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.core.validators import parse_id_number
from edugov.registry.quality.identities import identities_checked, stored_identities
from edugov.registry.quality.registry import Category, Finding, Rule, register_rule


@register_rule
class BirthDateMatchesId(Rule):
    code = "birth_date_vs_id"
    title = gettext_lazy("Birth date or sex differs from the ID number")
    category = Category.CONSISTENCY
    description = gettext_lazy(
        "The date of birth and sex recorded for a person must be those encoded in their ID number."
    )

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        today = timezone.localdate()
        for person in stored_identities(units):
            if not person.number:
                continue
            try:
                parsed = parse_id_number(person.number, today=today, region_exists=lambda code: True)
            except ValidationError:
                continue  # reported by id_number_check
            problems = []
            if parsed.birth_date != person.birth_date:
                problems.append(
                    _("date of birth %(recorded)s, ID number says %(expected)s")
                    % {"recorded": person.birth_date.isoformat(), "expected": parsed.birth_date.isoformat()}
                )
            if not parsed.normalized.startswith("9") and parsed.sex_code != person.sex:
                problems.append(_("sex does not match the ID number"))
            if problems:
                yield Finding(
                    organization_id=person.organization_id,
                    record_type=person.record_type,
                    record_id=person.record_id,
                    record_label=person.label,
                    message=_("Recorded %(problems)s.") % {"problems": "; ".join(problems)},
                )

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        return identities_checked(units)
