"""Meetings (IN-6): booking without double booking, answers, reminders, minutes and decisions."""

from __future__ import annotations

import datetime as dt
import importlib
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.utils import timezone, translation

from edugov.core.models import AuditEntry
from edugov.office.actions.meetings import (
    AgendaEntry,
    MeetingError,
    RoomClash,
    attendance_counts,
    do_add_decision,
    do_approve_minutes,
    do_call_meeting,
    do_cancel_meeting,
    do_check_in_attendee,
    do_create_room,
    do_record_minutes,
    do_remind_attendees,
    do_reschedule_meeting,
    do_respond_to_meeting,
    do_supervise_decision,
)
from edugov.office.models import Meeting, MeetingAttendee, MeetingRoom
from edugov.office.todos_meetings import MeetingsToAnswer
from edugov.platform.testing.fixtures import build_tree, make_user

pytestmark = pytest.mark.django_db


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """An aware time ``days`` from today at hour:minute (Asia/Shanghai)."""
    date = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(date, dt.time(hour, minute)))


@pytest.fixture
def people(tree):
    clerk = make_user("ts_clerk", unit=tree.tianshan, role="office_clerk")
    return {
        "clerk": clerk,
        "teacher": make_user("ts_teacher", unit=tree.school_tianshan, role="teacher"),
        "deputy": make_user("ts_deputy", unit=tree.school_tianshan, role="teacher"),
        "staff": make_user("ts_staff", unit=tree.tianshan, role="bureau_staff"),
        "kashi": make_user("kashi_t", unit=tree.school_kashi, role="teacher"),
    }


@pytest.fixture
def room(tree, people):
    return do_create_room(
        organization=tree.tianshan,
        name="第一会议室",
        capacity=30,
        has_video=True,
        acting_user=people["clerk"],
    )


def call(tree, people, room=None, *, starts=None, ends=None, title="教育工作会", **extra):
    return do_call_meeting(
        organization=tree.tianshan,
        title=title,
        starts_at=starts or at(1, 9),
        ends_at=ends or at(1, 11),
        room=room,
        attendees=extra.pop("attendees", [people["teacher"], people["staff"]]),
        acting_user=extra.pop("acting_user", people["clerk"]),
        **extra,
    )


# --- Booking -------------------------------------------------------------------------------


def test_calling_a_meeting_books_the_room_and_invites(tree, people, room):
    meeting = call(
        tree,
        people,
        room,
        agenda=[AgendaEntry("传达会议精神", "局长", 20), ("部署秋季开学工作", "", None)],
        optional_attendees=[people["deputy"]],
    )
    assert meeting.room == room
    assert [(a.position, a.title, a.minutes_allotted) for a in meeting.agenda_items.all()] == [
        (1, "传达会议精神", 20),
        (2, "部署秋季开学工作", None),
    ]
    rows = {a.user.username: a for a in meeting.attendees.select_related("user", "unit")}
    assert set(rows) == {"ts_teacher", "ts_staff", "ts_deputy"}
    assert rows["ts_teacher"].unit == tree.school_tianshan
    assert rows["ts_deputy"].role == "optional"
    assert all(a.response == "pending" for a in rows.values())
    entry = AuditEntry.objects.filter(event_type="office.meeting_changed").latest("seq")
    assert entry.extra_data["operation"] == "called"
    assert entry.extra_data["meeting"] == meeting.pk


def test_overlapping_booking_is_refused_naming_the_meeting_and_time(tree, people, room):
    call(tree, people, room, title="教育工作会")
    with translation.override("en"), pytest.raises(RoomClash) as refused:
        call(tree, people, room, starts=at(1, 10, 30), ends=at(1, 12), title="另一个会")
    message = str(refused.value)
    assert "already booked" in message
    assert "教育工作会" in message
    assert at(1, 9).strftime("%Y-%m-%d") + " 09:00" in message
    assert "11:00" in message
    assert Meeting.objects.filter(title="另一个会").count() == 0


@pytest.mark.parametrize(
    ("start", "end"),
    [((1, 8), (1, 9, 30)), ((1, 10), (1, 10, 30)), ((1, 8), (1, 12)), ((1, 10, 59), (1, 13))],
)
def test_every_kind_of_overlap_clashes(tree, people, room, start, end):
    call(tree, people, room)
    with pytest.raises(RoomClash):
        call(tree, people, room, starts=at(*start), ends=at(*end), title="x")


