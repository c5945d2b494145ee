"""Data-quality runs, findings and scores (DB-6). Rules are code: ``registry/quality/rules``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet
from edugov.registry.choices import FindingStatus, Severity


class QualityRun(models.Model):
    scope_field = "organization"

    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(max_length=16, default="manual")  # manual / nightly
    rules = models.JSONField(default=list)
    finding_count = models.PositiveIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.organization_id} @ {self.started_at:%Y-%m-%d %H:%M}"


class QualityFinding(models.Model):
    """One problem found by a rule in one record (or one unit)."""

    scope_field = "organization"

    rule = models.CharField(_("rule"), max_length=60, db_index=True)
    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    record_type = models.CharField(max_length=40, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    record_label = models.CharField(_("record"), max_length=120, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.ERROR)
    message = models.CharField(_("problem"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(QualityRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("quality finding")
        verbose_name_plural = _("quality findings")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "record_type", "record_id", "organization"], name="registry_finding_unique"
            )
        ]
        indexes = [models.Index(fields=["organization", "status"], name="registry_finding_org")]

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


class QualityScore(models.Model):
    """A unit's quality score after a run: 100 × (checked − failed) / checked."""

    scope_field = "organization"

    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(QualityRun, on_delete=models.CASCADE, related_name="scores")
    checked = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    score = models.DecimalField(max_digits=5, decimal_places=2)
    computed_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.score}"
