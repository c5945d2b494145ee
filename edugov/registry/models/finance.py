from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.registry.choices import FinanceDirection
from edugov.registry.models.base import RegistryRecord


class FinanceRecord(RegistryRecord):
    """A unit's income or expenditure of one category in one year (经费)."""

    scope_field = "organization"

    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="finance_records"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    direction = models.CharField(_("income or expenditure"), max_length=12, choices=FinanceDirection.choices)
    # ``finance_income`` or ``finance_expenditure`` table, by direction.
    category = models.CharField(_("category"), max_length=2)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("finance record")
        verbose_name_plural = _("finance records")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "direction", "category"], name="registry_finance_unique"
            )
        ]
