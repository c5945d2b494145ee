"""Citizen cases: one number, one public timeline, one deadline clock (BEYOND A.1, A.18).

A disclosure request, a mailbox letter, a consultation and a complaint are all a ``Case``;
what is particular to each lives in a one-to-one row of its own module (``disclosure``,
``letters``). The deadline is never typed in: it is computed from the ``ClockEvent`` rows
by ``edugov.portal.clock`` and cached in ``Case.due_on``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.core.choices import Jurisdiction
from edugov.core.fields import EncryptedTextField
from edugov.platform.querysets import RestrictedQuerySet
from edugov.portal.choices import CaseKind, CaseStatus, ClockEventKind


class CitizenProfile(models.Model):
    """What makes an account a citizen's real-name account (实名), separate from staff accounts.

    A citizen account holds no memberships and no grants: it reaches only its own cases.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen")
    id_number = EncryptedTextField(_("ID number"))
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=24)
    # How the real name was established: "declared" (checked digits only) until an identity
    # service (e.g. the national network identity authentication) confirms it.
    verification = models.CharField(_("verification"), max_length=16, default="declared")
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("citizen account")
        verbose_name_plural = _("citizen accounts")

    def __str__(self) -> str:
        return str(self.user)


class CaseSequence(models.Model):
    """Next case number per kind and year; locked with select_for_update when taken."""

    kind = models.CharField(max_length=16, choices=CaseKind.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="portal_case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class Case(models.Model):
    scope_field = "handling_unit"

    number = models.CharField(_("case number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED, db_index=True
    )
    # The site the citizen submitted on, and the unit that answers for the case now.
    site = models.ForeignKey(
        "portal.PortalSite", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    handling_unit = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        related_name="portal_cases",
        verbose_name=_("handling unit"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_cases",
        verbose_name=_("requester"),
    )
    requester_name = models.CharField(_("name"), max_length=64, blank=True)
    contact_phone = EncryptedTextField(_("mobile phone"))
    contact_email = EncryptedTextField(_("email"))
    contact_address = EncryptedTextField(_("postal address"))
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"), max_length=5000)
    # The status page's address is this random token: a case number alone reveals nothing.
    tracking_token = models.CharField(max_length=43, unique=True, editable=False)
    # 查询码: given to the requester with the number, for looking the case up without an account.
    query_code_hash = models.CharField(max_length=64, editable=False, blank=True)

    # The clock: base period in working days, jurisdiction of the calendar, cached result.
    statutory_days = models.PositiveSmallIntegerField(_("period (working days)"), default=20)
    jurisdiction = models.CharField(max_length=8, choices=Jurisdiction.choices, default=Jurisdiction.NATIONAL)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.CharField(_("reason for closing"), max_length=500, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["handling_unit", "status"], name="portal_case_unit_status")]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.number


class CaseEvent(models.Model):
    """A line on the case's timeline. ``public`` lines show on the status page."""

    scope_field = "case__handling_unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=32)
    public = models.BooleanField(default=True)
    public_note = models.TextField(blank=True)
    internal_note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class ClockEvent(models.Model):
    """Start, pause, resume, restart, extend or stop of a case's deadline clock."""

    scope_field = "case__handling_unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_events")
    kind = models.CharField(max_length=8, choices=ClockEventKind.choices)
    on = models.DateField(_("date"))
    days = models.PositiveSmallIntegerField(default=0)  # extension length (EXTEND only)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.on}"


def case_attachment_path(instance: CaseAttachment, filename: str) -> str:
    # Never the uploader's file name on disk: it may carry personal data.
    return f"portal/cases/{instance.case.created_at:%Y/%m}/{instance.sha256}"


class CaseAttachment(models.Model):
    """A file sent with a case by the requester or by staff (checked by type and size first)."""

    scope_field = "case__handling_unit"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=case_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    from_requester = models.BooleanField(default=True)
    # Staff attachments to a reply are shown on the status page when public.
    public = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
