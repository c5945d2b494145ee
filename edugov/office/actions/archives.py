"""Archives (IN-5): archiving documents, registering paper records, and loans (借阅).

Archive numbers (档号) run per unit, year and retention: ``2026-永久-0001``. A counter row
is locked while a number is taken, so two archivists never get the same one.

Only non-classified and internal (内部) material is accepted. Any classified marking
(秘密, 机密, 绝密) is refused, and the refusal is audited: the platform handles
non-classified work only (STANDARDS §5.2).

Loans: the archivist (``office.archiverecord.lend`` on the record's unit) decides; a loan of
an internal record then also needs a leader (``office.archiverecord.approve``), who must be
someone else. Paper loans are handed out and returned, due a number of working days after
they were handed out; digital loans open at once for that many working days. The daily
job ``send_reminders`` marks overdue loans, ends digital loans whose period is over and
records the reminders (2 working days before the due date, and when overdue) that the
to-do lists show to the borrower and the archivist.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.calendar import add_working_days, working_days_between
from edugov.core.choices import Jurisdiction
from edugov.core.permissions.scopes import has_permission
from edugov.office.choices import CLASSIFIED_MARKINGS, DocumentStatus, Secrecy
from edugov.office.errors import ClassifiedRefused, OfficeError
from edugov.office.events import OfficeEvent
from edugov.office.models import Document
from edugov.office.models.archives import (
    OUT_STATUSES,
    RETENTION_CODES,
    ApprovalDecision,
    ApprovalStep,
    ArchiveCounter,
    ArchiveKind,
    ArchiveLoan,
    ArchiveLoanApproval,
    ArchiveRecord,
    LoanKind,
    LoanStatus,
    Retention,
    disposal_due_for,
)
from edugov.office.search.index import index_archive_record, index_on_commit

logger = logging.getLogger("edugov.office.archives")

ADD = "office.archiverecord.add"
VIEW = "office.archiverecord.view"
BORROW = "office.archiverecord.borrow"
LEND = "office.archiverecord.lend"
APPROVE = "office.archiverecord.approve"
ALLOWED_SECRECY = (Secrecy.NONE, Secrecy.INTERNAL)
MAX_LOAN_DAYS = 30
REMIND_DAYS_BEFORE = 2
EARLIEST_YEAR = 1949


class LoanRefused(OfficeError):
    """A loan request or decision the rules do not allow (the message says why)."""


class ArchiveRefused(OfficeError):
    """A catalogue entry that cannot be registered as given."""


def _actor(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def jurisdiction_of(unit: Any) -> str:
    """Xinjiang's work calendar for units in region 65, else the national one."""
    code = str(getattr(unit, "region_id", "") or "")
    return Jurisdiction.XINJIANG if code.startswith(Jurisdiction.XINJIANG) else Jurisdiction.NATIONAL


# --- Classification -----------------------------------------------------------------------


def classified_message() -> str:
    return _(
        "Classified material (秘密, 机密, 绝密) cannot be archived or registered here: "
        "the platform handles non-classified work only. Keep it in the classified archive."
    )


def is_classified(secrecy: str) -> bool:
    """Whether a classification value is anything other than not classified or internal."""
    return (secrecy or "").strip() not in ALLOWED_SECRECY


def _refuse_classified(secrecy: str, *, acting_user: Any, organization: Any, target: Any = None) -> None:
    """Audit the refusal (outside any write transaction), then raise ``ClassifiedRefused``."""
    value = (secrecy or "").strip()
    marking = next((m for m in CLASSIFIED_MARKINGS if m.lower() in value.lower()), "")
    log_event(
        OfficeEvent.CLASSIFIED_REFUSED,
        acting_user=_actor(acting_user),
        target=target,
        organization=organization,
        extra={"area": "archives", "marking": marking or "unknown"},
        success=False,
    )
    raise ClassifiedRefused(classified_message(), secrecy=value)


# --- Catalogue ----------------------------------------------------------------------------


