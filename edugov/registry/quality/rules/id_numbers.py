"""Validity: a stored resident ID number fails its GB 11643 check (or cannot be read back).

The number is decrypted in a streaming pass (see ``quality/identities.py``): a wrong check
character can only be seen in the number itself. The keyed lookup hash is checked too, so
a number whose hash no longer matches (exact search would miss the person) is reported.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.core.crypto import lookup_hash
from edugov.core.validators import parse_id_number
from edugov.registry.quality.identities import identities_checked, stored_identities
from edugov.registry.quality.registry import Category, Finding, Rule, register_rule, truncate


def _any_region(code: str) -> bool:
    return True  # the region list is not this rule's business (and would cost a query per row)


@register_rule
class IdNumberCheck(Rule):
    code = "id_number_check"
    title = gettext_lazy("ID numbers failing their check")
    category = Category.VALIDITY
    description = gettext_lazy(
        "Stored resident ID numbers of enrolled students and current staff must have 18 characters, a "
        "real birth date and the right check character (GB 11643)."
    )

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        today = timezone.localdate()
        for person in stored_identities(units):
            message = self._problem(person.number, person.id_hash, today)
            if message:
                yield Finding(
                    organization_id=person.organization_id,
                    record_type=person.record_type,
                    record_id=person.record_id,
                    record_label=person.label,
                    message=truncate(message, 300),
                )

    @staticmethod
    def _problem(number: str | None, id_hash: str | None, today) -> str | None:  # noqa: ANN001
        if number is None:
            return _("The stored ID number cannot be decrypted; enter it again.")
        try:
            parsed = parse_id_number(number, today=today, region_exists=_any_region)
        except ValidationError as error:
            return _("Stored ID number: %(problem)s") % {"problem": " ".join(error.messages)}
        if id_hash and lookup_hash(parsed.normalized, kind="id") != id_hash:
            return _("The ID number's lookup hash does not match the number; save the record again.")
        return None

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        return identities_checked(units)