def test_back_to_back_and_cancelled_meetings_do_not_clash(tree, people, room):
    first = call(tree, people, room)
    call(tree, people, room, starts=at(1, 11), ends=at(1, 12), title="紧接着")  # starts when the first ends
    call(tree, people, room, starts=at(1, 8), ends=at(1, 9), title="之前")
    do_cancel_meeting(first, acting_user=people["clerk"], reason="改期")
    again = call(tree, people, room, starts=at(1, 9, 30), ends=at(1, 10, 30), title="改用")
    assert again.room == room


def test_reschedule_checks_the_new_slot_but_not_against_itself(tree, people, room):
    first = call(tree, people, room)
    second = call(tree, people, room, starts=at(1, 14), ends=at(1, 15), title="下午")
    moved = do_reschedule_meeting(
        first, starts_at=at(1, 9, 30), ends_at=at(1, 11, 30), room=room, acting_user=people["clerk"]
    )
    assert moved.starts_at == at(1, 9, 30)
    with pytest.raises(RoomClash):
        do_reschedule_meeting(
            first, starts_at=at(1, 14, 30), ends_at=at(1, 16), room=room, acting_user=people["clerk"]
        )
    assert Meeting.objects.get(pk=second.pk).starts_at == at(1, 14)


def test_a_room_serves_its_unit_and_the_units_below_only(tree, people, room):
    kashi_clerk = make_user("kashi_clerk", unit=tree.kashgar, role="office_clerk")
    with pytest.raises(MeetingError):
        do_call_meeting(
            organization=tree.kashgar,
            title="喀什的会",
            starts_at=at(1, 9),
            ends_at=at(1, 10),
            room=room,
            acting_user=kashi_clerk,
        )
    school_admin = make_user("school_admin", unit=tree.school_tianshan, role="school_admin")
    meeting = do_call_meeting(
        organization=tree.school_tianshan,
        title="学校的会",
        starts_at=at(2, 9),
        ends_at=at(2, 10),
        room=room,
        acting_user=school_admin,
    )
    assert meeting.room == room


def test_inactive_room_and_bad_times_are_refused(tree, people, room):
    with pytest.raises(MeetingError):
        call(tree, people, room, starts=at(1, 11), ends=at(1, 9))
    with pytest.raises(MeetingError):
        call(tree, people, room, starts=at(-1, 9), ends=at(-1, 10))
    from edugov.office.actions.meetings import do_set_room_active

    do_set_room_active(room, active=False, acting_user=people["clerk"])
    with pytest.raises(MeetingError):
        call(tree, people, room)


def test_remote_links_must_be_http(tree, people):
    for url in ("javascript:alert(1)", "ftp://example.com/x", "data:text/html,hi", "not a url"):
        with pytest.raises(MeetingError):
            call(tree, people, kind="remote", remote_url=url)
    with pytest.raises(MeetingError):
        call(tree, people, kind="remote")
    meeting = call(
        tree,
        people,
        kind="remote",
        remote_url="https://meeting.example.cn/j/123",
        remote_meeting_id="123 456",
    )
    assert meeting.is_remote


def test_calling_needs_the_add_permission_and_invitees_in_scope(tree, people):
    with pytest.raises(PermissionDenied):
        call(tree, people, acting_user=people["teacher"], place="礼堂")
    with pytest.raises(MeetingError) as refused:
        call(tree, people, attendees=[people["kashi"]], place="礼堂")
    assert "kashi_t" in str(refused.value)


def test_room_names_are_unique_per_unit_and_need_manage(tree, people, room):
    with pytest.raises(MeetingError):
        do_create_room(organization=tree.tianshan, name="第一会议室", acting_user=people["clerk"])
    with pytest.raises(PermissionDenied):
        do_create_room(organization=tree.tianshan, name="小会议室", acting_user=people["staff"])
    assert MeetingRoom.objects.filter(organization=tree.tianshan).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot_leave_one_meeting():
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (SELECT ... FOR UPDATE) and concurrent writers: PostgreSQL only")
    tree = build_tree()
    clerks = [make_user(f"clerk{i}", unit=tree.tianshan, role="office_clerk") for i in range(2)]
    room = do_create_room(organization=tree.tianshan, name="大会议室", acting_user=clerks[0])
    results: list = []
    barrier = threading.Barrier(2)

    def book(user, title):
        try:
            barrier.wait(timeout=10)
            do_call_meeting(
                organization=tree.tianshan,
                title=title,
                starts_at=at(1, 9),
                ends_at=at(1, 10),
                room=room,
                acting_user=user,
                place="",
            )
            results.append("ok")
        except RoomClash:
            results.append("clash")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(user, f"会议{i}")) for i, user in enumerate(clerks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, results)) == ["clash", "ok"]
    assert Meeting.objects.filter(room=room).count() == 1


# --- Attendance ----------------------------------------------------------------------------