def _take_number(organization: Any, year: int, retention: str) -> tuple[int, str]:
    """The next sequence and archive number for (unit, year, retention); call inside a transaction."""
    counter, _created = ArchiveCounter.objects.get_or_create(
        organization=organization, year=year, retention=retention
    )
    counter = ArchiveCounter.objects.select_for_update().get(pk=counter.pk)
    # Never below a number already used (records imported or made before the counter).
    used = (
        ArchiveRecord.objects.filter(organization=organization, year=year, retention=retention)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
        or 0
    )
    counter.last_value = max(counter.last_value, used) + 1
    counter.save(update_fields=["last_value"])
    return counter.last_value, format_archive_number(year, retention, counter.last_value)


def format_archive_number(year: int, retention: str, sequence: int) -> str:
    return f"{year}-{RETENTION_CODES[Retention(retention)]}-{sequence:04d}"


def _check_retention(retention: str) -> str:
    if retention not in Retention.values:
        raise ArchiveRefused(_("Choose a retention period: permanent, 30 years or 10 years."))
    return retention


def _document_year(document: Document) -> int:
    if document.written_on:
        return document.written_on.year
    if document.signed_at:
        return timezone.localtime(document.signed_at).year
    return timezone.localdate().year


def do_archive_document(
    document: Document, *, acting_user: Any, retention: str = "permanent"
) -> ArchiveRecord:
    """Archive a distributed (outgoing) or completed (incoming) document; idempotent.

    Called by the document layer as part of an action it has already authorised. The record
    refers to the document, whose body versions, opinions, attachments and signed PDF are
    immutable; the document's status becomes ``archived``.
    """
    existing = ArchiveRecord.objects.filter(document_id=document.pk).first()
    if existing is not None:
        return existing
    _check_retention(retention)
    if is_classified(document.secrecy):
        _refuse_classified(
            document.secrecy, acting_user=acting_user, organization=document.organization, target=document
        )
    with transaction.atomic():
        locked = Document.objects.select_for_update().select_related("organization").get(pk=document.pk)
        existing = ArchiveRecord.objects.filter(document_id=locked.pk).first()
        if existing is not None:
            return existing
        year = _document_year(locked)
        sequence, number = _take_number(locked.organization, year, retention)
        record = ArchiveRecord.objects.create(
            organization=locked.organization,
            kind=ArchiveKind.DOCUMENT,
            document=locked,
            archive_number=number,
            sequence=sequence,
            title=locked.title,
            year=year,
            retention=retention,
            secrecy=locked.secrecy,
            responsible=locked.issuing_organ or locked.organization.name,
            items=1 + locked.attachments.count(),
            keywords=locked.doc_number,
            archived_by=_actor(acting_user),
            archived_at=timezone.now(),
            disposal_due=disposal_due_for(year, retention),
        )
        locked.status = DocumentStatus.ARCHIVED
        locked.save(update_fields=["status", "updated_at"])
        document.status = locked.status
        log_event(
            OfficeEvent.DOCUMENT_ARCHIVED,
            acting_user=_actor(acting_user),
            target=locked,
            extra={"record_id": record.pk, "archive_number": number, "retention": retention},
        )
        index_on_commit(index_archive_record, record)
    return record


def do_register_paper_record(
    *,
    organization: Any,
    title: str,
    year: int,
    retention: str,
    location: str,
    acting_user: Any,
    secrecy: str = "",
    pages: int | None = None,
    keywords: str = "",
    responsible: str = "",
    items: int | None = None,
) -> ArchiveRecord:
    """Register a paper record (纸质档案) of ``organization`` in its catalogue."""
    if not has_permission(acting_user, ADD, organization):
        raise PermissionDenied(
            _("You may not register archive records of %(unit)s.") % {"unit": organization}
        )
    if is_classified(secrecy):
        _refuse_classified(secrecy, acting_user=acting_user, organization=organization)
    title = (title or "").strip()
    location = (location or "").strip()
    if not title:
        raise ArchiveRefused(_("Give the record's title."))
    if not location:
        raise ArchiveRefused(_("Say where the paper record is kept (shelf and box)."))
    _check_retention(retention)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ArchiveRefused(_("Give the record's year.")) from None
    if not EARLIEST_YEAR <= year <= timezone.localdate().year:
        raise ArchiveRefused(
            _("The year must lie between %(first)s and this year.") % {"first": EARLIEST_YEAR}
        )
    with transaction.atomic():
        sequence, number = _take_number(organization, year, retention)
        record = ArchiveRecord.objects.create(
            organization=organization,
            kind=ArchiveKind.PAPER,
            archive_number=number,
            sequence=sequence,
            title=title[:200],
            year=year,
            retention=retention,
            secrecy=(secrecy or "").strip(),
            responsible=(responsible or "").strip()[:120] or organization.name,
            pages=pages,
            items=items or 1,
            location=location[:120],
            keywords=(keywords or "").strip()[:200],
            archived_by=_actor(acting_user),
            archived_at=timezone.now(),
            disposal_due=disposal_due_for(year, retention),
        )
        log_event(
            OfficeEvent.ARCHIVE_CHANGED,
            acting_user=_actor(acting_user),
            target=record,
            extra={"action": "paper_registered", "archive_number": number},
        )
        index_on_commit(index_archive_record, record)
    return record


