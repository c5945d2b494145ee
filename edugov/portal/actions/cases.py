"""Writes shared by every kind of case: open, timeline, clock (used by disclosure and letters)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.portal.choices import CASE_NUMBER_PREFIX, ClockEventKind
from edugov.portal.clock import Deadline, refresh_due_on
from edugov.portal.error_codes import PortalErrorCode
from edugov.portal.events import PortalEvent
from edugov.portal.models import Case, CaseEvent, CaseSequence, ClockEvent


def _next_number(kind: str, year: int) -> str:
    seq, _created = CaseSequence.objects.select_for_update().get_or_create(kind=kind, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{CASE_NUMBER_PREFIX[kind]}{year}{seq.last:06d}"


def hash_query_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_query_code() -> str:
    """Eight characters without look-alikes (0/O, 1/I/L), shown once to the requester."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(8))


@transaction.atomic
def do_open_case(
    *,
    kind: str,
    handling_unit: Any,
    subject: str,
    content: str,
    acting_user: Any = None,
    site: Any = None,
    requester: Any = None,
    requester_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    contact_address: str = "",
    statutory_days: int = 20,
    jurisdiction: str | None = None,
    received_on: dt.date | None = None,
    public_note: str = "",
) -> tuple[Case, str]:
    """Create a case with its number, status-page token and query code (returned once, never stored).

    With ``received_on`` the clock starts that day; otherwise it starts when the unit accepts it
    (``do_start_clock``): for online requests the regulation counts from the day both sides confirm.
    """
    today = timezone.localdate()
    query_code = new_query_code()
    case = Case(
        number=_next_number(kind, today.year),
        kind=kind,
        site=site,
        handling_unit=handling_unit,
        requester=requester if requester is not None and requester.is_authenticated else None,
        requester_name=requester_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        contact_address=contact_address,
        subject=subject,
        content=content,
        tracking_token=secrets.token_urlsafe(32),
        query_code_hash=hash_query_code(query_code),
        statutory_days=statutory_days,
    )
    if jurisdiction:
        case.jurisdiction = jurisdiction
    case.save()
    add_case_event(case, "submitted", actor=acting_user, public_note=public_note)
    if received_on is not None:
        _clock(case, ClockEventKind.START, received_on, actor=acting_user)
        case.received_on = received_on
        case.save(update_fields=["received_on"])
        refresh_due_on(case)
    log_event(
        PortalEvent.CASE_SUBMITTED,
        acting_user=acting_user,
        target=case,
        organization=handling_unit,
        extra={"kind": kind, "number": case.number},
    )
    return case, query_code


def add_case_event(
    case: Case,
    kind: str,
    *,
    actor: Any = None,
    public: bool = True,
    public_note: str = "",
    internal_note: str = "",
    unit: Any = None,
) -> CaseEvent:
    """Append a timeline line (call inside the action's transaction)."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        public=public,
        public_note=public_note,
        internal_note=internal_note,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        unit=unit or case.handling_unit,
    )


def _clock(
    case: Case,
    kind: str,
    on: dt.date,
    *,
    actor: Any = None,
    days: int = 0,
    reason: str = "",
    approved_by: Any = None,
) -> ClockEvent:
    return ClockEvent.objects.create(
        case=case,
        kind=kind,
        on=on,
        days=days,
        reason=reason,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        approved_by=approved_by,
    )


def _clock_state(case: Case) -> tuple[bool, bool, bool]:
    """(started, paused, stopped) from the case's clock events."""
    started = paused = stopped = False
    for event in case.clock_events.order_by("on", "pk"):
        if event.kind == ClockEventKind.START:
            started = True
        elif event.kind == ClockEventKind.PAUSE:
            paused = True
        elif event.kind in (ClockEventKind.RESUME, ClockEventKind.RESTART):
            paused = False
        elif event.kind == ClockEventKind.STOP:
            stopped = True
        elif event.kind == ClockEventKind.REOPEN:
            paused = stopped = False
    return started, paused, stopped


@transaction.atomic
def do_change_clock(
    case: Case,
    kind: str,
    *,
    acting_user: Any,
    on: dt.date | None = None,
    days: int = 0,
    reason: str = "",
    approved_by: Any = None,
    max_extension: int | None = None,
) -> Deadline:
    """Start, pause, resume, restart, extend or stop the clock; recompute and cache the deadline."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    started, paused, stopped = _clock_state(locked)
    on = on or timezone.localdate()
    if kind != ClockEventKind.START and not started:
        raise ValidationError(_("The clock has not started yet."), code=PortalErrorCode.CASE_NOT_OPEN)
    if kind == ClockEventKind.START and started:
        raise ValidationError(_("The clock has already started."), code=PortalErrorCode.CASE_NOT_OPEN)
    if stopped and kind != ClockEventKind.START:
        raise ValidationError(
            _("The case has been answered; its clock is stopped."), code=PortalErrorCode.CASE_CLOSED
        )
    if kind == ClockEventKind.PAUSE and paused:
        raise ValidationError(_("The clock is already paused."), code=PortalErrorCode.CLOCK_PAUSED)
    if kind == ClockEventKind.RESUME and not paused:
        raise ValidationError(_("The clock is not paused."), code=PortalErrorCode.CLOCK_NOT_PAUSED)
    if kind == ClockEventKind.EXTEND:
        if days <= 0:
            raise ValidationError(
                _("Give the number of working days to extend by."), code=PortalErrorCode.EXTENSION_TOO_LONG
            )
        already = sum(e.days for e in locked.clock_events.filter(kind=ClockEventKind.EXTEND))
        if max_extension is not None and already + days > max_extension:
            raise ValidationError(
                _("The deadline may be extended by at most %(n)d working days in all.")
                % {"n": max_extension},
                code=PortalErrorCode.EXTENSION_TOO_LONG,
            )
    _clock(locked, kind, on, actor=acting_user, days=days, reason=reason, approved_by=approved_by)
    if kind == ClockEventKind.START:
        locked.received_on = on
        locked.save(update_fields=["received_on"])
    deadline = refresh_due_on(locked)
    log_event(
        PortalEvent.CASE_CLOCK_CHANGED,
        acting_user=acting_user,
        target=locked,
        organization=locked.handling_unit,
        extra={"clock": kind, "on": on.isoformat(), "days": days, "due_on": str(deadline.due_on or "")},
        reason=reason,
    )
    case.due_on, case.received_on = locked.due_on, locked.received_on
    return deadline
