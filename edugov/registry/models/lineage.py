"""Lineage of registry changes (数据溯源, DB-5): who, when, from which source, old → new."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet
from edugov.registry.choices import Source


class ChangeRecord(models.Model):
    """One change of one registry record. Sensitive values are stored masked, never in clear."""

    scope_field = "organization"

    record_type = models.CharField(_("record type"), max_length=40)  # model label, e.g. registry.student
    record_id = models.BigIntegerField(_("record"))
    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=16)  # create / update / delete / merge …
    # {field: [old, new]}
    changes = models.JSONField(_("changes"), default=dict)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=64, blank=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("change record")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="registry_change_record")]

    def __str__(self) -> str:
        return f"{self.record_type}#{self.record_id} {self.action}"
