"""Meeting pages: the four-caller matrix, scoped lists, bounded queries and the main flows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from edugov.core.models import AuditEntry
from edugov.office.actions.meetings import (
    do_add_decision,
    do_call_meeting,
    do_create_room,
    do_record_minutes,
)
from edugov.office.models import Meeting, MeetingAttendee, MeetingMinutes, MeetingRoom
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    date = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(date, dt.time(hour, minute)))


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def objects(tree):
    clerk = make_user("ts_clerk", unit=tree.tianshan, role="office_clerk")
    invitee = make_user("ts_invitee", unit=tree.school_tianshan, role="teacher")
    room = do_create_room(organization=tree.tianshan, name="第一会议室", capacity=20, acting_user=clerk)
    meeting = do_call_meeting(
        organization=tree.tianshan,
        title="秋季开学工作会",
        starts_at=at(1, 9),
        ends_at=at(1, 11),
        room=room,
        kind="hybrid",
        remote_url="https://meet.example.cn/j/8812",
        remote_passcode="2468",
        agenda=[("部署开学工作", "局长", 30)],
        attendees=[invitee],
        acting_user=clerk,
    )
    now = timezone.now()
    held = do_call_meeting(
        organization=tree.tianshan,
        title="安全工作例会",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
        place="三楼会议室",
        attendees=[invitee],
        acting_user=clerk,
    )
    minutes = do_record_minutes(held, text="会议研究了校园安全工作。", acting_user=clerk)
    decision = do_add_decision(
        minutes,
        text="开展校舍安全排查",
        owner_unit=tree.school_tianshan,
        due_on=timezone.localdate() + dt.timedelta(days=10),
        acting_user=clerk,
    )
    return {
        "clerk": clerk,
        "invitee": invitee,
        "room": room.pk,
        "meeting": meeting.pk,
        "held": held.pk,
        "decision": decision.pk,
    }


# (url name, which object's pk, method, POST data, role needed on the object's unit)
RESTRICTED = [
    ("office:meeting_detail", "meeting", "get", None, "teacher"),
    ("office:meeting_minutes", "held", "get", None, "office_clerk"),
    ("office:meeting_minutes", "held", "post", {"part": "minutes", "text": "改写的纪要"}, "office_clerk"),
    ("office:meeting_remind", "meeting", "post", {}, "office_clerk"),
    ("office:meeting_cancel", "meeting", "post", {"reason": "改期"}, "office_clerk"),
    ("office:minutes_approve", "held", "post", {}, "office_clerk"),
    ("office:decision_supervise", "decision", "post", {}, "office_clerk"),
    ("office:room_schedule", "room", "get", None, "teacher"),
]


def _call(client, name, pk, method, data):
    url = reverse(name, args=[pk])
    return client.post(url, data or {}) if method == "post" else client.get(url)


def _state():
    return (
        AuditEntry.objects.count(),
        list(Meeting.objects.order_by("pk").values_list("status", flat=True)),
        list(MeetingMinutes.objects.values_list("text", "approved_at")),
        list(MeetingAttendee.objects.order_by("pk").values_list("reminder_count", flat=True)),
    )


@pytest.mark.parametrize(("name", "obj", "method", "data", "role"), RESTRICTED)
def test_anonymous_is_sent_to_sign_in(client, objects, name, obj, method, data, role):
    response = _call(client, name, objects[obj], method, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "obj", "method", "data", "role"), RESTRICTED)
def test_user_without_grant_gets_not_found(client, tree, objects, no_mfa, name, obj, method, data, role):
    client.force_login(make_user("plain", unit=tree.tianshan))
    before = _state()
    assert _call(client, name, objects[obj], method, data).status_code == 404
    assert _state() == before


@pytest.mark.parametrize(("name", "obj", "method", "data", "role"), RESTRICTED)
def test_grant_on_another_unit_gets_not_found(client, tree, objects, no_mfa, name, obj, method, data, role):
    client.force_login(make_user("kashi_holder", unit=tree.kashgar, role=role))
    before = _state()
    assert _call(client, name, objects[obj], method, data).status_code == 404
    assert _state() == before


@pytest.mark.parametrize("unit", ["tianshan", "urumqi", "province"])
@pytest.mark.parametrize(("name", "obj", "method", "data", "role"), RESTRICTED)
def test_grant_on_this_unit_or_an_ancestor_is_allowed(
    client, tree, objects, no_mfa, name, obj, method, data, role, unit
):
    client.force_login(make_user("holder", unit=getattr(tree, unit), role=role))
    response = _call(client, name, objects[obj], method, data)
    assert response.status_code in (200, 302)


CREATE_AND_LIST = [
    ("office:meeting_list", "teacher"),
    ("office:room_list", "teacher"),
    ("office:meeting_new", "bureau_staff"),
    ("office:room_new", "office_clerk"),
]


@pytest.mark.parametrize(("name", "role"), CREATE_AND_LIST)
def test_pages_without_an_object(client, tree, objects, no_mfa, name, role):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(make_user("grantless", unit=tree.tianshan))
    assert client.get(reverse(name)).status_code == 404
    client.force_login(make_user("holder", unit=tree.kashgar, role=role))
    assert client.get(reverse(name)).status_code == 200


def test_the_invitation_page_is_for_invitees_only(client, tree, objects, no_mfa):
    url = reverse("office:meeting_respond", args=[objects["meeting"]])
    assert client.get(url).status_code == 302
    client.force_login(make_user("viewer", unit=tree.tianshan, role="teacher"))  # sees it, not invited
    assert client.get(url).status_code == 404
    assert client.post(url, {"response": "accepted"}).status_code == 404
    client.force_login(make_user("kashi_viewer", unit=tree.kashgar, role="teacher"))
    assert client.get(url).status_code == 404
    client.force_login(objects["invitee"])
    assert client.get(url).status_code == 200
    page = client.post(url, {"response": "declined"})
    assert page.status_code == 200  # a reason is needed
    assert (
        MeetingAttendee.objects.get(user=objects["invitee"], meeting_id=objects["meeting"]).response
        == "pending"
    )
    response = client.post(url, {"response": "accepted"})
    assert response.status_code == 302
    assert (
        MeetingAttendee.objects.get(user=objects["invitee"], meeting_id=objects["meeting"]).response
        == "accepted"
    )


def test_an_invitee_without_grants_sees_the_meeting_and_the_list(client, tree, objects, no_mfa):
    guest = make_user("guest", unit=tree.school_tianshan)
    meeting = Meeting.objects.get(pk=objects["meeting"])
    client.force_login(guest)
    assert client.get(reverse("office:meeting_list")).status_code == 404
    MeetingAttendee.objects.create(meeting=meeting, user=guest, unit=tree.school_tianshan)
    assert client.get(reverse("office:meeting_detail", args=[meeting.pk])).status_code == 200
    body = client.get(reverse("office:meeting_list")).content.decode()
    assert "秋季开学工作会" in body
    assert "安全工作例会" not in body  # not invited to that one
    assert client.get(reverse("office:meeting_detail", args=[objects["held"]])).status_code == 404


def test_check_in_by_the_attendee_or_the_caller(client, tree, objects, no_mfa):
    row = MeetingAttendee.objects.get(meeting_id=objects["held"], user=objects["invitee"])
    url = reverse("office:meeting_check_in", args=[objects["held"], row.pk])
    client.force_login(make_user("viewer", unit=tree.tianshan, role="teacher"))
    assert client.post(url).status_code == 404
    client.force_login(objects["invitee"])
    assert client.post(url).status_code == 302
    row.refresh_from_db()
    assert row.checked_in_at is not None


def test_detail_shows_agenda_answers_and_the_remote_link(client, tree, objects, no_mfa):
    client.force_login(objects["clerk"])
    body = client.get(reverse("office:meeting_detail", args=[objects["meeting"]])).content.decode()
    assert "部署开学工作" in body
    assert 'href="https://meet.example.cn/j/8812"' in body
    assert 'rel="noopener noreferrer"' in body
    assert "2468" in body
    assert "ts_invitee" in body
    assert reverse("office:meeting_remind", args=[objects["meeting"]]) in body
    viewer = make_user("viewer", unit=tree.tianshan, role="teacher")
    client.force_login(viewer)
    body = client.get(reverse("office:meeting_detail", args=[objects["meeting"]])).content.decode()
    assert "2468" not in body  # the passcode is for attendees and the caller
    assert reverse("office:meeting_remind", args=[objects["meeting"]]) not in body


def test_calling_a_meeting_from_the_form_and_the_clash_message(client, tree, objects, no_mfa):
    client.force_login(objects["clerk"])
    data = {
        "organization": tree.tianshan.pk,
        "title": "校长座谈会",
        "kind": "in_person",
        "starts_at": local(at(2, 14)),
        "ends_at": local(at(2, 16)),
        "room": objects["room"],
        "agenda": "听取意见 | 局长 | 60\n总结",
        "attendees": [objects["invitee"].pk],
    }
    response = client.post(reverse("office:meeting_new"), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="校长座谈会")
    assert [a.title for a in meeting.agenda_items.all()] == ["听取意见", "总结"]
    clash = client.post(
        reverse("office:meeting_new"), {**data, "title": "撞车", "starts_at": local(at(2, 15))}
    )
    assert clash.status_code == 200
    body = clash.content.decode()
    assert "校长座谈会" in body
    assert timezone.localtime(at(2, 14)).strftime("%Y-%m-%d 14:00") in body
    assert not Meeting.objects.filter(title="撞车").exists()
    bad = client.post(
        reverse("office:meeting_new"),
        {**data, "title": "坏链接", "kind": "remote", "room": "", "remote_url": "javascript:alert(1)"},
    )
    assert bad.status_code == 200
    assert not Meeting.objects.filter(title="坏链接").exists()


def test_room_new_for_another_unit_is_refused(client, tree, objects, no_mfa):
    client.force_login(make_user("kashi_clerk", unit=tree.kashgar, role="office_clerk"))
    response = client.post(
        reverse("office:room_new"), {"organization": tree.tianshan.pk, "name": "偷偷加的", "capacity": 5}
    )
    assert response.status_code == 200
    assert not MeetingRoom.objects.filter(name="偷偷加的").exists()
    response = client.post(
        reverse("office:room_new"), {"organization": tree.kashgar.pk, "name": "喀什会议室", "capacity": 5}
    )
    assert response.status_code == 302
    assert MeetingRoom.objects.get(name="喀什会议室").organization == tree.kashgar


def test_lists_show_only_what_is_in_scope(client, tree, objects, no_mfa):
    kashi_clerk = make_user("kashi_clerk", unit=tree.kashgar, role="office_clerk")
    kashi_room = do_create_room(organization=tree.kashgar, name="喀什会议室", acting_user=kashi_clerk)
    do_call_meeting(
        organization=tree.kashgar,
        title="喀什地区工作会",
        starts_at=at(1, 9),
        ends_at=at(1, 10),
        room=kashi_room,
        acting_user=kashi_clerk,
    )
    client.force_login(make_user("viewer", unit=tree.tianshan, role="teacher"))
    body = client.get(reverse("office:meeting_list")).content.decode()
    assert "秋季开学工作会" in body
    assert "喀什地区工作会" not in body
    past = client.get(reverse("office:meeting_list") + "?when=past").content.decode()
    assert "秋季开学工作会" not in past
    rooms = client.get(reverse("office:room_list")).content.decode()
    assert "第一会议室" in rooms
    assert "喀什会议室" not in rooms
    assert client.get(reverse("office:room_schedule", args=[kashi_room.pk])).status_code == 404


def test_week_grid_hides_meetings_the_user_may_not_see(client, tree, objects, no_mfa):
    school_teacher = make_user("school_teacher", unit=tree.school_tianshan, role="teacher")
    client.force_login(school_teacher)
    url = reverse("office:room_schedule", args=[objects["room"]]) + f"?week={at(1, 9):%Y-%m-%d}"
    body = client.get(url).content.decode()
    assert 'data-testid="booking"' in body
    assert "秋季开学工作会" not in body  # the room serves the school; the bureau's meeting is not theirs
    client.force_login(objects["clerk"])
    assert "秋季开学工作会" in client.get(url).content.decode()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_do_not_grow_with_the_rows(client, tree, objects, no_mfa, django_assert_max_num_queries):
    clerk = objects["clerk"]
    client.force_login(clerk)
    room = MeetingRoom.objects.get(pk=objects["room"])
    urls = [
        reverse("office:meeting_list"),
        reverse("office:room_list"),
        reverse("office:room_schedule", args=[room.pk]) + f"?week={at(3, 9):%Y-%m-%d}",
        reverse("office:meeting_detail", args=[objects["meeting"]]),
    ]
    invitees = [make_user(f"t{i}", unit=tree.school_tianshan, role="teacher") for i in range(4)]
    do_call_meeting(
        organization=tree.tianshan,
        title="早会",
        starts_at=at(3, 7),
        ends_at=at(3, 8),
        room=room,
        attendees=invitees[:1],
        acting_user=clerk,
    )
    before = [_count_queries(client, url) for url in urls]
    for i in range(8):
        do_call_meeting(
            organization=tree.tianshan,
            title=f"会议{i}",
            starts_at=at(3, 8 + i),
            ends_at=at(3, 9 + i),
            room=room,
            attendees=invitees,
            acting_user=clerk,
        )
        do_create_room(organization=tree.tianshan, name=f"会议室{i}", acting_user=clerk)
    MeetingAttendee.objects.bulk_create(
        MeetingAttendee(meeting_id=objects["meeting"], user=u, unit=tree.school_tianshan) for u in invitees
    )
    after = [_count_queries(client, url) for url in urls]
    assert after == before
    with django_assert_max_num_queries(20):
        client.get(urls[0])
