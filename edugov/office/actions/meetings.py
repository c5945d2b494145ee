"""Writes for meetings (IN-6): rooms, calling meetings, answers, reminders, minutes, decisions.

Booking a room locks the room row (``SELECT … FOR UPDATE``) before looking for overlapping
meetings, so two people booking the same slot at the same moment line up and the second
one is refused with the first one's meeting named. Every write is audited as
``office.meeting_changed`` with an ``operation`` and ids only.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.models import Membership, Organization
from edugov.core.permissions.scopes import has_permission, scope_q
from edugov.office.access_meetings import may_run_meeting, room_serves
from edugov.office.errors import OfficeError
from edugov.office.events import OfficeEvent
from edugov.office.models.meetings import (
    AgendaItem,
    AttendeeResponse,
    AttendeeRole,
    Meeting,
    MeetingAttendee,
    MeetingDecision,
    MeetingKind,
    MeetingMinutes,
    MeetingRoom,
    MeetingStatus,
    remote_url_validator,
)


class MeetingError(OfficeError):
    """A meeting request the rules refuse."""


class RoomClash(MeetingError):
    """The room is taken for (part of) the requested time."""


class AgendaEntry(NamedTuple):
    title: str
    presenter: str = ""
    minutes_allotted: int | None = None


def _log(meeting: Meeting, operation: str, acting_user: Any, **extra: Any) -> None:
    log_event(
        OfficeEvent.MEETING_CHANGED,
        acting_user=acting_user,
        target=meeting,
        extra={"operation": operation, "meeting": meeting.pk, **extra},
    )


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _require(user: Any, permission: str, unit: Organization) -> None:
    if not has_permission(user, permission, unit):
        raise PermissionDenied(_("You may not do this for %(unit)s.") % {"unit": unit.name})


def _require_runner(user: Any, meeting: Meeting) -> None:
    if not may_run_meeting(user, meeting):
        raise PermissionDenied(_("Only the caller of the meeting or the calling unit may do this."))


# --- Rooms -------------------------------------------------------------------------------


@transaction.atomic
def do_create_room(
    *,
    organization: Organization,
    name: str,
    acting_user: Any,
    location: str = "",
    capacity: int = 0,
    equipment: str = "",
    has_video: bool = False,
) -> MeetingRoom:
    _require(acting_user, "office.meeting.manage", organization)
    name = name.strip()
    if MeetingRoom.objects.filter(organization=organization, name=name).exists():
        raise MeetingError(
            _("%(unit)s already has a room named %(name)s.") % {"unit": organization.name, "name": name}
        )
    room = MeetingRoom.objects.create(
        organization=organization,
        name=name,
        location=location,
        capacity=capacity,
        equipment=equipment,
        has_video=has_video,
    )
    log_event(
        OfficeEvent.MEETING_CHANGED,
        acting_user=acting_user,
        target=room,
        extra={"operation": "room_created", "room": room.pk},
    )
    return room


@transaction.atomic
def do_set_room_active(room: MeetingRoom, *, active: bool, acting_user: Any) -> MeetingRoom:
    _require(acting_user, "office.meeting.manage", room.organization)
    locked = MeetingRoom.objects.select_for_update().get(pk=room.pk)
    if locked.is_active != active:
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        log_event(
            OfficeEvent.MEETING_CHANGED,
            acting_user=acting_user,
            target=locked,
            extra={"operation": "room_activated" if active else "room_retired", "room": locked.pk},
        )
    return locked


def find_clash(
    room: MeetingRoom, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude: int | None = None
) -> Meeting | None:
    """The first meeting (not cancelled) in ``room`` overlapping [starts_at, ends_at)."""
    qs = Meeting.objects.filter(room=room, starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(
        status=MeetingStatus.CANCELLED
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("starts_at", "pk").first()


def clash_message(room: MeetingRoom, other: Meeting) -> str:
    return _("%(room)s is already booked for “%(title)s” from %(start)s to %(end)s.") % {
        "room": room.name,
        "title": other.title,
        "start": _local(other.starts_at),
        "end": _local(other.ends_at),
    }


def _book_room(
    room: MeetingRoom,
    unit: Organization,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    *,
    exclude: int | None = None,
) -> MeetingRoom:
    """Lock the room and check that it is free; call inside the booking transaction."""
    locked = (
        MeetingRoom.objects.select_for_update(of=("self",)).select_related("organization").get(pk=room.pk)
    )
    if not locked.is_active:
        raise MeetingError(_("%(room)s is not in use.") % {"room": locked.name})
    if not room_serves(locked, unit):
        raise MeetingError(
            _("%(room)s belongs to %(owner)s and cannot be booked for %(unit)s.")
            % {"room": locked.name, "owner": locked.organization.name, "unit": unit.name}
        )
    other = find_clash(locked, starts_at, ends_at, exclude=exclude)
    if other is not None:
        raise RoomClash(clash_message(locked, other), meeting=other.pk)
    return locked


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise MeetingError(_("The meeting must end after it starts."))
    if ends_at <= timezone.now():
        raise MeetingError(_("The meeting would be over already: choose a time in the future."))


def _check_kind(kind: str, room: MeetingRoom | None, place: str, remote_url: str) -> None:
    if kind not in MeetingKind.values:
        raise MeetingError(_("Unknown meeting kind."))
    if kind in (MeetingKind.REMOTE, MeetingKind.HYBRID):
        if not remote_url:
            raise MeetingError(_("A remote or hybrid meeting needs a video meeting link."))
    if remote_url:
        try:
            remote_url_validator(remote_url)
        except ValidationError:
            raise MeetingError(_("The video meeting link must be an http:// or https:// address.")) from None
    if kind in (MeetingKind.IN_PERSON, MeetingKind.HYBRID) and room is None and not place.strip():
        raise MeetingError(_("Choose a room or say where the meeting takes place."))


def invitee_units(acting_user: Any, users: Iterable[Any]) -> dict[int, Organization]:
    """Each invitee's unit within the caller's office.meeting.view scope (primary first).

    Raises MeetingError naming the people who are outside that scope.
    """
    users = list(users)
    scope = scope_q(acting_user, "office.meeting.view", field="organization")
    found: dict[int, Organization] = {}
    if scope is not None and users:
        rows = (
            Membership.objects.filter(scope, user__in=users, user__is_active=True)
            .select_related("organization")
            .order_by("-is_primary", "organization__path")
        )
        for row in rows:
            found.setdefault(row.user_id, row.organization)
    missing = [u for u in users if u.pk not in found]
    if missing:
        raise MeetingError(
            _("You cannot invite %(names)s: not in a unit you work with.")
            % {"names": "、".join(u.get_full_name() for u in missing)}
        )
    return found


@transaction.atomic
def do_call_meeting(
    *,
    organization: Organization,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    acting_user: Any,
    kind: str = MeetingKind.IN_PERSON,
    room: MeetingRoom | None = None,
    place: str = "",
    remote_url: str = "",
    remote_meeting_id: str = "",
    remote_passcode: str = "",
    notes: str = "",
    agenda: Sequence[AgendaEntry | tuple] = (),
    attendees: Iterable[Any] = (),
    optional_attendees: Iterable[Any] = (),
) -> Meeting:
    """Call a meeting of ``organization``, booking ``room`` if given; invitees get a to-do to answer."""
    _require(acting_user, "office.meeting.add", organization)
    _check_times(starts_at, ends_at)
    _check_kind(kind, room, place, remote_url)
    title = title.strip()
    if not title:
        raise MeetingError(_("The meeting needs a title."))
    if room is not None:
        room = _book_room(room, organization, starts_at, ends_at)
    required = list(dict.fromkeys(attendees))
    optional = [u for u in dict.fromkeys(optional_attendees) if u not in required]
    units = invitee_units(acting_user, [*required, *optional])
    meeting = Meeting.objects.create(
        organization=organization,
        title=title,
        kind=kind,
        room=room,
        place=place.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        remote_url=remote_url,
        remote_meeting_id=remote_meeting_id,
        remote_passcode=remote_passcode,
        notes=notes,
        called_by=acting_user,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=i,
            title=entry.title,
            presenter=entry.presenter,
            minutes_allotted=entry.minutes_allotted,
        )
        for i, entry in enumerate((AgendaEntry(*e) for e in agenda), start=1)
    )
    MeetingAttendee.objects.bulk_create(
        [
            *(
                MeetingAttendee(meeting=meeting, user=u, unit=units[u.pk], role=AttendeeRole.REQUIRED)
                for u in required
            ),
            *(
                MeetingAttendee(meeting=meeting, user=u, unit=units[u.pk], role=AttendeeRole.OPTIONAL)
                for u in optional
            ),
        ]
    )
    _log(
        meeting, "called", acting_user, room=room.pk if room else None, invited=len(required) + len(optional)
    )
    return meeting


@transaction.atomic
def do_reschedule_meeting(
    meeting: Meeting,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room: MeetingRoom | None,
    acting_user: Any,
) -> Meeting:
    """Move a scheduled meeting (time and/or room); the new slot must be free."""
    _require_runner(acting_user, meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status != MeetingStatus.SCHEDULED:
        raise MeetingError(_("Only a scheduled meeting can be moved."))
    _check_times(starts_at, ends_at)
    _check_kind(locked.kind, room, locked.place, locked.remote_url)
    if room is not None:
        room = _book_room(room, locked.organization, starts_at, ends_at, exclude=locked.pk)
    locked.starts_at, locked.ends_at, locked.room = starts_at, ends_at, room
    locked.save(update_fields=["starts_at", "ends_at", "room"])
    # Everyone is asked again: the answer was for the old time.
    locked.attendees.exclude(response=AttendeeResponse.DELEGATED).update(
        response=AttendeeResponse.PENDING, responded_at=None
    )
    _log(locked, "rescheduled", acting_user, room=room.pk if room else None)
    return locked


@transaction.atomic
def do_cancel_meeting(meeting: Meeting, *, acting_user: Any, reason: str = "") -> Meeting:
    _require_runner(acting_user, meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status != MeetingStatus.SCHEDULED:
        raise MeetingError(_("Only a scheduled meeting can be cancelled."))
    locked.status = MeetingStatus.CANCELLED
    locked.cancel_reason = reason.strip()[:200]
    locked.save(update_fields=["status", "cancel_reason"])
    _log(locked, "cancelled", acting_user)
    return locked


# --- Attendance ----------------------------------------------------------------------------


def _open_for_answers(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise MeetingError(_("This meeting is no longer open for answers."))
    if meeting.ends_at <= timezone.now():
        raise MeetingError(_("This meeting is over."))


@transaction.atomic
def do_respond_to_meeting(
    meeting: Meeting,
    *,
    response: str,
    acting_user: Any,
    reason: str = "",
    delegate: Any = None,
) -> MeetingAttendee:
    """Answer an invitation: accept, decline (with a reason) or send a delegate (with a reason)."""
    attendee = (
        MeetingAttendee.objects.select_for_update(of=("self",))
        .select_related("meeting", "unit")
        .filter(meeting=meeting, user=acting_user)
        .first()
    )
    if attendee is None:
        raise MeetingError(_("You are not invited to this meeting."))
    _open_for_answers(attendee.meeting)
    if response not in (AttendeeResponse.ACCEPTED, AttendeeResponse.DECLINED, AttendeeResponse.DELEGATED):
        raise MeetingError(_("Choose whether you will attend."))
    if attendee.response == AttendeeResponse.DELEGATED:
        raise MeetingError(_("You have already sent a delegate; ask the caller if that has to change."))
    reason = reason.strip()
    if response != AttendeeResponse.ACCEPTED and not reason:
        raise MeetingError(_("Give a reason when you decline or send a delegate."))
    delegate_row = None
    if response == AttendeeResponse.DELEGATED:
        delegate_row = _add_delegate(attendee, delegate)
    attendee.response = response
    attendee.reason = reason[:200] if response != AttendeeResponse.ACCEPTED else ""
    attendee.delegate = delegate if response == AttendeeResponse.DELEGATED else None
    attendee.responded_at = timezone.now()
    attendee.save(update_fields=["response", "reason", "delegate", "responded_at"])
    _log(
        attendee.meeting,
        "answered",
        acting_user,
        attendee=attendee.pk,
        response=response,
        delegate_attendee=delegate_row.pk if delegate_row else None,
    )
    return attendee


def _add_delegate(attendee: MeetingAttendee, delegate: Any) -> MeetingAttendee:
    if delegate is None:
        raise MeetingError(_("Choose who attends in your place."))
    if delegate.pk == attendee.user_id or not delegate.is_active:
        raise MeetingError(_("Choose someone else to attend in your place."))
    if MeetingAttendee.objects.filter(meeting=attendee.meeting, user=delegate).exists():
        raise MeetingError(
            _("%(name)s is already invited to this meeting.") % {"name": delegate.get_full_name()}
        )
    if (
        attendee.unit is not None
        and not Membership.objects.filter(
            user=delegate, organization__path__startswith=attendee.unit.path
        ).exists()
    ):
        raise MeetingError(_("A delegate must come from %(unit)s.") % {"unit": attendee.unit.name})
    return MeetingAttendee.objects.create(
        meeting=attendee.meeting,
        user=delegate,
        unit=attendee.unit,
        role=attendee.role,
        delegated_from=attendee,
    )


@transaction.atomic
def do_remind_attendees(meeting: Meeting, *, acting_user: Any) -> int:
    """Remind everyone who has not answered yet (their to-do shows the reminder); returns how many."""
    _require_runner(acting_user, meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _open_for_answers(locked)
    count = locked.attendees.filter(response=AttendeeResponse.PENDING).update(
        reminded_at=timezone.now(), reminder_count=F("reminder_count") + 1
    )
    _log(locked, "reminded", acting_user, reminded=count)
    return count


@transaction.atomic
def do_check_in_attendee(attendee: MeetingAttendee, *, acting_user: Any) -> MeetingAttendee:
    """Record that an attendee is present (by the attendee or the caller), from two hours before the start."""
    meeting = attendee.meeting
    if attendee.user_id != acting_user.pk:
        _require_runner(acting_user, meeting)
    locked = MeetingAttendee.objects.select_for_update().get(pk=attendee.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingError(_("This meeting was cancelled."))
    if timezone.now() < meeting.starts_at - dt.timedelta(hours=2):
        raise MeetingError(_("Check-in opens two hours before the meeting."))
    if locked.checked_in_at is None:
        locked.checked_in_at = timezone.now()
        locked.save(update_fields=["checked_in_at"])
        _log(meeting, "checked_in", acting_user, attendee=locked.pk)
    return locked


def attendance_counts(meeting: Meeting) -> dict[str, int]:
    """How many answered what (a count per ``AttendeeResponse`` value) and how many checked in."""
    counts = dict.fromkeys(AttendeeResponse.values, 0)
    checked_in = 0
    for response, present in meeting.attendees.values_list("response", "checked_in_at"):
        counts[response] += 1
        checked_in += present is not None
    counts["checked_in"] = checked_in
    return counts


# --- Minutes and decisions ---------------------------------------------------------------


@transaction.atomic
def do_record_minutes(meeting: Meeting, *, text: str, acting_user: Any) -> MeetingMinutes:
    """Write (or rewrite, until approved) the minutes of a meeting that has started; it is then held."""
    _require_runner(acting_user, meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == MeetingStatus.CANCELLED:
        raise MeetingError(_("A cancelled meeting has no minutes."))
    if locked.starts_at > timezone.now():
        raise MeetingError(_("Minutes are recorded after the meeting has started."))
    text = text.strip()
    if not text:
        raise MeetingError(_("The minutes are empty."))
    minutes = MeetingMinutes.objects.select_for_update().filter(meeting=locked).first()
    if minutes is None:
        minutes = MeetingMinutes.objects.create(meeting=locked, text=text, recorded_by=acting_user)
        operation = "minutes_recorded"
    else:
        if minutes.approved_at is not None:
            raise MeetingError(_("The minutes are approved and can no longer change."))
        minutes.text = text
        minutes.save(update_fields=["text", "updated_at"])
        operation = "minutes_changed"
    if locked.status != MeetingStatus.HELD:
        locked.status = MeetingStatus.HELD
        locked.save(update_fields=["status"])
    _log(locked, operation, acting_user, minutes=minutes.pk)
    return minutes


@transaction.atomic
def do_add_decision(
    minutes: MeetingMinutes,
    *,
    text: str,
    acting_user: Any,
    owner_unit: Organization | None = None,
    due_on: dt.date | None = None,
) -> MeetingDecision:
    meeting = minutes.meeting
    _require_runner(acting_user, meeting)
    locked = MeetingMinutes.objects.select_for_update().get(pk=minutes.pk)
    if locked.approved_at is not None:
        raise MeetingError(_("The minutes are approved and can no longer change."))
    text = text.strip()
    if not text:
        raise MeetingError(_("The decision is empty."))
    if owner_unit is not None and not (
        owner_unit.path.startswith(meeting.organization.path)
        or has_permission(acting_user, "office.meeting.view", owner_unit)
    ):
        raise MeetingError(_("Choose a responsible unit you work with."))
    last = locked.decisions.order_by("-position").values_list("position", flat=True).first() or 0
    decision = MeetingDecision.objects.create(
        minutes=locked, position=last + 1, text=text, owner_unit=owner_unit, due_on=due_on
    )
    _log(meeting, "decision_added", acting_user, decision=decision.pk)
    return decision


@transaction.atomic
def do_approve_minutes(minutes: MeetingMinutes, *, acting_user: Any) -> MeetingMinutes:
    meeting = minutes.meeting
    if meeting.called_by_id != acting_user.pk and not has_permission(
        acting_user, "office.meeting.manage", meeting.organization
    ):
        raise PermissionDenied(
            _("Only the caller of the meeting or the unit's office may approve the minutes.")
        )
    locked = MeetingMinutes.objects.select_for_update().get(pk=minutes.pk)
    if locked.approved_at is None:
        locked.approved_at = timezone.now()
        locked.approved_by = acting_user
        locked.save(update_fields=["approved_at", "approved_by"])
        _log(meeting, "minutes_approved", acting_user, minutes=locked.pk)
    return locked


def supervision_module() -> Any:
    """``edugov.office.actions.supervision`` when it offers do_create_supervision_item, else None."""
    try:
        module = importlib.import_module("edugov.office.actions.supervision")
    except ImportError:
        return None
    return module if hasattr(module, "do_create_supervision_item") else None


def supervision_available() -> bool:
    return supervision_module() is not None


@transaction.atomic
def do_supervise_decision(decision: MeetingDecision, *, acting_user: Any) -> Any:
    """Turn a decision into a supervision item (督办) and remember the item on the decision."""
    module = supervision_module()
    if module is None:
        raise MeetingError(_("Supervision is not available on this system."))
    locked = (
        MeetingDecision.objects.select_for_update(of=("self",))
        .select_related("minutes__meeting__organization", "owner_unit")
        .get(pk=decision.pk)
    )
    meeting = locked.minutes.meeting
    _require_runner(acting_user, meeting)
    if locked.supervision_ref is not None:
        raise MeetingError(_("This decision is already under supervision."))
    if locked.owner_unit is None or locked.due_on is None:
        raise MeetingError(
            _("A decision needs a responsible unit and a due date before it can be supervised.")
        )
    item = module.do_create_supervision_item(
        organization=meeting.organization,
        title=locked.text[:200],
        owner_unit=locked.owner_unit,
        due_on=locked.due_on,
        acting_user=acting_user,
        description=locked.text,
        source_kind="meeting",
        source_ref=f"office.meetingdecision:{locked.pk}",
        source_label=meeting.title,
    )
    locked.supervision_ref = item.pk
    locked.save(update_fields=["supervision_ref"])
    _log(meeting, "decision_supervised", acting_user, decision=locked.pk, supervision_item=item.pk)
    return item
