"""Writes for duty rosters (IN-7): building rosters (from the work calendar for holidays),
slots, publishing, swaps and duty logs.

Swaps are approved by the unit's approver (office.roster.approve); the approval locks
both slots and exchanges the people in one transaction, and is refused when a slot lies
in the past or was swapped already. Every write is audited as ``office.roster_changed``
with an ``operation`` and ids only (never phone numbers or log text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.calendar import HOLIDAY_NAMES, load_calendar, year_days
from edugov.core.choices import Jurisdiction
from edugov.core.models import Membership, Organization
from edugov.core.permissions.scopes import has_permission, scope_q
from edugov.office.errors import OfficeError
from edugov.office.events import OfficeEvent
from edugov.office.models.rosters import (
    DutyLog,
    DutyRoster,
    DutySlot,
    DutySwap,
    RosterKind,
    Shift,
    SwapStatus,
)

MAX_ROSTER_DAYS = 366


class RosterError(OfficeError):
    """A roster request the rules refuse."""


def jurisdiction_of(unit: Organization) -> str:
    """The work-calendar jurisdiction of a unit: Xinjiang's for units in region 65, else national."""
    code = str(getattr(unit, "region_id", "") or "")
    return Jurisdiction.XINJIANG if code.startswith(Jurisdiction.XINJIANG) else Jurisdiction.NATIONAL


def _log(roster: DutyRoster, operation: str, acting_user: Any, **extra: Any) -> None:
    log_event(
        OfficeEvent.ROSTER_CHANGED,
        acting_user=acting_user,
        target=roster,
        extra={"operation": operation, "roster": roster.pk, **extra},
    )


def _require(user: Any, permission: str, unit: Organization) -> None:
    if not has_permission(user, permission, unit):
        raise PermissionDenied(_("You may not do this for %(unit)s.") % {"unit": unit.name})


def _check_members(organization: Organization, users: Sequence[Any]) -> None:
    """Everyone on a roster works in its unit (or a unit below it) and has an active account."""
    ids = {u.pk for u in users}
    members = set(
        Membership.objects.filter(
            user_id__in=ids, user__is_active=True, organization__path__startswith=organization.path
        ).values_list("user_id", flat=True)
    )
    outside = [u for u in users if u.pk not in members]
    if outside:
        raise RosterError(
            _("%(names)s do not work in %(unit)s.")
            % {
                "names": "、".join(dict.fromkeys(u.get_full_name() for u in outside)),
                "unit": organization.name,
            }
        )


def _today() -> dt.date:
    return timezone.localdate()


# --- Rosters and slots ---------------------------------------------------------------------


def _new_roster(
    *,
    organization: Organization,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    kind: str,
    acting_user: Any,
    holiday_name: str = "",
    shift_times: dict[str, dt.time] | None = None,
) -> DutyRoster:
    _require(acting_user, "office.roster.change", organization)
    title = title.strip()
    if not title:
        raise RosterError(_("The roster needs a title."))
    if ends_on < starts_on:
        raise RosterError(_("The last day comes before the first day."))
    if (ends_on - starts_on).days >= MAX_ROSTER_DAYS:
        raise RosterError(_("A roster covers at most a year."))
    times = {k: v for k, v in (shift_times or {}).items() if v is not None}
    unknown = set(times) - {"day_starts", "day_ends", "night_starts", "night_ends"}
    if unknown:
        raise RosterError(_("Unknown shift times: %(names)s") % {"names": ", ".join(sorted(unknown))})
    return DutyRoster.objects.create(
        organization=organization,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        kind=kind,
        holiday_name=holiday_name,
        created_by=acting_user,
        **times,
    )


