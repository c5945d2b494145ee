"""Transfers between schools (转学, DB-3): apply → approve on both sides → completion."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet, permission_name
from edugov.registry.choices import StepStatus, TransferStatus, TransferStepKind


class TransferQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view") -> Self:  # noqa: ANN001
        """A transfer is visible from either school (and the bureaus above either)."""
        from edugov.core.permissions.scopes import scope_q

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        perm = permission_name(self.model, action)
        q_from = scope_q(user, perm, field="from_school")
        q_to = scope_q(user, perm, field="to_school")
        qs = [q for q in (q_from, q_to) if q is not None]
        if not qs:
            return self.none()
        combined = qs[0]
        for q in qs[1:]:
            combined |= q
        return self.filter(combined)


class Transfer(models.Model):
    scope_field = "to_school"

    student = models.ForeignKey(
        "registry.Student", verbose_name=_("student"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_enrolment = models.ForeignKey("registry.Enrolment", on_delete=models.PROTECT, related_name="+")
    from_school = models.ForeignKey(
        "core.Organization",
        verbose_name=_("sending school"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_school = models.ForeignKey(
        "core.Organization",
        verbose_name=_("receiving school"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    to_enrolment = models.ForeignKey(
        "registry.Enrolment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grade = models.CharField(_("grade at the receiving school"), max_length=2)
    class_name = models.CharField(_("class"), max_length=20, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    applied_at = models.DateTimeField(_("applied"), auto_now_add=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The earliest due date among the steps awaiting a decision (indexed for reminders).
    next_due_on = models.DateField(_("next deadline"), null=True, blank=True, db_index=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-applied_at"]

    def __str__(self) -> str:
        return f"{self.student} : {self.from_school} → {self.to_school}"


class TransferStep(models.Model):
    """One approval of a transfer, by one unit, with a working-day deadline."""

    scope_field = "organization"

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("step"), max_length=24, choices=TransferStepKind.choices)
    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("deciding unit"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.WAITING
    )
    opened_on = models.DateField(_("opened"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    # How the deadline was computed, day by day (core calendar's explanation).
    due_explanation = models.JSONField(default=list, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer step")
        ordering = ["transfer", "order"]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "order"], name="registry_transfer_step_order")
        ]

    def __str__(self) -> str:
        return f"{self.transfer_id}/{self.order} {self.kind}"
