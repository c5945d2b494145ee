from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.registry.models.base import RegistryRecord


class Building(RegistryRecord):
    """A building (校舍) of a unit."""

    scope_field = "organization"

    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="buildings"
    )
    code = models.CharField(_("building number"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    building_type = models.CharField(_("type"), max_length=2)  # ``building_type`` table
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=10, decimal_places=2)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    year_built = models.PositiveSmallIntegerField(_("year built"))
    structure = models.CharField(_("structure"), max_length=1)  # ``building_structure`` table
    safety_rating = models.CharField(_("safety rating"), max_length=1, blank=True)  # ``building_safety``
    safety_assessed_on = models.DateField(_("safety assessed on"), null=True, blank=True)
    use = models.CharField(_("current use"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="registry_building_code_unique")
        ]

    def __str__(self) -> str:
        return self.name
