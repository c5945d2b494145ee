"""Staff handling shared by every kind of case: accept, reply bookkeeping, reroute, close.

Disclosure requests and letters both use these, so a case closes, moves and explains
itself the same way whatever its kind:

* ``do_accept_case`` — submitted → accepted (starts the clock if it has not started).
* ``mark_replied`` — call inside a kind's own reply action: stops the clock on the first
  reply, sets the status to replied and adds the public ``replied`` timeline line that the
  rating and reopen windows key on.
* ``do_reroute_case`` — 转交: to a unit in the router's own ``portal.case.route`` scope or
  to the handling unit's parent; the public timeline says only where it went.
* ``do_close_case`` — nothing closes by itself (BEYOND B.20): a person holding
  ``portal.case.approve`` on the handling unit, an outcome and a reason; an open
  rectification, or a finished one without a 回访, blocks it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import AuditEvent, log_event
from edugov.core.models import Organization
from edugov.core.permissions.scopes import has_permission, scope_q
from edugov.portal.actions.cases import _clock, _clock_state, add_case_event
from edugov.portal.choices import CaseStatus, ClockEventKind
from edugov.portal.clock import refresh_due_on
from edugov.portal.events_cases import CaseAuditEvent
from edugov.portal.models import Case, CaseClosure, CaseEvent, FollowUp, Rectification
from edugov.portal.models.ratings import CloseOutcome, RectificationStatus

# Timeline kinds other areas may rely on.
EVENT_ACCEPTED = "accepted"
EVENT_REPLIED = "replied"
EVENT_REROUTED = "rerouted"
EVENT_CLOSED = "closed"
EVENT_REOPENED = "reopened"
EVENT_RATED = "rated"
EVENT_RECTIFICATION = "rectification"
EVENT_RECTIFIED = "rectified"
EVENT_FOLLOW_UP = "follow_up"
EVENT_REQUESTER_UPDATE = "requester_update"

FINISHED_STATUSES = (CaseStatus.CLOSED, CaseStatus.WITHDRAWN)


class CaseErrorCode(StrEnum):
    """Codes of the ValidationErrors raised by case handling, ratings and letters."""

    REASON_REQUIRED = "reason_required"
    NOT_APPROVER = "not_approver"
    RECTIFICATION_OPEN = "rectification_open"
    FOLLOW_UP_MISSING = "follow_up_missing"
    ALREADY_CLOSED = "already_closed"
    WRONG_STATUS = "wrong_status"
    REROUTE_OUT_OF_SCOPE = "reroute_out_of_scope"
    REROUTE_SAME_UNIT = "reroute_same_unit"
    NOT_RATABLE = "not_ratable"
    ALREADY_RATED = "already_rated"
    REOPEN_WINDOW_PASSED = "reopen_window_passed"
    NOT_REOPENABLE = "not_reopenable"
    APPEAL_PENDING = "appeal_pending"
    APPEAL_DECIDED = "appeal_decided"
    NOT_APPEAL_DECIDER = "not_appeal_decider"
    NO_CONSENT = "no_consent"
    NOT_REPLIED = "not_replied"
    ROUTE_TARGET_OUT_OF_SCOPE = "route_target_out_of_scope"


def may(user: Any, action: str, case: Case) -> bool:
    """Whether ``user`` holds ``portal.case.<action>`` on the case's handling unit."""
    return has_permission(user, f"portal.case.{action}", case.handling_unit)


def _require(user: Any, action: str, case: Case) -> None:
    if not may(user, action, case):
        raise PermissionDenied(_("Your grant does not cover this case."))


def _reason(reason: str, *, max_length: int = 2000) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."), code=CaseErrorCode.REASON_REQUIRED)
    return reason[:max_length]


def last_reply_at(case: Case) -> Any:
    """When the case was last replied to (the ``replied`` timeline line), or None."""
    event = case.events.filter(kind=EVENT_REPLIED).order_by("-at", "-pk").first()
    return event.at if event else None


@transaction.atomic
def do_view_case_personal(case: Case, *, acting_user: Any) -> None:
    """Record that a staff member opened the case with the requester's personal data."""
    log_event(
        AuditEvent.PERSONAL_DATA_VIEWED,
        acting_user=acting_user,
        target=case,
        organization=case.handling_unit,
        extra={"fields": ["requester_name", "contact_phone", "contact_email", "contact_address"]},
    )


@transaction.atomic
def do_accept_case(case: Case, *, acting_user: Any, public_note: str = "") -> Case:
    _require(acting_user, "handle", case)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.SUBMITTED:
        raise ValidationError(
            _("Only a newly submitted case can be accepted."), code=CaseErrorCode.WRONG_STATUS
        )
    started, _paused, _stopped = _clock_state(locked)
    if not started:
        today = timezone.localdate()
        _clock(locked, ClockEventKind.START, today, actor=acting_user)
        locked.received_on = today
        locked.save(update_fields=["received_on"])
        refresh_due_on(locked)
    locked.status = CaseStatus.ACCEPTED
    locked.save(update_fields=["status"])
    add_case_event(locked, EVENT_ACCEPTED, actor=acting_user, public_note=public_note)
    log_event(CaseAuditEvent.CASE_ACCEPTED, acting_user=acting_user, target=locked)
    return locked


