from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.registry.choices import Boarding
from edugov.registry.models.base import RegistryRecord


class SchoolProfile(RegistryRecord):
    """Registry details of a school, on top of its unit in the organisation tree."""

    scope_field = "organization"

    organization = models.OneToOneField(
        "core.Organization",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="school_profile",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    founding_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    # Codes of the ``stage`` table (学段) and the ``grade`` table (年级) the school offers.
    stages = models.JSONField(_("stages"), default=list, blank=True)
    grades = models.JSONField(_("grades offered"), default=list, blank=True)
    boarding = models.CharField(_("boarding"), max_length=8, choices=Boarding.choices, default=Boarding.NONE)
    area_served = models.TextField(_("area served (施教区)"), blank=True)
    site_area = models.DecimalField(
        _("site area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    phone = models.CharField(_("office phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("school profile")
        verbose_name_plural = _("school profiles")

    def __str__(self) -> str:
        return str(self.organization)