def test_answers_update_the_counts_and_clear_the_todo(tree, people, room):
    meeting = call(tree, people, room)
    todo = MeetingsToAnswer()
    assert todo.count(people["teacher"], None) == 1
    [item] = todo.items(people["teacher"], None)
    assert "教育工作会" in item.title
    assert item.url.endswith(f"/meetings/{meeting.pk}/respond/")
    do_respond_to_meeting(meeting, response="accepted", acting_user=people["teacher"])
    assert todo.count(people["teacher"], None) == 0
    with pytest.raises(MeetingError):
        do_respond_to_meeting(meeting, response="declined", acting_user=people["staff"])  # no reason
    do_respond_to_meeting(meeting, response="declined", reason="出差", acting_user=people["staff"])
    counts = attendance_counts(meeting)
    assert (counts["accepted"], counts["declined"], counts["pending"]) == (1, 1, 0)
    with pytest.raises(MeetingError):
        do_respond_to_meeting(meeting, response="accepted", acting_user=people["kashi"])  # not invited


def test_delegating_invites_the_delegate(tree, people, room):
    meeting = call(tree, people, room)
    with pytest.raises(MeetingError):  # a delegate comes from the attendee's own unit
        do_respond_to_meeting(
            meeting,
            response="delegated",
            reason="请假",
            delegate=people["kashi"],
            acting_user=people["teacher"],
        )
    answer = do_respond_to_meeting(
        meeting, response="delegated", reason="请假", delegate=people["deputy"], acting_user=people["teacher"]
    )
    assert answer.delegate == people["deputy"]
    row = MeetingAttendee.objects.get(meeting=meeting, user=people["deputy"])
    assert row.delegated_from == answer
    assert row.response == "pending"
    assert row.unit == tree.school_tianshan
    assert MeetingsToAnswer().count(people["deputy"], None) == 1
    assert Meeting.objects.visible_to(people["deputy"]).filter(pk=meeting.pk).exists()
    with pytest.raises(MeetingError):
        do_respond_to_meeting(meeting, response="accepted", acting_user=people["teacher"])


def test_reminders_reach_only_those_who_have_not_answered(tree, people, room):
    meeting = call(tree, people, room)
    do_respond_to_meeting(meeting, response="accepted", acting_user=people["teacher"])
    assert do_remind_attendees(meeting, acting_user=people["clerk"]) == 1
    assert do_remind_attendees(meeting, acting_user=people["clerk"]) == 1
    staff_row = MeetingAttendee.objects.get(meeting=meeting, user=people["staff"])
    assert staff_row.reminder_count == 2
    assert staff_row.reminded_at is not None
    assert MeetingAttendee.objects.get(meeting=meeting, user=people["teacher"]).reminder_count == 0
    [item] = MeetingsToAnswer().items(people["staff"], None)
    assert "2" in item.detail
    with pytest.raises(PermissionDenied):
        do_remind_attendees(meeting, acting_user=people["teacher"])


def test_cancelled_meeting_closes_answers(tree, people, room):
    meeting = call(tree, people, room)
    do_cancel_meeting(meeting, acting_user=people["clerk"])
    assert MeetingsToAnswer().count(people["teacher"], None) == 0
    with pytest.raises(MeetingError):
        do_respond_to_meeting(meeting, response="accepted", acting_user=people["teacher"])


def test_check_in_opens_two_hours_before(tree, people, room):
    later = call(tree, people, room)
    row = MeetingAttendee.objects.get(meeting=later, user=people["teacher"])
    with pytest.raises(MeetingError):
        do_check_in_attendee(row, acting_user=people["teacher"])
    now = timezone.now()
    running = call(
        tree, people, starts=now - dt.timedelta(minutes=5), ends=now + dt.timedelta(hours=1), place="礼堂"
    )
    row = MeetingAttendee.objects.get(meeting=running, user=people["teacher"])
    with pytest.raises(PermissionDenied):  # someone else's row needs the caller
        do_check_in_attendee(row, acting_user=people["deputy"])
    assert do_check_in_attendee(row, acting_user=people["clerk"]).checked_in_at is not None
    assert attendance_counts(running)["checked_in"] == 1


# --- Minutes and decisions -----------------------------------------------------------------


def held_meeting(tree, people):
    now = timezone.now()
    return call(
        tree, people, starts=now - dt.timedelta(hours=1), ends=now + dt.timedelta(minutes=30), place="礼堂"
    )


