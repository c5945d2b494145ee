from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.core.choices import RegionLevel


class Region(models.Model):
    """A GB/T 2260 administrative region; withdrawn codes stay, because ID numbers use them."""

    code = models.CharField(
        _("region code"), max_length=6, primary_key=True, validators=[RegexValidator(r"^\d{6}$")]
    )
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.PositiveSmallIntegerField(_("in use from (year)"), null=True, blank=True)
    valid_until = models.PositiveSmallIntegerField(_("in use until (year)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=64, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["parent", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.valid_until is None

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"
