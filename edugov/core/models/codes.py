from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeTable(models.Model):
    """A national or sector code table (GB/T 2261.1 sex, GB 3304 ethnic groups, JY/T 1001 …)."""

    slug = models.SlugField(_("key"), max_length=48, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    standard = models.CharField(_("standard"), max_length=64)
    version = models.CharField(_("version"), max_length=32, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("code table")
        verbose_name_plural = _("code tables")

    def __str__(self) -> str:
        return f"{self.standard} {self.name}"


class Code(models.Model):
    """One entry of a code table. Codes are data, loaded from files shipped with edugov."""

    table = models.ForeignKey(CodeTable, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=100)
    abbreviation = models.CharField(_("short form"), max_length=32, blank=True)
    parent_code = models.CharField(_("parent code"), max_length=16, blank=True)
    is_category = models.BooleanField(_("category row"), default=False)
    is_selectable = models.BooleanField(_("offered on forms"), default=True)
    sort_order = models.PositiveIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["table", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="core_code_unique_in_table")]
        verbose_name = _("code")
        verbose_name_plural = _("codes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