def test_minutes_only_after_the_start_and_frozen_once_approved(tree, people, room):
    future = call(tree, people, room)
    with pytest.raises(MeetingError):
        do_record_minutes(future, text="纪要", acting_user=people["clerk"])
    meeting = held_meeting(tree, people)
    with pytest.raises(PermissionDenied):
        do_record_minutes(meeting, text="纪要", acting_user=people["teacher"])
    minutes = do_record_minutes(meeting, text="会议纪要初稿", acting_user=people["clerk"])
    assert Meeting.objects.get(pk=meeting.pk).status == "held"
    minutes = do_record_minutes(meeting, text="会议纪要定稿", acting_user=people["clerk"])
    assert minutes.text == "会议纪要定稿"
    first = do_add_decision(
        minutes, text="各校于月底前完成排查", owner_unit=tree.school_tianshan, acting_user=people["clerk"]
    )
    second = do_add_decision(minutes, text="另行通知", acting_user=people["clerk"])
    assert (first.position, second.position) == (1, 2)
    with pytest.raises(MeetingError):
        do_add_decision(minutes, text="喀什", owner_unit=tree.kashgar, acting_user=people["clerk"])
    do_approve_minutes(minutes, acting_user=people["clerk"])
    with pytest.raises(MeetingError):
        do_record_minutes(meeting, text="改", acting_user=people["clerk"])
    with pytest.raises(MeetingError):
        do_add_decision(minutes, text="再加", acting_user=people["clerk"])


def test_decision_becomes_a_supervision_item(tree, people):
    try:
        module = importlib.import_module("edugov.office.actions.supervision")
    except ImportError:
        module = None
    if not hasattr(module, "do_create_supervision_item"):
        pytest.skip("edugov.office.actions.supervision.do_create_supervision_item is not on this branch yet")
    meeting = held_meeting(tree, people)
    minutes = do_record_minutes(meeting, text="纪要", acting_user=people["clerk"])
    incomplete = do_add_decision(minutes, text="没有期限", acting_user=people["clerk"])
    with pytest.raises(MeetingError):
        do_supervise_decision(incomplete, acting_user=people["clerk"])
    due = timezone.localdate() + dt.timedelta(days=20)
    decision = do_add_decision(
        minutes,
        text="完成校舍安全排查",
        owner_unit=tree.school_tianshan,
        due_on=due,
        acting_user=people["clerk"],
    )
    item = do_supervise_decision(decision, acting_user=people["clerk"])
    decision.refresh_from_db()
    assert decision.supervision_ref == item.pk
    assert item.title == "完成校舍安全排查"
    with pytest.raises(MeetingError):
        do_supervise_decision(decision, acting_user=people["clerk"])


def test_supervision_is_refused_cleanly_when_the_module_is_missing(tree, people, monkeypatch):
    from edugov.office.actions import meetings as actions

    monkeypatch.setattr(actions, "supervision_module", lambda: None)
    meeting = held_meeting(tree, people)
    minutes = do_record_minutes(meeting, text="纪要", acting_user=people["clerk"])
    decision = do_add_decision(
        minutes,
        text="事项",
        owner_unit=tree.tianshan,
        due_on=timezone.localdate() + dt.timedelta(days=5),
        acting_user=people["clerk"],
    )
    with pytest.raises(MeetingError):
        do_supervise_decision(decision, acting_user=people["clerk"])
    decision.refresh_from_db()
    assert decision.supervision_ref is None


def test_supervision_is_called_with_the_agreed_arguments(tree, people, monkeypatch):
    """The contract with edugov.office.actions.supervision, checked with a stand-in module."""
    from types import SimpleNamespace

    from edugov.office.actions import meetings as actions

    calls = []

    def create(**kwargs):
        calls.append(kwargs)
        return SimpleNamespace(pk=4242)

    monkeypatch.setattr(
        actions, "supervision_module", lambda: SimpleNamespace(do_create_supervision_item=create)
    )
    meeting = held_meeting(tree, people)
    minutes = do_record_minutes(meeting, text="纪要", acting_user=people["clerk"])
    due = timezone.localdate() + dt.timedelta(days=5)
    decision = do_add_decision(
        minutes, text="落实课后服务", owner_unit=tree.school_tianshan, due_on=due, acting_user=people["clerk"]
    )
    with pytest.raises(PermissionDenied):
        do_supervise_decision(decision, acting_user=people["teacher"])
    assert do_supervise_decision(decision, acting_user=people["clerk"]).pk == 4242
    assert calls == [
        {
            "organization": tree.tianshan,
            "title": "落实课后服务",
            "owner_unit": tree.school_tianshan,
            "due_on": due,
            "acting_user": people["clerk"],
            "description": "落实课后服务",
            "source_kind": "meeting",
            "source_ref": f"office.meetingdecision:{decision.pk}",
            "source_label": meeting.title,
        }
    ]
    decision.refresh_from_db()
    assert decision.supervision_ref == 4242
