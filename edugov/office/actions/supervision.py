"""Writes of supervision (督查督办, IN-3): items, milestones, progress, deadlines, reminders.

Other areas create items through :func:`do_create_supervision_item` (a leader's
instruction on an incoming document, a meeting decision), naming their record in
``source_ref`` as ``"<app>.<model>:<pk>"`` with a human ``source_label``.

Every write is one transaction, locks the item row when the change depends on it, and
writes ``OfficeEvent.SUPERVISION_CHANGED`` with ``extra["action"]`` saying what happened
(ids and dates only). The warning colour is recomputed after every change (rule and
thresholds in ``edugov.office.models.supervision``).

:func:`send_reminders` is the daily job (``office.supervision_reminders`` in
``office/periodic.py``): it recomputes the colours of open items, records one reminder
per item and day for items due within the amber horizon or overdue (the owners' to-do
list shows them), and escalates items overdue by ``ESCALATE_WORKING_DAYS`` working days
to the supervising unit (level 1; the supervising unit may escalate further by hand).
Running it twice on one day changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.choices import OrganizationKind
from edugov.core.models import Membership, Organization
from edugov.core.permissions.scopes import has_permission
from edugov.office.access_supervision import ADD, may_manage, reporting_unit
from edugov.office.errors import OfficeError
from edugov.office.events import OfficeEvent
from edugov.office.models import (
    ProgressEvidence,
    ProgressReport,
    Rag,
    ReminderKind,
    SourceKind,
    SupervisionItem,
    SupervisionMilestone,
    SupervisionReminder,
    SupervisionStatus,
)
from edugov.office.models.supervision import (
    RagDates,
    compute_rag,
    jurisdiction_of,
    open_deadlines,
    threshold,
)

logger = logging.getLogger("edugov.office.supervision")

MAX_FILES_PER_REPORT = 10
AUTO_ESCALATION_LEVEL = 1


class SupervisionError(OfficeError):
    """A supervision write refused; ``str(error)`` is the message for the user."""


# --- Evidence files -------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office / WPS compound files
_ZIP = b"PK\x03\x04"  # OOXML and OFD packages
# Extension → (content type stored and sent back, accepted leading bytes).
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".doc": ("application/msword", (_OLE,)),
    ".xls": ("application/vnd.ms-excel", (_OLE,)),
    ".ppt": ("application/vnd.ms-powerpoint", (_OLE,)),
    ".wps": ("application/vnd.ms-works", (_OLE,)),
    ".et": ("application/vnd.ms-excel", (_OLE,)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (_ZIP,)),
    ".ofd": ("application/ofd", (_ZIP,)),
}


def evidence_name(upload: Any) -> str:
    name = os.path.basename(str(getattr(upload, "name", "") or "")).strip() or "file"
    stem, ext = os.path.splitext(name)
    return stem[: 200 - len(ext)] + ext


def validate_evidence(upload: Any) -> str:
    """Check one uploaded file by size, extension and first bytes; return its content type.

    Raises ``ValidationError`` with a message naming the file and what is accepted.
    """
    name = evidence_name(upload)
    size = int(getattr(upload, "size", 0) or 0)
    limit = threshold("EVIDENCE_MAX_BYTES")
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; an evidence file may be at most %(limit)s MB.")
            % {"name": name, "size": filesizeformat(size), "limit": f"{limit / (1024 * 1024):g}"},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    ext = os.path.splitext(name)[1].lower()
    kind = EVIDENCE_TYPES.get(ext)
    if kind is None:
        raise ValidationError(
            _(
                "“%(name)s” cannot be attached: evidence must be a PDF, an image (PNG, JPEG, GIF) "
                "or an office document (Word, Excel, PowerPoint, WPS, OFD)."
            )
            % {"name": name},
            code="type",
        )
    content_type, magics = kind
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in magics):
        raise ValidationError(
            _("“%(name)s” is not really a %(ext)s file; save it again in that format or as a PDF.")
            % {"name": name, "ext": ext[1:].upper()},
            code="content",
        )
    return content_type


def _store_evidence(report: ProgressReport, upload: Any, content_type: str) -> ProgressEvidence:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = ProgressEvidence(
        report=report,
        name=evidence_name(upload),
        sha256=digest.hexdigest(),
        size=upload.size,
        content_type=content_type,
    )
    evidence.file.save(evidence.name, upload, save=False)
    evidence.save()
    return evidence


# --- Helpers --------------------------------------------------------------------------------


def _refuse(message: str, code: str) -> SupervisionError:
    return SupervisionError(message, code=code)


def supervision_root(organization: Organization) -> Organization:
    """The unit whose subtree a supervising unit may give items to.

    A department (处室, e.g. the office's 督查室) supervises across its bureau, so the root
    is the nearest ancestor that is not a department; a bureau or school is its own root.
    """
    unit = organization
    while unit.kind == OrganizationKind.DEPARTMENT:
        parent = unit.get_parent()
        if parent is None:
            break
        unit = parent
    return unit


def may_own(organization: Organization, unit: Organization) -> bool:
    return unit.path.startswith(supervision_root(organization).path)


def _is_member(user: Any, units: Iterable[Organization]) -> bool:
    return Membership.objects.filter(user=user, organization__in=[u.pk for u in units]).exists()


def _rag_dates(item: SupervisionItem, today: dt.date) -> RagDates:
    return RagDates.for_day(today, jurisdiction_of(item.owner_unit))


def refresh_rag(item: SupervisionItem, *, today: dt.date | None = None) -> str:
    """Recompute and store the item's colour (inside the caller's transaction)."""
    today = today or timezone.localdate()
    milestones = list(item.milestones.filter(done_at__isnull=True))
    rag = compute_rag(item, milestones, _rag_dates(item, today))
    if rag != item.rag or item.rag_computed_on != today:
        item.rag, item.rag_computed_on = rag, today
        SupervisionItem.objects.filter(pk=item.pk).update(rag=rag, rag_computed_on=today)
    return rag


def _locked(item: SupervisionItem) -> SupervisionItem:
    return (
        SupervisionItem.objects.select_for_update()
        .select_related("organization", "owner_unit")
        .get(pk=item.pk)
    )


def _require_open(item: SupervisionItem) -> None:
    if item.status != SupervisionStatus.OPEN:
        raise _refuse(_("This supervision item is closed."), "closed")


def _require_manage(user: Any, item: SupervisionItem) -> None:
    if user is not None and not may_manage(user, item):
        raise _refuse(
            _("Only %(unit)s can manage this supervision item.") % {"unit": item.organization.name},
            "not_allowed",
        )


def _audit(item: SupervisionItem, acting_user: Any, action: str, *, reason: str = "", **extra: Any) -> None:
    log_event(
        OfficeEvent.SUPERVISION_CHANGED,
        acting_user=acting_user,
        target=item,
        organization=item.organization,
        extra={"action": action, **extra},
        reason=reason,
    )


def _clean_text(value: str, *, field: str, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise _refuse(_("Fill in the %(field)s.") % {"field": field}, "required")
    if max_length is not None and len(text) > max_length:
        raise _refuse(
            _("The %(field)s may be at most %(n)s characters.") % {"field": field, "n": max_length},
            "too_long",
        )
    return text


# --- Creating -------------------------------------------------------------------------------


@transaction.atomic
def do_create_supervision_item(
    *,
    organization: Organization,
    title: str,
    owner_unit: Organization,
    due_on: dt.date,
    acting_user: Any,
    description: str = "",
    source_kind: str = SourceKind.MANUAL,
    source_document: Any = None,
    source_ref: str = "",
    source_label: str = "",
    co_units: Iterable[Organization] = (),
    owner: Any = None,
    milestones: Sequence[tuple[str, dt.date]] = (),
    co_owners: Iterable[Any] = (),
    due_explanation: Sequence[str] = (),
) -> SupervisionItem:
    """Create an item supervised by ``organization`` and led by ``owner_unit``.

    ``acting_user`` needs ``office.supervisionitem.add`` on ``organization`` (``None`` is a
    system job and is not checked). The lead and co-owner units must lie in the supervising
    unit's bureau (see :func:`supervision_root`); ``owner`` and ``co_owners`` must be
    members of one of those units. ``due_on`` and each milestone date must not be in the
    past, and milestones not after ``due_on``. Raises :class:`SupervisionError`.
    """
    if acting_user is not None and not has_permission(acting_user, ADD, organization):
        raise _refuse(
            _("You may not create supervision items for %(unit)s.") % {"unit": organization.name},
            "not_allowed",
        )
    title = _clean_text(title, field=_("title"), max_length=200)
    if source_kind not in SourceKind.values:
        raise _refuse(_("Unknown source of a supervision item."), "source")
    if source_document is not None and source_kind == SourceKind.MANUAL:
        source_kind = SourceKind.DOCUMENT
    if source_document is not None and not source_label:
        source_label = " ".join(x for x in (source_document.doc_number, source_document.title) if x)
    today = timezone.localdate()
    if due_on < today:
        raise _refuse(_("The deadline cannot be in the past."), "past_deadline")
    if not may_own(organization, owner_unit):
        raise _refuse(
            _("%(unit)s is outside the units %(supervisor)s supervises.")
            % {"unit": owner_unit.name, "supervisor": organization.name},
            "owner_unit",
        )
    co_list = []
    for unit in co_units:
        if unit.pk == owner_unit.pk or unit in co_list:
            continue
        if not may_own(organization, unit):
            raise _refuse(
                _("%(unit)s is outside the units %(supervisor)s supervises.")
                % {"unit": unit.name, "supervisor": organization.name},
                "co_unit",
            )
        co_list.append(unit)
    people = [p for p in [owner, *co_owners] if p is not None]
    for person in people:
        if not _is_member(person, [owner_unit, *co_list]):
            raise _refuse(
                _("%(name)s is not a member of the lead or co-owner units.")
                % {"name": person.real_name or person.username},
                "owner",
            )
    planned = []
    for position, (m_title, m_due) in enumerate(milestones, start=1):
        m_title = _clean_text(m_title, field=_("milestone"), max_length=200)
        if m_due < today or m_due > due_on:
            raise _refuse(
                _("Milestone “%(title)s” must fall between today and the deadline.") % {"title": m_title},
                "milestone_date",
            )
        planned.append((position, m_title, m_due))
    item = SupervisionItem.objects.create(
        organization=organization,
        title=title,
        description=(description or "").strip(),
        source_kind=source_kind,
        source_document=source_document,
        source_ref=(source_ref or "")[:100],
        source_label=(source_label or "")[:200],
        owner_unit=owner_unit,
        owner=owner,
        due_on=due_on,
        due_explanation=[str(line) for line in due_explanation],
        created_by=acting_user,
    )
    if co_list:
        item.co_units.set(co_list)
    co_people = [p for p in co_owners if p is not None and p != owner]
    if co_people:
        item.co_owners.set(co_people)
    SupervisionMilestone.objects.bulk_create(
        [SupervisionMilestone(item=item, title=t, due_on=d, position=p) for p, t, d in planned]
    )
    refresh_rag(item, today=today)
    _audit(
        item,
        acting_user,
        "created",
        source_kind=source_kind,
        source_document=source_document.pk if source_document is not None else None,
        source_ref=item.source_ref,
        owner_unit=owner_unit.pk,
        co_units=[u.pk for u in co_list],
        due_on=due_on.isoformat(),
        milestones=len(planned),
    )
    return item


# --- Milestones -----------------------------------------------------------------------------


@transaction.atomic
def do_add_milestone(
    item: SupervisionItem, *, acting_user: Any, title: str, due_on: dt.date
) -> SupervisionMilestone:
    locked = _locked(item)
    _require_manage(acting_user, locked)
    _require_open(locked)
    title = _clean_text(title, field=_("milestone"), max_length=200)
    if due_on < timezone.localdate() or due_on > locked.due_on:
        raise _refuse(
            _("Milestone “%(title)s” must fall between today and the deadline.") % {"title": title},
            "milestone_date",
        )
    last = locked.milestones.aggregate(n=Max("position"))["n"] or 0
    milestone = SupervisionMilestone.objects.create(
        item=locked, title=title, due_on=due_on, position=last + 1
    )
    refresh_rag(locked)
    _audit(locked, acting_user, "milestone_added", milestone=milestone.pk, due_on=due_on.isoformat())
    return milestone


def _complete_milestone(locked: SupervisionItem, milestone: SupervisionMilestone, acting_user: Any) -> None:
    row = SupervisionMilestone.objects.select_for_update().get(pk=milestone.pk, item=locked)
    if row.done_at is not None:
        raise _refuse(_("This milestone is already done."), "milestone_done")
    row.done_at, row.done_by = timezone.now(), acting_user
    row.save(update_fields=["done_at", "done_by"])
    milestone.done_at, milestone.done_by = row.done_at, row.done_by


@transaction.atomic
def do_complete_milestone(milestone: SupervisionMilestone, *, acting_user: Any) -> SupervisionMilestone:
    """Mark a milestone done: by an owner unit (report) or the supervising unit (manage)."""
    locked = _locked(milestone.item)
    if not (may_manage(acting_user, locked) or reporting_unit(acting_user, locked) is not None):
        raise _refuse(_("Only the owner units or the supervising unit can do this."), "not_allowed")
    _require_open(locked)
    _complete_milestone(locked, milestone, acting_user)
    refresh_rag(locked)
    _audit(locked, acting_user, "milestone_done", milestone=milestone.pk)
    return milestone


# --- Progress -------------------------------------------------------------------------------


@transaction.atomic
def do_report_progress(
    item: SupervisionItem,
    *,
    acting_user: Any,
    text: str,
    percent: int,
    milestone: SupervisionMilestone | None = None,
    files: Sequence[Any] = (),
    milestone_done: bool = False,
) -> ProgressReport:
    """Append a progress report for the user's owner unit, with evidence files.

    Needs ``office.supervisionitem.report`` on the lead or a co-owner unit. Every file is
    checked (type by extension and content, at most ``EVIDENCE_MAX_BYTES``) before anything
    is written. ``milestone_done`` also marks ``milestone`` done.
    """
    locked = _locked(item)
    unit = reporting_unit(acting_user, locked)
    if unit is None:
        raise _refuse(_("Only the lead and co-owner units report progress."), "not_allowed")
    _require_open(locked)
    text = _clean_text(text, field=_("progress"))
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise _refuse(_("Progress is a percentage from 0 to 100."), "percent")
    if milestone is not None and milestone.item_id != locked.pk:
        raise _refuse(_("That milestone belongs to another item."), "milestone")
    files = list(files)
    if len(files) > MAX_FILES_PER_REPORT:
        raise _refuse(
            _("At most %(n)s files can go with one report.") % {"n": MAX_FILES_PER_REPORT}, "too_many_files"
        )
    types = []
    for upload in files:
        try:
            types.append(validate_evidence(upload))
        except ValidationError as error:
            raise _refuse(error.messages[0], "evidence") from None
    report = ProgressReport.objects.create(
        item=locked, milestone=milestone, author=acting_user, unit=unit, text=text, percent=percent
    )
    stored = [
        _store_evidence(report, upload, content_type)
        for upload, content_type in zip(files, types, strict=True)
    ]
    if milestone is not None and milestone_done:
        _complete_milestone(locked, milestone, acting_user)
    locked.progress_percent, locked.last_report_at = percent, report.created_at
    locked.save(update_fields=["progress_percent", "last_report_at"])
    refresh_rag(locked)
    _audit(
        locked,
        acting_user,
        "progress_reported",
        report=report.pk,
        unit=unit.pk,
        percent=percent,
        milestone=milestone.pk if milestone is not None else None,
        milestone_done=bool(milestone is not None and milestone_done),
        evidence=[e.pk for e in stored],
    )
    return report


# --- Managing -------------------------------------------------------------------------------


@transaction.atomic
def do_change_deadline(
    item: SupervisionItem,
    *,
    acting_user: Any,
    due_on: dt.date,
    reason: str,
    due_explanation: Sequence[str] = (),
) -> SupervisionItem:
    """Move the deadline (延期); the reason is required and audited with both dates.

    A new deadline clears the day's reminder, and clears the escalation when it is not
    yet passed. Open milestones must still fall on or before it.
    """
    locked = _locked(item)
    _require_manage(acting_user, locked)
    _require_open(locked)
    reason = _clean_text(reason, field=_("reason"), max_length=500)
    today = timezone.localdate()
    if due_on < today:
        raise _refuse(_("The deadline cannot be in the past."), "past_deadline")
    if due_on == locked.due_on:
        raise _refuse(_("That is the current deadline."), "unchanged")
    late = locked.milestones.filter(done_at__isnull=True, due_on__gt=due_on).first()
    if late is not None:
        raise _refuse(
            _("Milestone “%(title)s” is due after the new deadline; change it first.")
            % {"title": late.title},
            "milestone_date",
        )
    old = locked.due_on
    locked.due_on = due_on
    locked.due_explanation = [str(line) for line in due_explanation]
    locked.reminded_on = None
    fields = ["due_on", "due_explanation", "reminded_on"]
    if locked.escalation_level:
        locked.escalation_level, locked.escalated_at = 0, None
        fields += ["escalation_level", "escalated_at"]
    locked.save(update_fields=fields)
    refresh_rag(locked, today=today)
    _audit(
        locked,
        acting_user,
        "deadline_changed",
        reason=reason,
        old_due_on=old.isoformat(),
        new_due_on=due_on.isoformat(),
    )
    return locked


@transaction.atomic
def do_complete_item(item: SupervisionItem, *, acting_user: Any, note: str = "") -> SupervisionItem:
    """Accept the work and close the item (办结), by the supervising unit."""
    locked = _locked(item)
    _require_manage(acting_user, locked)
    _require_open(locked)
    locked.status, locked.completed_at = SupervisionStatus.COMPLETED, timezone.now()
    locked.closing_note, locked.rag = (note or "").strip(), Rag.GREY
    locked.save(update_fields=["status", "completed_at", "closing_note", "rag"])
    _audit(locked, acting_user, "completed", was_overdue=locked.due_on < timezone.localdate())
    return locked


@transaction.atomic
def do_cancel_item(item: SupervisionItem, *, acting_user: Any, reason: str) -> SupervisionItem:
    locked = _locked(item)
    _require_manage(acting_user, locked)
    _require_open(locked)
    reason = _clean_text(reason, field=_("reason"), max_length=500)
    locked.status, locked.completed_at = SupervisionStatus.CANCELLED, timezone.now()
    locked.closing_note, locked.rag = reason, Rag.GREY
    locked.save(update_fields=["status", "completed_at", "closing_note", "rag"])
    _audit(locked, acting_user, "cancelled", reason=reason)
    return locked


def _escalate(
    locked: SupervisionItem, acting_user: Any, level: int, *, manual: bool, reason: str = ""
) -> None:
    locked.escalation_level, locked.escalated_at = level, timezone.now()
    locked.save(update_fields=["escalation_level", "escalated_at"])
    _audit(
        locked,
        acting_user,
        "escalated",
        reason=reason,
        level=level,
        manual=manual,
        due_on=locked.due_on.isoformat(),
    )


@transaction.atomic
def do_escalate_item(item: SupervisionItem, *, acting_user: Any, reason: str = "") -> SupervisionItem:
    """Raise the item one escalation level (催办升级) by hand, from the supervising unit."""
    locked = _locked(item)
    _require_manage(acting_user, locked)
    _require_open(locked)
    _escalate(locked, acting_user, locked.escalation_level + 1, manual=True, reason=(reason or "").strip())
    return locked


# --- The daily job --------------------------------------------------------------------------


def send_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Recompute colours, remind the owners of items due soon or overdue, escalate late items.

    Idempotent per day: one ``SupervisionReminder`` per item and day (a unique
    constraint), and automatic escalation only from level 0. Returns the counts.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    dates_by_calendar: dict[str, RagDates] = {}
    counts = {"items": 0, "changed": 0, "reminded": 0, "escalated": 0}
    items = (
        SupervisionItem.objects.filter(status=SupervisionStatus.OPEN)
        .select_related("owner_unit", "organization")
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=SupervisionMilestone.objects.filter(done_at__isnull=True),
                to_attr="open_milestones",
            )
        )
        .order_by("pk")
    )
    recoloured: list[SupervisionItem] = []
    reminders: list[SupervisionReminder] = []
    to_escalate: list[int] = []
    for item in items.iterator(chunk_size=500):
        counts["items"] += 1
        jurisdiction = jurisdiction_of(item.owner_unit)
        dates = dates_by_calendar.get(jurisdiction)
        if dates is None:
            dates = dates_by_calendar[jurisdiction] = RagDates.for_day(today, jurisdiction)
        rag = compute_rag(item, item.open_milestones, dates)
        if rag != item.rag:
            counts["changed"] += 1
        if rag != item.rag or item.rag_computed_on != today:
            item.rag, item.rag_computed_on = rag, today
            recoloured.append(item)
        nearest = min(open_deadlines(item, item.open_milestones))
        escalate = item.escalation_level == 0 and item.due_on <= dates.escalate_on_or_before
        if escalate:
            to_escalate.append(item.pk)
        if nearest <= dates.amber_until and item.reminded_on != today:
            kind = ReminderKind.OVERDUE if nearest < today else ReminderKind.DUE_SOON
            if escalate:
                kind = ReminderKind.ESCALATED
            reminders.append(SupervisionReminder(item=item, sent_on=today, kind=kind, due_on=nearest))
    with transaction.atomic():
        SupervisionItem.objects.bulk_update(recoloured, ["rag", "rag_computed_on"], batch_size=500)
        if reminders:
            SupervisionReminder.objects.bulk_create(reminders, batch_size=500, ignore_conflicts=True)
            SupervisionItem.objects.filter(pk__in=[r.item_id for r in reminders]).update(reminded_on=today)
    for reminder in reminders:
        item = reminder.item
        logger.warning(
            "supervision reminder: item %s (%s) of unit %s, due %s%s",
            item.pk,
            reminder.kind,
            item.owner_unit_id,
            reminder.due_on.isoformat(),
            " OVERDUE" if reminder.due_on < today else "",
        )
    counts["reminded"] = len(reminders)
    for pk in to_escalate:
        with transaction.atomic():
            locked = SupervisionItem.objects.select_for_update().select_related("organization", "owner_unit")
            locked = locked.get(pk=pk)
            dates = dates_by_calendar[jurisdiction_of(locked.owner_unit)]
            if (
                locked.status != SupervisionStatus.OPEN
                or locked.escalation_level != 0
                or locked.due_on > dates.escalate_on_or_before
            ):
                continue
            _escalate(locked, None, AUTO_ESCALATION_LEVEL, manual=False)
            counts["escalated"] += 1
            logger.warning(
                "supervision escalated: item %s to the leaders of unit %s, due %s",
                locked.pk,
                locked.organization_id,
                locked.due_on.isoformat(),
            )
    return counts