def _fill(
    roster: DutyRoster,
    dates: Sequence[dt.date],
    people: Sequence[Any],
    leaders: Sequence[Any],
    *,
    shift: str,
    duty_phone: str,
) -> list[DutySlot]:
    """One leader (all day) and one person (``shift``) for each date, both taken in turn."""
    slots = []
    for i, date in enumerate(dates):
        if leaders:
            leader = leaders[i % len(leaders)]
            slots.append(
                DutySlot(
                    roster=roster,
                    date=date,
                    shift=Shift.ALL_DAY,
                    person=leader,
                    is_leader=True,
                    phone=leader.phone,
                )
            )
        if people:
            person = people[i % len(people)]
            if leaders and person.pk == leaders[i % len(leaders)].pk and shift == Shift.ALL_DAY:
                continue  # the leader covers the day already
            slots.append(
                DutySlot(
                    roster=roster, date=date, shift=shift, person=person, phone=duty_phone or person.phone
                )
            )
    return DutySlot.objects.bulk_create(slots)


def _check_rotation(organization: Organization, people: Sequence[Any], leaders: Sequence[Any]) -> None:
    if not people:
        raise RosterError(_("Choose the people on duty."))
    if not leaders:
        raise RosterError(_("Choose the leaders on duty 带班领导: one leads every day."))
    _check_members(organization, [*people, *leaders])


def roster_days(organization: Organization, starts_on: dt.date, ends_on: dt.date, days: str) -> list[dt.date]:
    """The dates of [starts_on, ends_on] to staff: ``all``, ``rest`` (weekends, holidays) or ``working``."""
    calendar = load_calendar(starts_on, ends_on, jurisdiction_of(organization))
    dates = [starts_on + dt.timedelta(days=i) for i in range((ends_on - starts_on).days + 1)]
    if days == "all":
        return dates
    want_working = days == "working"
    return [d for d in dates if calendar.classify(d).counted == want_working]


@transaction.atomic
def do_build_roster(
    *,
    organization: Organization,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    people: Sequence[Any],
    leaders: Sequence[Any],
    acting_user: Any,
    days: str = "all",
    shift: str = Shift.ALL_DAY,
    duty_phone: str = "",
    shift_times: dict[str, dt.time] | None = None,
) -> DutyRoster:
    """A regular roster: the chosen days of the range, people and leaders taken in turn."""
    if days not in ("all", "rest", "working"):
        raise RosterError(_("Unknown choice of days."))
    if shift not in Shift.values:
        raise RosterError(_("Unknown shift."))
    people, leaders = list(people), list(leaders)
    roster = _new_roster(
        organization=organization,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        kind=RosterKind.REGULAR,
        acting_user=acting_user,
        shift_times=shift_times,
    )
    _check_rotation(organization, people, leaders)
    slots = _fill(
        roster,
        roster_days(organization, starts_on, ends_on, days),
        people,
        leaders,
        shift=shift,
        duty_phone=duty_phone,
    )
    _log(roster, "built", acting_user, slots=len(slots))
    return roster


def holiday_rest_days(
    year: int,
    holiday_name_or_range: str | tuple[dt.date, dt.date],
    jurisdiction: str = Jurisdiction.NATIONAL,
) -> tuple[str, list[dt.date]]:
    """The rest days of a holiday period of the work calendar, and the holiday's name.

    A name (国庆节, or the English name chinesecalendar uses) selects that holiday's days
    in ``year`` together with the weekend days joined to them; a (first, last) pair
    selects every rest day in that range. Make-up working days (调休) are never rest days.
    """
    if isinstance(holiday_name_or_range, str):
        name = HOLIDAY_NAMES.get(holiday_name_or_range.strip(), holiday_name_or_range.strip())
        steps = year_days(year, jurisdiction)
        hits = [i for i, s in enumerate(steps) if s.category == "holiday" and s.name == name]
        if not hits:
            raise RosterError(
                _("The work calendar has no holiday named %(name)s in %(year)s.")
                % {"name": name, "year": year}
            )
        first, last = hits[0], hits[-1]
        while first > 0 and not steps[first - 1].counted:
            first -= 1
        while last < len(steps) - 1 and not steps[last + 1].counted:
            last += 1
        return name, [s.date for s in steps[first : last + 1] if not s.counted]
    first_day, last_day = holiday_name_or_range
    if last_day < first_day:
        raise RosterError(_("The last day comes before the first day."))
    if (last_day - first_day).days >= MAX_ROSTER_DAYS:
        raise RosterError(_("A roster covers at most a year."))
    calendar = load_calendar(first_day, last_day, jurisdiction)
    days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    steps = [calendar.classify(d) for d in days]
    names = [s.name for s in steps if s.category == "holiday" and s.name]
    rest = [s.date for s in steps if not s.counted]
    if not rest:
        raise RosterError(
            _("There is no rest day between %(first)s and %(last)s.") % {"first": first_day, "last": last_day}
        )
    return (names[0] if names else ""), rest