# --- Loans --------------------------------------------------------------------------------


def _loan_event(loan: ArchiveLoan, action: str, acting_user: Any, **extra: Any) -> None:
    log_event(
        OfficeEvent.ARCHIVE_CHANGED,
        acting_user=_actor(acting_user),
        target=loan,
        organization=loan.record.organization,
        extra={"action": action, "loan_id": loan.pk, "record_id": loan.record_id, **extra},
    )


def _lock(loan: ArchiveLoan) -> ArchiveLoan:
    return ArchiveLoan.objects.select_for_update().select_related("record__organization").get(pk=loan.pk)


def _end_of_day(date: dt.date) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(date + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def loan_due_on(record: ArchiveRecord, start: dt.date, days: int) -> dt.date:
    return add_working_days(start, days, jurisdiction_of(record.organization)).result


def do_request_loan(
    record: ArchiveRecord,
    *,
    kind: str,
    purpose: str,
    requested_days: int,
    acting_user: Any,
    unit: Any = None,
) -> ArchiveLoan:
    """Ask to borrow ``record`` for ``requested_days`` working days (paper or digital)."""
    if not has_permission(acting_user, BORROW, record.organization):
        raise PermissionDenied(_("You may not borrow records of %(unit)s.") % {"unit": record.organization})
    if kind not in LoanKind.values:
        raise LoanRefused(_("Choose a paper or a digital loan."))
    if kind == LoanKind.PAPER and not record.is_paper and not record.location:
        raise LoanRefused(_("This record has no paper copy in the archive: ask for a digital loan."))
    purpose = (purpose or "").strip()
    if not purpose:
        raise LoanRefused(_("Say what the record is needed for."))
    try:
        days = int(requested_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_LOAN_DAYS:
        raise LoanRefused(_("A loan lasts from 1 to %(max)s working days.") % {"max": MAX_LOAN_DAYS})
    if unit is None:
        membership = acting_user.memberships.select_related("organization").order_by("-is_primary").first()
        unit = membership.organization if membership else record.organization
    with transaction.atomic():
        open_one = ArchiveLoan.objects.filter(
            record=record,
            borrower=acting_user,
            kind=kind,
            status__in=[LoanStatus.REQUESTED, LoanStatus.APPROVED, *OUT_STATUSES],
        ).exists()
        if open_one:
            raise LoanRefused(_("You already have an open loan of this record."))
        loan = ArchiveLoan.objects.create(
            record=record,
            borrower=acting_user,
            unit=unit,
            purpose=purpose[:300],
            kind=kind,
            requested_days=days,
            steps_required=2 if record.is_internal else 1,
        )
        _loan_event(loan, "loan_requested", acting_user, kind=kind, days=days)
    return loan


def next_step(loan: ArchiveLoan, approvals: list[ArchiveLoanApproval] | None = None) -> str | None:
    """The approval step the loan is waiting for, or None when it waits for none."""
    if loan.status != LoanStatus.REQUESTED:
        return None
    if approvals is None:
        approvals = list(loan.approvals.all())
    done = {a.step for a in approvals}
    if ApprovalStep.ARCHIVIST not in done:
        return ApprovalStep.ARCHIVIST
    if loan.steps_required > 1 and ApprovalStep.LEADER not in done:
        return ApprovalStep.LEADER
    return None


def may_decide(user: Any, loan: ArchiveLoan, step: str | None) -> bool:
    """Whether ``user`` may take the decision of ``step`` on ``loan``."""
    if step is None or user is None or not user.is_authenticated or loan.borrower_id == user.pk:
        return False
    unit = loan.record.organization
    if step == ApprovalStep.ARCHIVIST:
        return has_permission(user, LEND, unit)
    return has_permission(user, APPROVE, unit)


def do_decide_loan(loan: ArchiveLoan, *, approve: bool, acting_user: Any, note: str = "") -> ArchiveLoan:
    """Approve or reject the step the loan waits for; the last approval opens digital loans."""
    note = (note or "").strip()
    with transaction.atomic():
        locked = _lock(loan)
        approvals = list(locked.approvals.all())
        step = next_step(locked, approvals)
        if step is None:
            raise LoanRefused(_("This loan is not waiting for a decision."))
        if not may_decide(acting_user, locked, step):
            if locked.borrower_id == getattr(acting_user, "pk", None):
                raise LoanRefused(_("You cannot decide on your own loan."))
            raise PermissionDenied(_("You may not decide on this loan."))
        if step == ApprovalStep.LEADER and any(a.decided_by_id == acting_user.pk for a in approvals):
            raise LoanRefused(
                _("A leader other than the archivist who approved it must give the second approval.")
            )
        if not approve and not note:
            raise LoanRefused(_("Give the reason for the rejection."))
        now = timezone.now()
        ArchiveLoanApproval.objects.create(
            loan=locked,
            step=step,
            decision=ApprovalDecision.APPROVE if approve else ApprovalDecision.REJECT,
            decided_by=acting_user,
            note=note[:300],
            decided_at=now,
        )
        fields = ["status"]
        if not approve:
            locked.status = LoanStatus.REJECTED
            locked.reason = note[:300]
            locked.decided_by, locked.decided_at = acting_user, now
            fields += ["reason", "decided_by", "decided_at"]
        elif next_step(locked, [*approvals, ArchiveLoanApproval(step=step)]) is None:
            locked.decided_by, locked.decided_at = acting_user, now
            fields += ["decided_by", "decided_at"]
            if locked.is_digital:
                locked.status = LoanStatus.LENT
                locked.lent_at, locked.lent_by = now, acting_user
                locked.due_on = loan_due_on(locked.record, timezone.localdate(), locked.requested_days)
                locked.digital_expires_at = _end_of_day(locked.due_on)
                fields += ["lent_at", "lent_by", "due_on", "digital_expires_at"]
            else:
                locked.status = LoanStatus.APPROVED
        if len(fields) > 1:  # a final decision (an intermediate approval changes no field)
            locked.save(update_fields=fields)
        _loan_event(locked, "loan_approved" if approve else "loan_rejected", acting_user, step=str(step))
    return locked


def _check_lender(user: Any, loan: ArchiveLoan) -> None:
    if not has_permission(user, LEND, loan.record.organization):
        raise PermissionDenied(_("You may not lend records of this unit."))


def do_lend_loan(loan: ArchiveLoan, *, acting_user: Any) -> ArchiveLoan:
    """Hand a paper record out; it is due ``requested_days`` working days later."""
    with transaction.atomic():
        locked = _lock(loan)
        _check_lender(acting_user, locked)
        if locked.is_digital or locked.status != LoanStatus.APPROVED:
            raise LoanRefused(_("Only approved paper loans can be handed out."))
        out = (
            ArchiveLoan.objects.filter(
                record_id=locked.record_id, kind=LoanKind.PAPER, status__in=OUT_STATUSES
            )
            .exclude(pk=locked.pk)
            .first()
        )
        if out is not None:
            raise LoanRefused(
                _("The paper record is out on loan until %(date)s.") % {"date": out.due_on.isoformat()}
            )
        locked.status = LoanStatus.LENT
        locked.lent_at, locked.lent_by = timezone.now(), acting_user
        locked.due_on = loan_due_on(locked.record, timezone.localdate(), locked.requested_days)
        locked.save(update_fields=["status", "lent_at", "lent_by", "due_on"])
        _loan_event(locked, "loan_lent", acting_user, due_on=locked.due_on.isoformat())
    return locked


def do_return_loan(loan: ArchiveLoan, *, acting_user: Any) -> ArchiveLoan:
    """Take a paper record back (also when overdue)."""
    with transaction.atomic():
        locked = _lock(loan)
        _check_lender(acting_user, locked)
        if locked.is_digital or locked.status not in OUT_STATUSES:
            raise LoanRefused(_("Only paper records out on loan can be returned."))
        locked.status = LoanStatus.RETURNED
        locked.returned_at, locked.returned_to = timezone.now(), acting_user
        locked.save(update_fields=["status", "returned_at", "returned_to"])
        _loan_event(locked, "loan_returned", acting_user)
    return locked


def do_cancel_loan(loan: ArchiveLoan, *, acting_user: Any) -> ArchiveLoan:
    """The borrower withdraws a request not yet handed out; a digital borrower may end the view."""
    with transaction.atomic():
        locked = _lock(loan)
        if locked.borrower_id != getattr(acting_user, "pk", None):
            raise PermissionDenied(_("Only the borrower can cancel a loan."))
        if locked.status in (LoanStatus.REQUESTED, LoanStatus.APPROVED):
            locked.status = LoanStatus.CANCELLED
        elif locked.is_digital and locked.status == LoanStatus.LENT:
            locked.status = LoanStatus.RETURNED
            locked.returned_at = timezone.now()
        else:
            raise LoanRefused(_("This loan can no longer be cancelled."))
        locked.save(update_fields=["status", "returned_at"])
        _loan_event(locked, "loan_cancelled", acting_user)
    return locked


def do_log_loan_view(loan: ArchiveLoan, *, acting_user: Any) -> None:
    """Audit one opening of a digital loan's view (every page view is recorded)."""
    log_event(
        OfficeEvent.ARCHIVE_VIEWED,
        acting_user=_actor(acting_user),
        target=loan.record,
        extra={"loan_id": loan.pk, "record_id": loan.record_id},
    )


# --- Daily job ----------------------------------------------------------------------------


def send_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Mark overdue paper loans, end expired digital loans, record due-soon and overdue reminders.

    Idempotent: a second run on the same day changes nothing. The reminders appear in the
    borrower's and the archivist's to-do lists (``office.todos_archives``).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"overdue": 0, "expired": 0, "due_soon": 0, "overdue_reminded": 0}
    with transaction.atomic():
        # Digital loans whose viewing period is over.
        for loan in ArchiveLoan.objects.select_for_update().filter(
            kind=LoanKind.DIGITAL, status=LoanStatus.LENT, digital_expires_at__lte=now
        ):
            loan.status = LoanStatus.EXPIRED
            loan.save(update_fields=["status"])
            counts["expired"] += 1
        # Paper loans past their due date.
        overdue = list(
            ArchiveLoan.objects.select_for_update()
            .select_related("record__organization")
            .filter(kind=LoanKind.PAPER, status=LoanStatus.LENT, due_on__lt=today)
        )
        for loan in overdue:
            loan.status = LoanStatus.OVERDUE
            loan.save(update_fields=["status"])
            _loan_event(loan, "loan_overdue", None, due_on=loan.due_on.isoformat())
            counts["overdue"] += 1
        counts["overdue_reminded"] = ArchiveLoan.objects.filter(
            status=LoanStatus.OVERDUE, overdue_reminded_on__isnull=True
        ).update(overdue_reminded_on=today)
        # Paper loans due within two working days, reminded once.
        soon_ids = []
        window: dict[tuple[dt.date, str], int] = {}
        candidates = (
            ArchiveLoan.objects.filter(
                kind=LoanKind.PAPER,
                status=LoanStatus.LENT,
                due_soon_reminded_on__isnull=True,
                due_on__gte=today,
                due_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE + 14),
            )
            .select_related("record__organization")
            .only("pk", "due_on", "record__organization__region_id")
        )
        for loan in candidates:
            key = (loan.due_on, jurisdiction_of(loan.record.organization))
            if key not in window:
                window[key] = working_days_between(today, loan.due_on, key[1])
            if window[key] <= REMIND_DAYS_BEFORE:
                soon_ids.append(loan.pk)
        counts["due_soon"] = ArchiveLoan.objects.filter(pk__in=soon_ids).update(due_soon_reminded_on=today)
    return counts
