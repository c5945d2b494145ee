"""Internal approvals (内部审批, IN-8): requests on configurable forms, routed by a process.

A kind of approval (请假, 用印, 公务用车, 采购 …) is data: its fields are a JSON list of
``{"name", "label", "type", "required", "choices"}`` and it names the process that routes
it (``office.approval`` by default). Units may add their own kinds.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet

__all__ = ["ApprovalComment", "ApprovalKind", "ApprovalRequest"]

FIELD_TYPES = ("text", "textarea", "number", "date", "choice")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("In approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ApprovalKind(models.Model):
    # Null: offered to every unit (shipped kinds).
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    fields = models.JSONField(_("form fields"), default=list)
    process_key = models.CharField(_("process"), max_length=60, default="office.approval")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("approval kind")
        verbose_name_plural = _("approval kinds")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="office_approvalkind_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalRequest(models.Model):
    scope_field = "organization"

    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.ForeignKey(
        ApprovalKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="requests"
    )
    title = models.CharField(_("title"), max_length=200)
    values = models.JSONField(_("form values"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    process = models.ForeignKey(
        "office.ProcessInstance", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_ref(self) -> str:
        return f"office.approvalrequest:{self.pk}"


class ApprovalComment(models.Model):
    """What each step answered, append-only like document opinions."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="comments")
    step = models.CharField(max_length=60)
    outcome = models.CharField(max_length=40)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.step}: {self.outcome}"