@transaction.atomic
def do_build_holiday_roster(
    *,
    organization: Organization,
    year: int,
    holiday_name_or_range: str | tuple[dt.date, dt.date],
    people: Sequence[Any],
    leaders: Sequence[Any],
    acting_user: Any,
    title: str = "",
    duty_phone: str = "",
) -> DutyRoster:
    """A holiday roster: every rest day of the holiday period, a leader on duty (带班领导)
    and a person on duty each day, both taken in turn."""
    _require(acting_user, "office.roster.change", organization)
    people, leaders = list(people), list(leaders)
    name, dates = holiday_rest_days(year, holiday_name_or_range, jurisdiction_of(organization))
    roster = _new_roster(
        organization=organization,
        title=title or f"{year}年{name or ''}值班安排",
        starts_on=dates[0],
        ends_on=dates[-1],
        kind=RosterKind.HOLIDAY,
        holiday_name=name,
        acting_user=acting_user,
    )
    _check_rotation(organization, people, leaders)
    slots = _fill(roster, dates, people, leaders, shift=Shift.ALL_DAY, duty_phone=duty_phone)
    _log(roster, "holiday_built", acting_user, slots=len(slots), days=len(dates))
    return roster


def _changeable(roster: DutyRoster, acting_user: Any) -> DutyRoster:
    _require(acting_user, "office.roster.change", roster.organization)
    return DutyRoster.objects.select_for_update(of=("self",)).select_related("organization").get(pk=roster.pk)


@transaction.atomic
def do_add_slot(
    roster: DutyRoster,
    *,
    date: dt.date,
    person: Any,
    acting_user: Any,
    shift: str = Shift.ALL_DAY,
    is_leader: bool = False,
    phone: str = "",
    note: str = "",
) -> DutySlot:
    locked = _changeable(roster, acting_user)
    if not locked.starts_on <= date <= locked.ends_on:
        raise RosterError(_("The date is outside the roster."))
    if shift not in Shift.values:
        raise RosterError(_("Unknown shift."))
    _check_members(locked.organization, [person])
    if DutySlot.objects.filter(roster=locked, date=date, shift=shift, person=person).exists():
        raise RosterError(_("%(name)s is already on that shift.") % {"name": person.get_full_name()})
    slot = DutySlot.objects.create(
        roster=locked,
        date=date,
        shift=shift,
        person=person,
        is_leader=is_leader,
        phone=phone.strip() or person.phone,
        note=note.strip(),
    )
    _log(locked, "slot_added", acting_user, slot=slot.pk)
    return slot


@transaction.atomic
def do_remove_slot(slot: DutySlot, *, acting_user: Any) -> None:
    locked = _changeable(slot.roster, acting_user)
    row = DutySlot.objects.select_for_update().get(pk=slot.pk)
    if row.date < _today():
        raise RosterError(_("A past duty cannot be removed."))
    if (
        DutyLog.objects.filter(slot=row).exists()
        or DutySwap.objects.filter(Q(slot_from=row) | Q(slot_to=row)).exists()
    ):
        raise RosterError(_("This duty has logs or swap requests and stays on the roster."))
    row.delete()
    _log(locked, "slot_removed", acting_user, slot=slot.pk)


@transaction.atomic
def do_publish_roster(roster: DutyRoster, *, acting_user: Any) -> DutyRoster:
    locked = _changeable(roster, acting_user)
    if locked.published_at is None:
        if not locked.slots.exists():
            raise RosterError(_("An empty roster cannot be published."))
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at"])
        _log(locked, "published", acting_user)
    return locked