def mark_replied(
    locked: Case, *, acting_user: Any, public_note: str = "", internal_note: str = ""
) -> CaseEvent:
    """Bookkeeping of a reply (inside the kind's reply action, on a row locked for update)."""
    started, _paused, stopped = _clock_state(locked)
    today = timezone.localdate()
    if not started:
        _clock(locked, ClockEventKind.START, today, actor=acting_user)
        locked.received_on = today
        locked.save(update_fields=["received_on"])
    if not stopped:
        _clock(locked, ClockEventKind.STOP, today, actor=acting_user)
    refresh_due_on(locked)
    locked.status = CaseStatus.REPLIED
    locked.save(update_fields=["status"])
    event = add_case_event(
        locked, EVENT_REPLIED, actor=acting_user, public_note=public_note, internal_note=internal_note
    )
    log_event(CaseAuditEvent.CASE_REPLIED, acting_user=acting_user, target=locked)
    return event


def reroute_targets(user: Any, case: Case) -> QuerySet[Organization]:
    """Units the user may send the case to: their own routing scope, and the parent unit."""
    q = scope_q(user, "portal.case.route", field="")
    parent = case.handling_unit.get_parent()
    condition = Q(pk__in=[]) if q is None else q
    if parent is not None:
        condition |= Q(pk=parent.pk)
    return (
        Organization.objects.filter(condition, is_active=True)
        .exclude(pk=case.handling_unit_id)
        .order_by("path")
    )


@transaction.atomic
def do_reroute_case(
    case: Case, *, target: Organization, acting_user: Any, reason: str, internal_note: str = ""
) -> Case:
    """转交: the case goes to ``target``, which has to accept it; the clock keeps running."""
    _require(acting_user, "route", case)
    reason = _reason(reason)
    locked = Case.objects.select_for_update().select_related("handling_unit").get(pk=case.pk)
    if locked.status in FINISHED_STATUSES:
        raise ValidationError(_("The case is closed."), code=CaseErrorCode.ALREADY_CLOSED)
    if target.pk == locked.handling_unit_id:
        raise ValidationError(_("The case is already with this unit."), code=CaseErrorCode.REROUTE_SAME_UNIT)
    if not reroute_targets(acting_user, locked).filter(pk=target.pk).exists():
        raise ValidationError(
            _("You can transfer a case only to a unit you route for, or to the parent unit."),
            code=CaseErrorCode.REROUTE_OUT_OF_SCOPE,
        )
    previous = locked.handling_unit
    locked.handling_unit = target
    locked.status = CaseStatus.SUBMITTED
    locked.save(update_fields=["handling_unit", "status"])
    note = "\n".join(part for part in (reason, internal_note.strip()) if part)
    add_case_event(
        locked, EVENT_REROUTED, actor=acting_user, public_note=target.name, internal_note=note, unit=previous
    )
    log_event(
        CaseAuditEvent.CASE_REROUTED,
        acting_user=acting_user,
        target=locked,
        organization=previous,
        extra={"from_unit": previous.pk, "to_unit": target.pk},
        reason=reason,
    )
    return locked


def close_blockers(case: Case) -> list[ValidationError]:
    """Why the case cannot be closed now (empty when it can)."""
    problems = []
    if Rectification.objects.filter(case=case, status=RectificationStatus.OPEN).exists():
        problems.append(
            ValidationError(
                _("A rectification after a bad rating is still open: record it first."),
                code=CaseErrorCode.RECTIFICATION_OPEN,
            )
        )
    without_follow_up = (
        Rectification.objects.filter(case=case, status=RectificationStatus.DONE)
        .exclude(pk__in=FollowUp.objects.filter(rectification__isnull=False).values("rectification_id"))
        .exists()
    )
    if without_follow_up:
        problems.append(
            ValidationError(
                _("Record the follow-up call 回访 with the requester before closing."),
                code=CaseErrorCode.FOLLOW_UP_MISSING,
            )
        )
    return problems


@transaction.atomic
def do_close_case(case: Case, *, acting_user: Any, outcome: str, reason: str) -> Case:
    """Close the case as a person's decision, with an outcome and a reason."""
    if (
        acting_user is None
        or not getattr(acting_user, "is_authenticated", False)
        or not may(acting_user, "approve", case)
    ):
        raise ValidationError(
            _("Only a person who may approve cases for this unit can close it."),
            code=CaseErrorCode.NOT_APPROVER,
        )
    if outcome not in CloseOutcome.values:
        raise ValidationError(_("Choose how the case ends."), code=CaseErrorCode.WRONG_STATUS)
    reason = _reason(reason)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status in FINISHED_STATUSES:
        raise ValidationError(_("The case is already closed."), code=CaseErrorCode.ALREADY_CLOSED)
    problems = close_blockers(locked)
    if problems:
        raise ValidationError(problems)
    started, _paused, stopped = _clock_state(locked)
    if started and not stopped:
        _clock(locked, ClockEventKind.STOP, timezone.localdate(), actor=acting_user)
        refresh_due_on(locked)
    locked.status = CaseStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.closed_by = acting_user
    locked.close_reason = reason[:500]
    locked.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
    CaseClosure.objects.create(
        case=locked, round=locked.reopen_count, outcome=outcome, reason=reason, closed_by=acting_user
    )
    # The reason is the requester's explanation: it shows on the status page (with the outcome).
    add_case_event(locked, EVENT_CLOSED, actor=acting_user, public_note=reason)
    log_event(
        CaseAuditEvent.CASE_CLOSED,
        acting_user=acting_user,
        target=locked,
        extra={"outcome": outcome, "round": locked.reopen_count},
        reason=reason,
    )
    return locked
