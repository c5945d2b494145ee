"""Duty roster pages: the four-caller matrix, scoped lists and phones, bounded queries, flows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from edugov.core.models import AuditEntry
from edugov.office.actions.rosters import (
    do_add_slot,
    do_build_roster,
    do_publish_roster,
    do_request_swap,
    do_write_duty_log,
)
from edugov.office.models import DutyLog, DutyRoster, DutySlot, DutySwap
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def day(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def objects(tree):
    clerk = make_user("ts_clerk", unit=tree.tianshan, role="office_clerk")
    leader = make_user("ts_leader", unit=tree.tianshan, role="bureau_leader", phone="13900000001")
    a = make_user("ts_a", unit=tree.tianshan, role="bureau_staff", phone="13800000001")
    b = make_user("ts_b", unit=tree.tianshan, role="bureau_staff", phone="13800000002")
    roster = do_build_roster(
        organization=tree.tianshan,
        title="天山区局值班表",
        starts_on=day(0),
        ends_on=day(3),
        people=[a, b],
        leaders=[leader],
        acting_user=clerk,
    )
    do_publish_roster(roster, acting_user=clerk)
    draft = do_build_roster(
        organization=tree.tianshan,
        title="下月值班表（草稿）",
        starts_on=day(10),
        ends_on=day(12),
        people=[a],
        leaders=[leader],
        acting_user=clerk,
    )
    a_today = DutySlot.objects.get(roster=roster, person=a, date=day(0))
    a_next = DutySlot.objects.get(roster=roster, person=a, date=day(2))
    b_next = DutySlot.objects.get(roster=roster, person=b, date=day(1))
    swap = do_request_swap(a_next, slot_to=b_next, reason="家中有事", acting_user=a)
    spare = do_add_slot(roster, date=day(3), person=b, shift="night", acting_user=clerk)
    do_write_duty_log(a_today, text="上午接待来访两次", acting_user=a)
    return {
        "clerk": clerk,
        "leader": leader,
        "a": a,
        "b": b,
        "roster": roster.pk,
        "draft": draft.pk,
        "today_slot": a_today.pk,
        "a_next": a_next.pk,
        "swap": swap.pk,
        "spare": spare.pk,
    }


# (url name, which object's pk, method, POST data, role needed on the object's unit)
RESTRICTED = [
    ("office:roster_detail", "roster", "get", None, "teacher"),
    ("office:roster_publish", "draft", "post", {}, "office_clerk"),
    ("office:slot_add", "roster", "post", {"date": "", "shift": "day"}, "office_clerk"),
    ("office:slot_remove", "spare", "post", {}, "office_clerk"),
    ("office:duty_log", "today_slot", "get", None, "teacher"),
    ("office:duty_log", "today_slot", "post", {"text": "代写"}, "office_clerk"),
    ("office:swap_decide", "swap", "post", {"decision": "approve"}, "bureau_leader"),
]


def _call(client, name, pk, method, data):
    url = reverse(name, args=[pk])
    return client.post(url, data or {}) if method == "post" else client.get(url)


def _state():
    return (
        AuditEntry.objects.count(),
        list(DutyRoster.objects.order_by("pk").values_list("published_at", flat=True)),
        list(DutySlot.objects.order_by("pk").values_list("pk", "person_id")),
        list(DutySwap.objects.order_by("pk").values_list("status", flat=True)),
        DutyLog.objects.count(),
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
    ("office:roster_list", "teacher"),
    ("office:swap_list", "bureau_leader"),
    ("office:duty_phones", "teacher"),
    ("office:roster_new", "office_clerk"),
    ("office:roster_holiday_new", "office_clerk"),
]


@pytest.mark.parametrize(("name", "role"), CREATE_AND_LIST)
def test_pages_without_an_object(client, tree, objects, no_mfa, name, role):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(make_user("grantless", unit=tree.tianshan))
    assert client.get(reverse(name)).status_code == 404
    client.force_login(make_user("holder", unit=tree.kashgar, role=role))
    assert client.get(reverse(name)).status_code == 200


def test_swap_request_page_is_for_the_person_on_duty(client, tree, objects, no_mfa):
    b_last = DutySlot.objects.get(
        roster_id=objects["roster"], person=objects["b"], date=day(3), shift="all_day"
    )
    url = reverse("office:swap_request", args=[b_last.pk])
    client.force_login(objects["a"])  # sees the roster, but it is b's duty
    assert client.get(url).status_code == 404
    assert client.post(url, {"target_user": objects["a"].pk, "reason": "x"}).status_code == 404
    client.force_login(make_user("kashi_staff", unit=tree.kashgar, role="bureau_staff"))
    assert client.get(url).status_code == 404
    client.force_login(objects["b"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"target_user": objects["a"].pk, "reason": "出差"})
    assert response.status_code == 302
    assert DutySwap.objects.filter(slot_from=b_last, target_user=objects["a"], status="pending").exists()


def test_swap_approval_from_the_list(client, tree, objects, no_mfa):
    client.force_login(objects["leader"])
    body = client.get(reverse("office:swap_list")).content.decode()
    assert "家中有事" in body
    response = client.post(reverse("office:swap_decide", args=[objects["swap"]]), {"decision": "approve"})
    assert response.status_code == 302
    assert DutySlot.objects.get(pk=objects["a_next"]).person == objects["b"]
    client.force_login(objects["a"])
    mine = client.get(reverse("office:swap_list")).content.decode()
    assert "家中有事" in mine  # under "my requests"


def test_roster_detail_highlights_leaders_and_shows_phones_in_scope_only(client, tree, objects, no_mfa):
    client.force_login(make_user("viewer", unit=tree.tianshan, role="teacher"))
    body = client.get(reverse("office:roster_detail", args=[objects["roster"]])).content.decode()
    assert 'data-testid="leader-cell"' in body
    assert "ts_leader" in body
    assert "13800000001" in body
    # Someone on the roster without office.roster.view on the unit sees the roster, not the phones.
    helper = make_user("helper", unit=tree.tianshan)
    do_add_slot(
        DutyRoster.objects.get(pk=objects["roster"]), date=day(1), person=helper, acting_user=objects["clerk"]
    )
    client.force_login(helper)
    body = client.get(reverse("office:roster_detail", args=[objects["roster"]])).content.decode()
    assert "ts_leader" in body
    assert "13800000001" not in body
    assert client.get(reverse("office:roster_detail", args=[objects["draft"]])).status_code == 404


def test_drafts_are_for_editors_only(client, tree, objects, no_mfa):
    client.force_login(make_user("viewer", unit=tree.tianshan, role="teacher"))
    assert client.get(reverse("office:roster_detail", args=[objects["draft"]])).status_code == 404
    assert "下月值班表" not in client.get(reverse("office:roster_list")).content.decode()
    client.force_login(objects["clerk"])
    assert client.get(reverse("office:roster_detail", args=[objects["draft"]])).status_code == 200


def test_duty_phones_are_scoped(client, tree, objects, no_mfa):
    kashi_clerk = make_user("kashi_clerk", unit=tree.kashgar, role="office_clerk")
    kashi_person = make_user("kashi_person", unit=tree.kashgar, role="bureau_staff", phone="13700000009")
    roster = do_build_roster(
        organization=tree.kashgar,
        title="喀什值班",
        starts_on=day(0),
        ends_on=day(1),
        people=[kashi_person],
        leaders=[kashi_person],
        acting_user=kashi_clerk,
    )
    do_publish_roster(roster, acting_user=kashi_clerk)
    client.force_login(make_user("viewer", unit=tree.tianshan, role="teacher"))
    body = client.get(reverse("office:duty_phones")).content.decode()
    assert "13800000001" in body  # a is on duty today
    assert "13900000001" in body
    assert "13700000009" not in body
    client.force_login(make_user("prov", unit=tree.province, role="bureau_staff"))
    body = client.get(reverse("office:duty_phones")).content.decode()
    assert "13700000009" in body
    assert "13800000001" in body


def test_lists_show_only_what_is_in_scope(client, tree, objects, no_mfa):
    kashi_clerk = make_user("kashi_clerk", unit=tree.kashgar, role="office_clerk")
    kashi_person = make_user("kashi_person", unit=tree.kashgar, role="bureau_staff")
    roster = do_build_roster(
        organization=tree.kashgar,
        title="喀什值班",
        starts_on=day(0),
        ends_on=day(1),
        people=[kashi_person],
        leaders=[kashi_person],
        acting_user=kashi_clerk,
    )
    do_publish_roster(roster, acting_user=kashi_clerk)
    client.force_login(make_user("viewer", unit=tree.tianshan, role="teacher"))
    body = client.get(reverse("office:roster_list")).content.decode()
    assert "天山区局值班表" in body
    assert "喀什值班" not in body
    client.force_login(make_user("kashi_leader", unit=tree.kashgar, role="bureau_leader"))
    assert "家中有事" not in client.get(reverse("office:swap_list")).content.decode()


def test_building_a_holiday_roster_from_the_form(client, tree, objects, no_mfa):
    client.force_login(objects["clerk"])
    page = client.get(reverse("office:roster_holiday_new")).content.decode()
    assert "2026:国庆节" in page
    response = client.post(
        reverse("office:roster_holiday_new"),
        {
            "organization": tree.tianshan.pk,
            "holiday": "2026:国庆节",
            "people": [objects["a"].pk, objects["b"].pk],
            "leaders": [objects["leader"].pk],
        },
    )
    assert response.status_code == 302
    roster = DutyRoster.objects.get(kind="holiday")
    assert (roster.starts_on, roster.ends_on) == (dt.date(2026, 10, 1), dt.date(2026, 10, 7))
    assert roster.slots.filter(is_leader=True).count() == 7
    empty = client.post(reverse("office:roster_holiday_new"), {"organization": tree.tianshan.pk})
    assert empty.status_code == 200
    assert DutyRoster.objects.filter(kind="holiday").count() == 1


def test_building_a_regular_roster_from_the_form(client, tree, objects, no_mfa):
    client.force_login(objects["clerk"])
    response = client.post(
        reverse("office:roster_new"),
        {
            "organization": tree.tianshan.pk,
            "title": "一月值班表",
            "starts_on": "2027-01-04",
            "ends_on": "2027-01-10",
            "days": "working",
            "shift": "night",
            "people": [objects["a"].pk],
            "leaders": [objects["leader"].pk],
            "night_starts": "17:30",
        },
    )
    assert response.status_code == 302
    roster = DutyRoster.objects.get(title="一月值班表")
    assert roster.night_starts == dt.time(17, 30)
    assert sorted({s.date.day for s in roster.slots.all()}) == [4, 5, 6, 7, 8]


def test_duty_log_page_writes_and_lists(client, tree, objects, no_mfa):
    url = reverse("office:duty_log", args=[objects["today_slot"]])
    client.force_login(objects["b"])  # may read, may not write someone else's log
    page = client.get(url).content.decode()
    assert "上午接待来访两次" in page
    assert 'name="text"' not in page
    assert client.post(url, {"text": "冒名"}).status_code == 404
    client.force_login(objects["a"])
    response = client.post(url, {"text": "下午无事", "incidents": "", "handed_over_to": objects["b"].pk})
    assert response.status_code == 302
    assert DutyLog.objects.filter(slot_id=objects["today_slot"]).count() == 2


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_do_not_grow_with_the_rows(client, tree, objects, no_mfa, django_assert_max_num_queries):
    client.force_login(objects["leader"])
    urls = [
        reverse("office:roster_list"),
        reverse("office:roster_detail", args=[objects["roster"]]),
        reverse("office:swap_list"),
        reverse("office:duty_phones"),
        reverse("office:duty_log", args=[objects["today_slot"]]),
    ]
    before = [_count_queries(client, url) for url in urls]
    people = [
        make_user(f"p{i}", unit=tree.tianshan, role="bureau_staff", phone=f"1380000010{i}") for i in range(6)
    ]
    roster = DutyRoster.objects.get(pk=objects["roster"])
    for i, person in enumerate(people):
        do_add_slot(roster, date=day(i % 2), person=person, shift="day", acting_user=objects["clerk"])
        extra = do_build_roster(
            organization=tree.tianshan,
            title=f"值班{i}",
            starts_on=day(0),
            ends_on=day(5),
            people=people,
            leaders=[objects["leader"]],
            acting_user=objects["clerk"],
        )
        do_publish_roster(extra, acting_user=objects["clerk"])
        slot = extra.slots.filter(person=person).exclude(date=day(0)).first()
        if slot is not None:
            do_request_swap(slot, target_user=objects["a"], reason=f"理由{i}", acting_user=person)
        do_write_duty_log(
            DutySlot.objects.get(pk=objects["today_slot"]), text=f"记录{i}", acting_user=objects["a"]
        )
    after = [_count_queries(client, url) for url in urls]
    assert after == before
    with django_assert_max_num_queries(20):
        client.get(urls[1])
