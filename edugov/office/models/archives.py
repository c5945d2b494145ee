"""Archives (档案, IN-5): the catalogue of archived documents and paper records, and loans.

A record made from a document refers to it (its body versions, opinions, attachments and
signed PDF are immutable), so nothing is copied and nothing can be lost. Paper records are
registered by hand with their shelf and box. Only non-classified and internal (内部)
material is catalogued: the platform handles non-classified work only.

Loans (借阅) of non-classified records need the archivist's approval; loans of internal
records also need a leader's (two ``ArchiveLoanApproval`` rows). Paper loans are handed out
and returned; digital loans open a watermarked, time-limited view.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edugov.office.choices import Secrecy
from edugov.platform.querysets import RestrictedQuerySet

__all__ = [
    "ApprovalDecision",
    "ApprovalStep",
    "ArchiveCounter",
    "ArchiveKind",
    "ArchiveLoan",
    "ArchiveLoanApproval",
    "ArchiveRecord",
    "LoanKind",
    "LoanStatus",
    "Retention",
]


class ArchiveKind(models.TextChoices):
    DOCUMENT = "document", _("Document 公文")
    PAPER = "paper", _("Paper record 纸质档案")


class Retention(models.TextChoices):
    """Retention periods (保管期限) of the archives of an organ."""

    PERMANENT = "permanent", _("Permanent 永久")
    YEARS_30 = "30y", _("30 years 定期30年")
    YEARS_10 = "10y", _("10 years 定期10年")


# Years a record is kept after the end of its year (None: for good).
RETENTION_YEARS = {Retention.PERMANENT: None, Retention.YEARS_30: 30, Retention.YEARS_10: 10}
# The retention's mark inside an archive number (档号): 2026-永久-0001.
RETENTION_CODES = {
    Retention.PERMANENT: "永久",
    Retention.YEARS_30: "定期30年",
    Retention.YEARS_10: "定期10年",
}


class LoanKind(models.TextChoices):
    PAPER = "paper", _("Paper (hand out and return)")
    DIGITAL = "digital", _("Digital (time-limited view)")


class LoanStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved, to hand out")
    REJECTED = "rejected", _("Rejected")
    LENT = "lent", _("Lent")
    OVERDUE = "overdue", _("Overdue")
    RETURNED = "returned", _("Returned")
    EXPIRED = "expired", _("Viewing period ended")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_LOAN_STATUSES = (LoanStatus.REQUESTED, LoanStatus.APPROVED, LoanStatus.LENT, LoanStatus.OVERDUE)
OUT_STATUSES = (LoanStatus.LENT, LoanStatus.OVERDUE)


class ApprovalStep(models.TextChoices):
    ARCHIVIST = "archivist", _("Archivist 档案管理员")
    LEADER = "leader", _("Leader 领导")


class ApprovalDecision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")


class ArchiveCounter(models.Model):
    """The last archive number handed out for one unit, year and retention; locked while taken."""

    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    retention = models.CharField(max_length=10, choices=Retention.choices)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "retention"], name="office_archive_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.year}/{self.retention}: {self.last_value}"


class ArchiveRecord(models.Model):
    """One entry of a unit's archive catalogue (档案目录)."""

    scope_field = "organization"

    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="archive_records"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ArchiveKind.choices)
    document = models.OneToOneField(
        "office.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="archive_record",
    )
    archive_number = models.CharField(_("archive number 档号"), max_length=40)
    sequence = models.PositiveIntegerField()
    title = models.CharField(_("title 题名"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year 年度"))
    retention = models.CharField(_("retention 保管期限"), max_length=10, choices=Retention.choices)
    secrecy = models.CharField(_("classification 密级"), max_length=10, choices=Secrecy.choices, blank=True)
    responsible = models.CharField(_("responsible unit 责任者"), max_length=120, blank=True)
    pages = models.PositiveIntegerField(_("pages 页数"), null=True, blank=True)
    items = models.PositiveIntegerField(_("items 件数"), default=1)
    location = models.CharField(_("location (shelf, box) 存放位置"), max_length=120, blank=True)
    keywords = models.CharField(_("keywords 主题词"), max_length=200, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(_("archived"), default=timezone.now)
    disposal_due = models.DateField(_("disposal review due"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("archive record")
        verbose_name_plural = _("archive records")
        ordering = ["-year", "retention", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "retention", "sequence"], name="office_archive_seq_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "archive_number"], name="office_archive_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "year", "retention"], name="office_archive_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.archive_number} {self.title}"

    @property
    def is_internal(self) -> bool:
        return self.secrecy == Secrecy.INTERNAL

    @property
    def is_paper(self) -> bool:
        return self.kind == ArchiveKind.PAPER


def disposal_due_for(year: int, retention: str) -> dt.date | None:
    """The end of the retention period: the year's last day plus the retention's years."""
    years = RETENTION_YEARS.get(retention)
    if years is None:
        return None
    return dt.date(year + years, 12, 31)


class LoanQuerySet(RestrictedQuerySet):
    """Loans are scoped by their record's unit and the record's actions (borrow, lend, approve)."""

    def restrict(self, user, action: str = "lend"):  # noqa: ANN001, ANN201
        from edugov.core.permissions.scopes import scope_q

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        q = scope_q(user, f"office.archiverecord.{action}", field=self.model.scope_field)
        return self.none() if q is None else self.filter(q)


class ArchiveLoan(models.Model):
    """A request to borrow a record (借阅), from request to return."""

    scope_field = "record__organization"

    record = models.ForeignKey(
        ArchiveRecord, verbose_name=_("record"), on_delete=models.PROTECT, related_name="loans"
    )
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "core.Organization", verbose_name=_("borrower's unit"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=LoanKind.choices)
    requested_days = models.PositiveSmallIntegerField(_("working days"))
    # Approvals needed when requested: 1 (archivist), 2 for internal records (then a leader).
    steps_required = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    lent_at = models.DateTimeField(_("lent"), null=True, blank=True)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    digital_expires_at = models.DateTimeField(_("view until"), null=True, blank=True)
    due_soon_reminded_on = models.DateField(null=True, blank=True)
    overdue_reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    objects = LoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("archive loan")
        verbose_name_plural = _("archive loans")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="office_loan_status_idx"),
            models.Index(fields=["borrower", "status"], name="office_loan_borrower_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} → {self.borrower_id} ({self.status})"

    @property
    def is_digital(self) -> bool:
        return self.kind == LoanKind.DIGITAL

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_LOAN_STATUSES

    def digital_view_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.is_digital
            and self.status == LoanStatus.LENT
            and self.digital_expires_at is not None
            and now < self.digital_expires_at
        )


class ArchiveLoanApproval(models.Model):
    """One decision on a loan: the archivist's, then (internal records) a leader's."""

    loan = models.ForeignKey(ArchiveLoan, on_delete=models.CASCADE, related_name="approvals")
    step = models.CharField(max_length=10, choices=ApprovalStep.choices)
    decision = models.CharField(max_length=10, choices=ApprovalDecision.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [models.UniqueConstraint(fields=["loan", "step"], name="office_loan_approval_unique")]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.step}: {self.decision}"