# --- Swaps ---------------------------------------------------------------------------------


def _already_swapped(slot_ids: Sequence[int], *, exclude: int | None = None) -> bool:
    qs = DutySwap.objects.filter(
        Q(slot_from__in=slot_ids) | Q(slot_to__in=slot_ids), status=SwapStatus.APPROVED
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def _check_swappable(slot_from: DutySlot, slot_to: DutySlot | None, *, exclude: int | None = None) -> None:
    today = _today()
    slots = [slot_from] if slot_to is None else [slot_from, slot_to]
    if any(s.date < today for s in slots):
        raise RosterError(_("A duty in the past cannot be swapped."))
    if _already_swapped([s.pk for s in slots], exclude=exclude):
        raise RosterError(_("This duty has been swapped already."))


@transaction.atomic
def do_request_swap(
    slot_from: DutySlot,
    *,
    reason: str,
    acting_user: Any,
    slot_to: DutySlot | None = None,
    target_user: Any = None,
) -> DutySwap:
    """Ask to swap one's duty with another slot of the roster, or to hand it to someone."""
    locked = (
        DutySlot.objects.select_for_update(of=("self",))
        .select_related("roster__organization")
        .get(pk=slot_from.pk)
    )
    roster = locked.roster
    if locked.person_id != acting_user.pk:
        raise PermissionDenied(_("Only the person on duty may ask to swap it."))
    if roster.published_at is None:
        raise RosterError(_("The roster is not published yet; ask its editor to change it."))
    if (slot_to is None) == (target_user is None):
        raise RosterError(_("Choose either a duty to swap with or a person to hand over to."))
    reason = reason.strip()
    if not reason:
        raise RosterError(_("Give a reason for the swap."))
    if slot_to is not None:
        slot_to = DutySlot.objects.select_related("person").get(pk=slot_to.pk)
        if slot_to.roster_id != roster.pk:
            raise RosterError(_("Swap only with a duty of the same roster."))
        if slot_to.person_id == acting_user.pk:
            raise RosterError(_("Choose a duty of someone else."))
        if (slot_to.date, slot_to.shift) == (locked.date, locked.shift):
            raise RosterError(_("That duty is on the same shift already."))
        if slot_to.is_leader != locked.is_leader:
            raise RosterError(_("A leader's duty is swapped with another leader's duty only."))
    else:
        if target_user.pk == acting_user.pk:
            raise RosterError(_("Choose someone else to hand over to."))
        _check_members(roster.organization, [target_user])
    _check_swappable(locked, slot_to)
    pending = Q(slot_from=locked) | Q(slot_to=locked)
    if slot_to is not None:
        pending |= Q(slot_from=slot_to) | Q(slot_to=slot_to)
    if DutySwap.objects.filter(pending, status=SwapStatus.PENDING).exists():
        raise RosterError(_("A swap of this duty is already awaiting approval."))
    swap = DutySwap.objects.create(
        slot_from=locked,
        slot_to=slot_to,
        target_user=target_user,
        requested_by=acting_user,
        reason=reason[:200],
    )
    _log(roster, "swap_requested", acting_user, swap=swap.pk)
    return swap


def _phone_after(slot: DutySlot, old: Any, new: Any) -> str:
    """A slot that listed the old person's own phone lists the new person's; a duty line stays."""
    return new.phone if slot.phone == old.phone else slot.phone


@transaction.atomic
def do_decide_swap(swap: DutySwap, *, approve: bool, acting_user: Any, note: str = "") -> DutySwap:
    """Approve (exchange the people, atomically) or reject a pending swap."""
    locked = DutySwap.objects.select_for_update().get(pk=swap.pk)
    slot_ids = sorted(filter(None, [locked.slot_from_id, locked.slot_to_id]))
    # Lock both slots, always in the same order, before reading them.
    slots = {
        s.pk: s
        for s in DutySlot.objects.select_for_update(of=("self",))
        .select_related("roster__organization", "person")
        .filter(pk__in=slot_ids)
        .order_by("pk")
    }
    slot_from = slots[locked.slot_from_id]
    slot_to = slots.get(locked.slot_to_id) if locked.slot_to_id else None
    roster = slot_from.roster
    _require(acting_user, "office.roster.approve", roster.organization)
    if locked.status != SwapStatus.PENDING:
        raise RosterError(_("This swap request was decided already."))
    if locked.requested_by_id == acting_user.pk:
        raise RosterError(_("Someone else approves your own swap request."))
    if approve:
        _check_swappable(slot_from, slot_to, exclude=locked.pk)
        if slot_from.person_id != locked.requested_by_id:
            raise RosterError(_("The duty has changed hands since the request."))
        if slot_to is not None:
            _exchange(slot_from, slot_to)
        else:
            _hand_over(slot_from, locked.target_user)
    locked.status = SwapStatus.APPROVED if approve else SwapStatus.REJECTED
    locked.decided_by = acting_user
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()[:200]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _log(roster, "swap_approved" if approve else "swap_rejected", acting_user, swap=locked.pk)
    return locked


def _clashes(slot: DutySlot, person: Any, *, besides: Sequence[int]) -> bool:
    return (
        DutySlot.objects.filter(roster_id=slot.roster_id, date=slot.date, shift=slot.shift, person=person)
        .exclude(pk__in=besides)
        .exists()
    )


def _exchange(a: DutySlot, b: DutySlot) -> None:
    pa, pb = a.person, b.person
    if _clashes(a, pb, besides=[a.pk, b.pk]) or _clashes(b, pa, besides=[a.pk, b.pk]):
        raise RosterError(_("The swap would put someone on the same shift twice."))
    a.phone, b.phone = _phone_after(a, pa, pb), _phone_after(b, pb, pa)
    a.person, b.person = pb, pa
    a.save(update_fields=["person", "phone"])
    b.save(update_fields=["person", "phone"])


def _hand_over(slot: DutySlot, target: Any) -> None:
    if not target.is_active:
        raise RosterError(_("%(name)s can no longer take duties.") % {"name": target.get_full_name()})
    if _clashes(slot, target, besides=[slot.pk]):
        raise RosterError(_("%(name)s is already on that shift.") % {"name": target.get_full_name()})
    slot.phone = _phone_after(slot, slot.person, target)
    slot.person = target
    slot.save(update_fields=["person", "phone"])


# --- Duty logs -----------------------------------------------------------------------------


@transaction.atomic
def do_write_duty_log(
    slot: DutySlot,
    *,
    text: str,
    acting_user: Any,
    incidents: str = "",
    handed_over_to: Any = None,
) -> DutyLog:
    """Append a log entry to a duty (by the person on duty or a roster editor); entries never change."""
    roster = slot.roster
    if slot.person_id != acting_user.pk and not has_permission(
        acting_user, "office.roster.change", roster.organization
    ):
        raise PermissionDenied(_("Only the person on duty writes this duty's log."))
    if slot.date > _today():
        raise RosterError(_("This duty has not started yet."))
    text = text.strip()
    if not text:
        raise RosterError(_("The log is empty."))
    if handed_over_to is not None:
        _check_members(roster.organization, [handed_over_to])
    entry = DutyLog.objects.create(
        slot=slot, author=acting_user, text=text, incidents=incidents.strip(), handed_over_to=handed_over_to
    )
    _log(roster, "log_written", acting_user, slot=slot.pk, log=entry.pk)
    return entry


# --- Reads ---------------------------------------------------------------------------------


def duty_phone_slots(user: Any, dates: Sequence[dt.date]) -> QuerySet[DutySlot]:
    """Published slots on ``dates`` of units where ``user`` holds office.roster.view (phones included)."""
    scope = (
        scope_q(user, "office.roster.view", field="roster__organization") if user.is_authenticated else None
    )
    if scope is None:
        return DutySlot.objects.none()
    return (
        DutySlot.objects.filter(scope, date__in=list(dates), roster__published_at__isnull=False)
        .select_related("person", "roster", "roster__organization")
        .order_by("roster__organization__path", "date", "-is_leader", "shift", "pk")
    )
