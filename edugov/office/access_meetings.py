"""Reads by id for meetings and duty rosters: missing and not allowed both answer Http404.

Meetings are visible to users holding office.meeting.view on the calling unit, to the
people invited and to the caller. Rooms are visible where the user holds
office.meeting.view, and the rooms of the units above a unit where the user may call
meetings are visible (and bookable) too: a department books its bureau's rooms.
Rosters are visible with office.roster.view on their unit once published (before that
only to office.roster.change holders), and to the people on them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from edugov.core.models import Organization
from edugov.core.permissions.scopes import entries_for, has_permission, scope_q
from edugov.office.models.meetings import Meeting, MeetingDecision, MeetingRoom
from edugov.office.models.rosters import DutyRoster, DutySlot, DutySwap


def _authenticated(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def ancestor_paths(user: Any, permission: str) -> set[str]:
    """Paths of every unit where ``user`` holds ``permission``, and of every unit above them."""
    if not _authenticated(user):
        return set()
    step = Organization.steplen
    return {
        entry.path[:end]
        for entry in entries_for(user, permission)
        for end in range(step, len(entry.path) + 1, step)
    }


def visible_rooms(user: Any) -> QuerySet[MeetingRoom]:
    if not _authenticated(user):
        return MeetingRoom.objects.none()
    q = Q()
    paths = ancestor_paths(user, "office.meeting.add") | ancestor_paths(user, "office.meeting.view")
    if paths:
        q |= Q(organization__path__in=sorted(paths))
    scope = scope_q(user, "office.meeting.view", field="organization")
    if scope is not None:
        q |= scope
    if not q:
        return MeetingRoom.objects.none()
    return MeetingRoom.objects.filter(q)


def room_serves(room: MeetingRoom, unit: Organization) -> bool:
    """A room may be booked for meetings of its unit and of the units below it."""
    return unit.path.startswith(room.organization.path)


def access_room(user: Any, room_id: Any, *, action: str = "view") -> MeetingRoom:
    rooms = visible_rooms(user) if action == "view" else MeetingRoom.objects.restrict(user, action)
    try:
        return rooms.select_related("organization").get(pk=int(room_id))
    except (MeetingRoom.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Meeting room not found.")) from None


def access_meeting(user: Any, meeting_id: Any) -> Meeting:
    try:
        return (
            Meeting.objects.visible_to(user)
            .select_related("organization", "room", "room__organization", "called_by")
            .get(pk=int(meeting_id))
        )
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Meeting not found.")) from None


def access_decision(user: Any, decision_id: Any) -> MeetingDecision:
    try:
        decision = MeetingDecision.objects.select_related("minutes").get(pk=int(decision_id))
    except (MeetingDecision.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Decision not found.")) from None
    access_meeting(user, decision.minutes.meeting_id)
    return decision


def may_run_meeting(user: Any, meeting: Meeting) -> bool:
    """The caller, and anyone who may call meetings for the calling unit, run the meeting."""
    if not _authenticated(user):
        return False
    return meeting.called_by_id == user.pk or has_permission(user, "office.meeting.add", meeting.organization)


# --- Duty rosters ------------------------------------------------------------------------


def visible_rosters(user: Any) -> QuerySet[DutyRoster]:
    """Published rosters of units in the user's office.roster.view scope, every roster where
    they hold office.roster.change, and published rosters they are on."""
    if not _authenticated(user):
        return DutyRoster.objects.none()
    published = Q(published_at__isnull=False)
    q = published & Q(pk__in=DutySlot.objects.filter(person=user).values("roster_id"))
    view = scope_q(user, "office.roster.view", field="organization")
    if view is not None:
        q |= published & view
    change = scope_q(user, "office.roster.change", field="organization")
    if change is not None:
        q |= change
    return DutyRoster.objects.filter(q)


def access_roster(user: Any, roster_id: Any, *, action: str = "view") -> DutyRoster:
    rosters = visible_rosters(user) if action == "view" else DutyRoster.objects.restrict(user, action)
    try:
        return rosters.select_related("organization").get(pk=int(roster_id))
    except (DutyRoster.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Duty roster not found.")) from None


def access_slot(user: Any, slot_id: Any) -> DutySlot:
    try:
        slot = DutySlot.objects.select_related("roster", "roster__organization", "person").get(
            pk=int(slot_id)
        )
    except (DutySlot.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Duty slot not found.")) from None
    if not visible_rosters(user).filter(pk=slot.roster_id).exists():
        raise Http404(_("Duty slot not found."))
    return slot


def access_swap(user: Any, swap_id: Any, *, action: str = "approve") -> DutySwap:
    try:
        return (
            DutySwap.objects.restrict(user, action)
            .select_related("slot_from", "slot_from__roster", "slot_to", "target_user", "requested_by")
            .get(pk=int(swap_id))
        )
    except (DutySwap.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Swap request not found.")) from None
