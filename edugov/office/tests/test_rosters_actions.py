"""Duty rosters (IN-7): holiday rosters from the work calendar, swaps, duty logs, phone lists."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.utils import timezone

from edugov.core.choices import Jurisdiction
from edugov.core.models import AuditEntry, CalendarDay
from edugov.office.actions import rosters as roster_actions
from edugov.office.actions.rosters import (
    RosterError,
    do_add_slot,
    do_build_holiday_roster,
    do_build_roster,
    do_decide_swap,
    do_publish_roster,
    do_remove_slot,
    do_request_swap,
    do_write_duty_log,
    duty_phone_slots,
    holiday_rest_days,
)
from edugov.office.models import DutyLog, DutyRoster, DutySlot, DutySwap, ImmutableError
from edugov.office.todos_meetings import DutyTomorrow, SwapsToApprove
from edugov.platform.testing.fixtures import build_tree, make_user

pytestmark = pytest.mark.django_db


def day(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def _people(tree):
    return {
        "clerk": make_user("ts_clerk", unit=tree.tianshan, role="office_clerk"),
        "leader": make_user("ts_leader", unit=tree.tianshan, role="bureau_leader", phone="13900000001"),
        "leader2": make_user("ts_leader2", unit=tree.tianshan, role="bureau_leader", phone="13900000002"),
        "a": make_user("ts_a", unit=tree.tianshan, role="bureau_staff", phone="13800000001"),
        "b": make_user("ts_b", unit=tree.tianshan, role="bureau_staff", phone="13800000002"),
        "c": make_user("ts_c", unit=tree.tianshan, role="bureau_staff", phone="13800000003"),
        "kashi": make_user("kashi_staff", unit=tree.kashgar, role="bureau_staff", phone="13700000001"),
    }


@pytest.fixture
def people(tree):
    return _people(tree)


def build(tree, people, *, first=1, last=4, publish=True, **extra):
    roster = do_build_roster(
        organization=tree.tianshan,
        title=extra.pop("title", "十二月值班表"),
        starts_on=day(first),
        ends_on=day(last),
        people=extra.pop("persons", [people["a"], people["b"], people["c"]]),
        leaders=extra.pop("leaders", [people["leader"], people["leader2"]]),
        acting_user=people["clerk"],
        **extra,
    )
    if publish:
        do_publish_roster(roster, acting_user=people["clerk"])
    return roster


def slot_of(roster, person, date):
    return DutySlot.objects.get(roster=roster, person=person, date=date)


# --- Building rosters ----------------------------------------------------------------------


def test_national_day_2026_roster_covers_the_rest_days_of_the_calendar(tree, people):
    calendar_days = set(
        CalendarDay.objects.filter(
            jurisdiction=Jurisdiction.NATIONAL, name="国庆节", date__year=2026, kind="holiday"
        ).values_list("date", flat=True)
    )
    assert calendar_days == {dt.date(2026, 10, d) for d in range(1, 8)}  # the shipped calendar: 1–7 October
    roster = do_build_holiday_roster(
        organization=tree.tianshan,
        year=2026,
        holiday_name_or_range="国庆节",
        people=[people["a"], people["b"], people["c"]],
        leaders=[people["leader"], people["leader2"]],
        acting_user=people["clerk"],
    )
    assert (roster.kind, roster.holiday_name) == ("holiday", "国庆节")
    assert (roster.starts_on, roster.ends_on) == (dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    assert roster.title == "2026年国庆节值班安排"
    slots = list(roster.slots.order_by("date", "-is_leader"))
    dates = sorted({s.date for s in slots})
    assert dates == sorted(calendar_days)
    assert dt.date(2026, 10, 10) not in dates  # a make-up working day 调休 is no rest day
    leaders = [s.person.username for s in slots if s.is_leader]
    staff = [s.person.username for s in slots if not s.is_leader]
    assert leaders == ["ts_leader", "ts_leader2"] * 3 + ["ts_leader"]
    assert staff == ["ts_a", "ts_b", "ts_c"] * 2 + ["ts_a"]
    assert all(s.shift == "all_day" for s in slots)
    assert {s.phone for s in slots if s.person == people["a"]} == {"13800000001"}
    entry = AuditEntry.objects.filter(event_type="office.roster_changed").latest("seq")
    assert entry.extra_data["operation"] == "holiday_built"
    assert "13800000001" not in str(entry.extra_data)


def test_holiday_by_english_name_and_by_range(tree, people):
    name, dates = holiday_rest_days(2026, "National Day")
    assert name == "国庆节"
    assert dates == [dt.date(2026, 10, d) for d in range(1, 8)]
    name, dates = holiday_rest_days(2026, (dt.date(2026, 9, 25), dt.date(2026, 10, 10)))
    assert name == "中秋节"
    assert dates == [dt.date(2026, 9, d) for d in (25, 26, 27)] + [dt.date(2026, 10, d) for d in range(1, 8)]
    # Spring Festival 2026: the listed days run 15–23 February, Sunday the 15th included.
    name, dates = holiday_rest_days(2026, "春节")
    assert dates[0] == dt.date(2026, 2, 15)
    assert dates[-1] == dt.date(2026, 2, 23)


def test_unknown_holiday_and_people_from_elsewhere_are_refused(tree, people):
    with pytest.raises(RosterError):
        holiday_rest_days(2026, "圣诞节")
    with pytest.raises(RosterError):
        do_build_holiday_roster(
            organization=tree.tianshan,
            year=2026,
            holiday_name_or_range="国庆节",
            people=[people["a"], people["kashi"]],
            leaders=[people["leader"]],
            acting_user=people["clerk"],
        )
    with pytest.raises(RosterError):
        do_build_holiday_roster(
            organization=tree.tianshan,
            year=2026,
            holiday_name_or_range="国庆节",
            people=[people["a"]],
            leaders=[],
            acting_user=people["clerk"],
        )
    with pytest.raises(PermissionDenied):
        do_build_holiday_roster(
            organization=tree.tianshan,
            year=2026,
            holiday_name_or_range="国庆节",
            people=[people["a"]],
            leaders=[people["leader"]],
            acting_user=people["a"],
        )
    assert not DutyRoster.objects.exists()


def test_regular_roster_on_rest_days_with_shift_times(tree, people):
    roster = do_build_roster(
        organization=tree.tianshan,
        title="周末值班",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 31),
        people=[people["a"], people["b"]],
        leaders=[people["leader"]],
        days="rest",
        shift="night",
        duty_phone="0991-1234567",
        shift_times={"night_starts": dt.time(17, 30)},
        acting_user=people["clerk"],
    )
    dates = sorted({s.date for s in roster.slots.all()})
    assert dates == [dt.date(2026, 12, d) for d in (5, 6, 12, 13, 19, 20, 26, 27)]
    staff = roster.slots.filter(is_leader=False)
    assert {s.shift for s in staff} == {"night"}
    assert {s.phone for s in staff} == {"0991-1234567"}
    assert roster.night_starts == dt.time(17, 30)
    assert roster.shift_hours("night") == (dt.time(17, 30), dt.time(8, 30))


def test_slots_publishing_and_removal(tree, people):
    roster = build(tree, people, publish=False)
    with pytest.raises(RosterError):
        do_add_slot(roster, date=day(30), person=people["a"], acting_user=people["clerk"])  # outside
    with pytest.raises(RosterError):
        do_add_slot(roster, date=day(1), person=people["kashi"], acting_user=people["clerk"])
    extra = do_add_slot(
        roster, date=day(1), person=people["c"], shift="night", note="备勤", acting_user=people["clerk"]
    )
    assert extra.phone == "13800000003"
    with pytest.raises(RosterError):
        do_add_slot(roster, date=day(1), person=people["c"], shift="night", acting_user=people["clerk"])
    do_remove_slot(extra, acting_user=people["clerk"])
    assert not DutySlot.objects.filter(pk=extra.pk).exists()
    do_publish_roster(roster, acting_user=people["clerk"])
    assert DutyRoster.objects.get(pk=roster.pk).published_at is not None
    with pytest.raises(PermissionDenied):
        do_publish_roster(roster, acting_user=people["a"])


# --- Swaps ---------------------------------------------------------------------------------


def test_approved_swap_exchanges_people_and_their_phones(tree, people):
    roster = build(tree, people)
    mine, theirs = slot_of(roster, people["a"], day(1)), slot_of(roster, people["b"], day(2))
    swap = do_request_swap(mine, slot_to=theirs, reason="家中有事", acting_user=people["a"])
    assert SwapsToApprove().count(people["leader"], None) == 1
    assert SwapsToApprove().count(people["a"], None) == 0
    with pytest.raises(RosterError):  # one pending request per duty
        do_request_swap(mine, target_user=people["c"], reason="再来", acting_user=people["a"])
    do_decide_swap(swap, approve=True, acting_user=people["leader"])
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.person, mine.phone) == (people["b"], "13800000002")
    assert (theirs.person, theirs.phone) == (people["a"], "13800000001")
    swap.refresh_from_db()
    assert (swap.status, swap.decided_by) == ("approved", people["leader"])
    assert SwapsToApprove().count(people["leader"], None) == 0
    # Swapped once: neither duty can be swapped again.
    with pytest.raises(RosterError):
        do_request_swap(theirs, target_user=people["c"], reason="又有事", acting_user=people["a"])


def test_hand_over_and_rejection(tree, people):
    roster = build(tree, people)
    mine = slot_of(roster, people["a"], day(1))
    swap = do_request_swap(mine, target_user=people["c"], reason="出差", acting_user=people["a"])
    do_decide_swap(swap, approve=False, note="人手不足", acting_user=people["leader"])
    mine.refresh_from_db()
    assert mine.person == people["a"]
    assert DutySwap.objects.get(pk=swap.pk).status == "rejected"
    with pytest.raises(RosterError):
        do_decide_swap(swap, approve=True, acting_user=people["leader"])  # decided already
    again = do_request_swap(mine, target_user=people["c"], reason="出差", acting_user=people["a"])
    do_decide_swap(again, approve=True, acting_user=people["leader"])
    mine.refresh_from_db()
    assert (mine.person, mine.phone) == (people["c"], "13800000003")


def test_swap_refusals(tree, people):
    roster = build(tree, people, first=-1, last=3)
    past = slot_of(roster, people["a"], day(-1))
    future = slot_of(roster, people["b"], day(0))
    with pytest.raises(RosterError):
        do_request_swap(past, slot_to=future, reason="补", acting_user=people["a"])
    a_next = slot_of(roster, people["a"], day(2))
    with pytest.raises(PermissionDenied):  # only the person on duty asks
        do_request_swap(a_next, slot_to=future, reason="代", acting_user=people["b"])
    leader_slot = DutySlot.objects.get(roster=roster, date=day(1), is_leader=True)
    with pytest.raises(RosterError):  # a leader's duty goes to a leader only
        do_request_swap(a_next, slot_to=leader_slot, reason="换", acting_user=people["a"])
    with pytest.raises(RosterError):
        do_request_swap(a_next, target_user=people["kashi"], reason="换", acting_user=people["a"])
    swap = do_request_swap(a_next, slot_to=future, reason="换", acting_user=people["a"])
    with pytest.raises(PermissionDenied):
        do_decide_swap(swap, approve=True, acting_user=people["c"])  # no approve permission
    draft = build(tree, people, publish=False, title="草稿")
    with pytest.raises(RosterError):
        do_request_swap(
            slot_of(draft, people["a"], day(1)), target_user=people["c"], reason="x", acting_user=people["a"]
        )


def test_an_approver_cannot_approve_their_own_request(tree, people):
    roster = build(tree, people, leaders=[people["leader"]])
    mine = slot_of(roster, people["leader"], day(1))
    other = slot_of(roster, people["leader"], day(2))
    assert mine.is_leader
    assert other.is_leader
    swap = do_request_swap(mine, target_user=people["leader2"], reason="开会", acting_user=people["leader"])
    with pytest.raises(RosterError):
        do_decide_swap(swap, approve=True, acting_user=people["leader"])
    do_decide_swap(swap, approve=True, acting_user=people["leader2"])
    mine.refresh_from_db()
    assert (mine.person, mine.phone) == (people["leader2"], "13900000002")


def test_swap_approval_is_all_or_nothing(tree, people, monkeypatch):
    roster = build(tree, people)
    mine, theirs = slot_of(roster, people["a"], day(1)), slot_of(roster, people["b"], day(2))
    swap = do_request_swap(mine, slot_to=theirs, reason="换班", acting_user=people["a"])

    def fail(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(roster_actions, "log_event", fail)
    with pytest.raises(RuntimeError):
        do_decide_swap(swap, approve=True, acting_user=people["leader"])
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.person, theirs.person) == (people["a"], people["b"])
    assert DutySwap.objects.get(pk=swap.pk).status == "pending"


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_exchange_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (SELECT ... FOR UPDATE) and concurrent writers: PostgreSQL only")
    tree = build_tree()
    people = _people(tree)
    roster = build(tree, people)
    mine, theirs = slot_of(roster, people["a"], day(1)), slot_of(roster, people["b"], day(2))
    swap = do_request_swap(mine, slot_to=theirs, reason="换班", acting_user=people["a"])
    results: list = []
    barrier = threading.Barrier(2)

    def approve(user):
        try:
            barrier.wait(timeout=10)
            do_decide_swap(DutySwap.objects.get(pk=swap.pk), approve=True, acting_user=user)
            results.append("ok")
        except RosterError:
            results.append("refused")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(people[k],)) for k in ("leader", "leader2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, results)) == ["ok", "refused"]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.person, theirs.person) == (people["b"], people["a"])  # exchanged exactly once


# --- Logs, phones, to-dos ------------------------------------------------------------------


def test_duty_logs_are_append_only(tree, people):
    roster = build(tree, people, first=0, last=2)
    today_slot = slot_of(roster, people["a"], day(0))
    entry = do_write_duty_log(
        today_slot,
        text="夜间巡查正常",
        incidents="22:10 接群众来电一次",
        handed_over_to=people["b"],
        acting_user=people["a"],
    )
    entry.text = "改写"
    with pytest.raises(ImmutableError):
        entry.save()
    with pytest.raises(ImmutableError):
        entry.delete()
    assert DutyLog.objects.get(pk=entry.pk).text == "夜间巡查正常"
    with pytest.raises(PermissionDenied):
        do_write_duty_log(today_slot, text="不是我的班", acting_user=people["b"])
    with pytest.raises(RosterError):
        do_write_duty_log(slot_of(roster, people["b"], day(1)), text="明天的", acting_user=people["b"])
    second = do_write_duty_log(today_slot, text="补记：09:00 交班", acting_user=people["clerk"])
    assert list(DutyLog.objects.filter(slot=today_slot).values_list("pk", flat=True)) == [entry.pk, second.pk]
    with pytest.raises(RosterError):  # a slot with logs stays on the roster
        do_remove_slot(today_slot, acting_user=people["clerk"])


def test_phone_list_shows_today_and_tomorrow_in_scope_only(tree, people):
    build(tree, people, first=0, last=3)
    build(tree, people, first=0, last=3, publish=False, title="草稿")
    kashi_clerk = make_user("kashi_clerk", unit=tree.kashgar, role="office_clerk")
    kashi_roster = do_build_roster(
        organization=tree.kashgar,
        title="喀什值班",
        starts_on=day(0),
        ends_on=day(1),
        people=[people["kashi"]],
        leaders=[people["kashi"]],
        acting_user=kashi_clerk,
    )
    do_publish_roster(kashi_roster, acting_user=kashi_clerk)
    dates = [day(0), day(1)]
    mine = list(duty_phone_slots(people["b"], dates))
    assert {s.date for s in mine} == set(dates)
    assert {s.roster.title for s in mine} == {"十二月值班表"}
    assert len(mine) == 4  # a leader and a person for each of the two days
    province = make_user("prov_staff", unit=tree.province, role="bureau_staff")
    assert {s.roster.organization for s in duty_phone_slots(province, dates)} == {tree.tianshan, tree.kashgar}
    outsider = make_user("plain", unit=tree.tianshan)
    assert not duty_phone_slots(outsider, dates).exists()
    assert {s.roster.organization for s in duty_phone_slots(people["kashi"], dates)} == {tree.kashgar}


def test_duty_tomorrow_todo(tree, people):
    build(tree, people, first=1, last=3)
    todo = DutyTomorrow()
    assert todo.count(people["a"], None) == 1
    [item] = todo.items(people["a"], None)
    assert "十二月值班表" in item.title
    assert item.due == day(1)
    assert todo.count(people["b"], None) == 0
    [lead] = todo.items(people["leader"], None)
    assert lead.detail
