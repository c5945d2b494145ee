from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.registry.models.base import RegistryRecord


class Asset(RegistryRecord):
    """An asset or item of equipment (设备资产) of a unit."""

    scope_field = "organization"

    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assets"
    )
    asset_number = models.CharField(_("asset number"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=2)  # ``asset_category`` (GB/T 14885)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_value = models.DecimalField(_("unit value (yuan)"), max_digits=14, decimal_places=2)
    location = models.CharField(_("location"), max_length=100, blank=True)
    building = models.ForeignKey(
        "registry.Building",
        verbose_name=_("building"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assets",
    )
    acquired_on = models.DateField(_("acquired on"))
    status = models.CharField(_("status"), max_length=1, default="1")  # ``asset_status`` table

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "asset_number"], name="registry_asset_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def total_value(self):  # noqa: ANN201
        return self.unit_value * self.quantity
