from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet
from edugov.registry.choices import ImportKind, ImportMode, ImportStatus


class ImportJob(models.Model):
    """A bulk import of one file into the registry (DB-7), run in the background."""

    scope_field = "organization"

    kind = models.CharField(_("what"), max_length=12, choices=ImportKind.choices)
    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("into unit"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(
        _("mode"), max_length=8, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    file_size = models.BigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)
    encoding = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    report = models.FileField(upload_to="imports/reports/%Y/%m/", blank=True)
    rejects = models.FileField(upload_to="imports/rejects/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.filename}"


class ImportProblem(models.Model):
    """One problem in one cell (or row) of an import file."""

    scope_field = "job__organization"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(_("row"))  # as the spreadsheet numbers it (header = 1)
    column = models.CharField(_("column"), max_length=60, blank=True)  # header text
    value = models.CharField(_("value"), max_length=200, blank=True)
    message = models.CharField(_("problem"), max_length=300)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["row", "pk"]
        indexes = [models.Index(fields=["job", "row"], name="registry_import_problem_row")]

    def __str__(self) -> str:
        return f"{self.row}/{self.column}: {self.message}"
