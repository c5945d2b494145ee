"""Transfer pages (DB-3): the four-caller matrix, the lookup's privacy, decisions and to-dos."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edugov.core.models import AuditEntry
from edugov.core.navigation import navigation_for
from edugov.core.todos import todos_for
from edugov.platform.testing.fixtures import make_user
from edugov.registry.actions.students import do_enrol_student
from edugov.registry.actions.transfers import do_apply_transfer, do_approve_transfer_step
from edugov.registry.errors import EnrolmentConflict
from edugov.registry.models import Enrolment, Transfer
from edugov.registry.tests.factories import enrol, enrolment_values, student_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree, no_mfa):
    """A student at 天山区第一小学 and a transfer to 喀什市第一小学 awaiting the sending school."""
    values = student_values(name="李小红")
    enrolment = enrol(tree.school_tianshan, id_number=values["id_number"], name="李小红")
    users = {
        "sender": make_user("sender", unit=tree.school_tianshan, role="registrar"),
        "receiver": make_user("receiver", unit=tree.school_kashi, role="registrar"),
        "tianshan": make_user("ts_staff", unit=tree.tianshan, role="bureau_staff"),
        "kashi_city": make_user("kc_staff", unit=tree.kashi_city, role="bureau_staff"),
        "urumqi": make_user("uq_staff", unit=tree.urumqi, role="bureau_staff"),
        "kashgar": make_user("kg_staff", unit=tree.kashgar, role="bureau_staff"),
        "outsider": make_user("outsider", unit=tree.school_shayibake, role="registrar"),
        "plain": make_user("plain", unit=tree.school_tianshan),
    }
    transfer = do_apply_transfer(
        enrolment.student,
        to_school=tree.school_kashi,
        grade="14",
        class_name="3班",
        reason="随父母工作调动",
        acting_user=users["receiver"],
    )
    return {"enrolment": enrolment, "transfer": transfer, "users": users, "id_number": values["id_number"]}


def _step(transfer, order):
    return transfer.steps.get(order=order)


# --- Four callers per view ----------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, setup):
    transfer = setup["transfer"]
    step = _step(transfer, 1)
    for method, url, data in (
        ("get", reverse("registry:transfer_list"), None),
        ("get", reverse("registry:transfer_apply") + "?lookup=" + setup["id_number"], None),
        ("get", reverse("registry:transfer_detail", args=[transfer.pk]), None),
        ("post", reverse("registry:transfer_decide", args=[transfer.pk, step.pk]), {"decision": "approve"}),
        ("post", reverse("registry:transfer_withdraw", args=[transfer.pk]), {}),
    ):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    step.refresh_from_db()
    transfer.refresh_from_db()
    assert (step.status, transfer.status) == ("pending", "pending")


def test_user_without_grant_gets_not_found(client, setup):
    client.force_login(setup["users"]["plain"])
    transfer = setup["transfer"]
    step = _step(transfer, 1)
    assert client.get(reverse("registry:transfer_list")).status_code == 404
    response = client.get(reverse("registry:transfer_apply") + "?lookup=" + setup["id_number"])
    assert response.status_code == 404
    assert "李小红" not in response.content.decode()
    assert client.get(reverse("registry:transfer_detail", args=[transfer.pk])).status_code == 404
    decide = reverse("registry:transfer_decide", args=[transfer.pk, step.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    assert client.post(reverse("registry:transfer_withdraw", args=[transfer.pk])).status_code == 404
    step.refresh_from_db()
    transfer.refresh_from_db()
    assert (step.status, transfer.status) == ("pending", "pending")


def test_grant_on_another_unit_sees_and_changes_nothing(client, setup):
    client.force_login(setup["users"]["outsider"])
    transfer = setup["transfer"]
    step = _step(transfer, 1)
    listing = client.get(reverse("registry:transfer_list") + "?tab=all")
    assert listing.status_code == 200
    assert "李小红" not in listing.content.decode()
    assert client.get(reverse("registry:transfer_detail", args=[transfer.pk])).status_code == 404
    decide = reverse("registry:transfer_decide", args=[transfer.pk, step.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    assert client.post(reverse("registry:transfer_withdraw", args=[transfer.pk])).status_code == 404
    # Applying into a school they do not hold is refused by the form.
    page = client.get(reverse("registry:transfer_apply") + "?lookup=" + setup["id_number"])
    token = page.context["token"]
    response = client.post(
        reverse("registry:transfer_apply"),
        {"student": token, "to_school": transfer.to_school_id, "grade": "14", "reason": "x"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    step.refresh_from_db()
    transfer.refresh_from_db()
    assert (step.status, transfer.status) == ("pending", "pending")
    assert Transfer.objects.count() == 1


def test_grant_on_this_unit_sees_and_decides(client, setup):
    transfer = setup["transfer"]
    step = _step(transfer, 1)
    client.force_login(setup["users"]["sender"])
    listing = client.get(reverse("registry:transfer_list"))
    assert listing.context["tab"] == "awaiting"
    assert "李小红" in listing.content.decode()
    detail = client.get(reverse("registry:transfer_detail", args=[transfer.pk]))
    assert detail.status_code == 200
    assert detail.context["can_decide"] is True
    assert detail.context["can_withdraw"] is False
    response = client.post(
        reverse("registry:transfer_decide", args=[transfer.pk, step.pk]),
        {"decision": "approve", "note": "同意"},
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.status, step.note, step.decided_by_id) == ("approved", "同意", setup["users"]["sender"].pk)
    assert _step(transfer, 2).status == "pending"


def test_receiving_school_cannot_decide_the_sending_step(client, setup):
    transfer = setup["transfer"]
    step = _step(transfer, 1)
    client.force_login(setup["users"]["receiver"])
    detail = client.get(reverse("registry:transfer_detail", args=[transfer.pk]))
    assert detail.context["can_decide"] is False
    assert detail.context["can_withdraw"] is True
    response = client.post(
        reverse("registry:transfer_decide", args=[transfer.pk, step.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    step.refresh_from_db()
    assert step.status == "pending"


def test_reject_needs_a_reason_on_the_page(client, setup):
    transfer = setup["transfer"]
    step = _step(transfer, 1)
    client.force_login(setup["users"]["sender"])
    url = reverse("registry:transfer_decide", args=[transfer.pk, step.pk])
    response = client.post(url, {"decision": "reject", "note": ""}, follow=True)
    assert response.status_code == 200
    step.refresh_from_db()
    assert step.status == "pending"
    assert any(m.level_tag == "error" for m in response.context["messages"])
    client.post(url, {"decision": "reject", "note": "学生仍在本校就读，家长未同意"})
    step.refresh_from_db()
    transfer.refresh_from_db()
    assert (step.status, transfer.status) == ("rejected", "rejected")
    client.force_login(setup["users"]["receiver"])
    detail = client.get(reverse("registry:transfer_detail", args=[transfer.pk])).content.decode()
    assert "家长未同意" in detail


def test_withdraw_from_the_page(client, setup):
    transfer = setup["transfer"]
    client.force_login(setup["users"]["receiver"])
    response = client.post(
        reverse("registry:transfer_withdraw", args=[transfer.pk]), {"reason": "家长改变主意"}
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "withdrawn"
    client.force_login(setup["users"]["sender"])
    assert client.post(reverse("registry:transfer_withdraw", args=[transfer.pk])).status_code == 403


def test_decide_is_post_only(client, setup):
    transfer = setup["transfer"]
    client.force_login(setup["users"]["sender"])
    url = reverse("registry:transfer_decide", args=[transfer.pk, _step(transfer, 1).pk])
    assert client.get(url).status_code == 405


# --- Full flow through the pages, and what each side sees after -----------------------------


def test_flow_through_pages_and_each_side_sees_its_period(client, setup, tree):
    transfer = setup["transfer"]
    users = setup["users"]
    for order, who in enumerate(("sender", "tianshan", "kashi_city", "urumqi", "kashgar"), start=1):
        client.force_login(users[who])
        step = _step(transfer, order)
        response = client.post(
            reverse("registry:transfer_decide", args=[transfer.pk, step.pk]), {"decision": "approve"}
        )
        assert response.status_code == 302, who
    transfer.refresh_from_db()
    assert transfer.status == "completed"
    new = transfer.to_enrolment
    assert (new.school_id, new.grade, new.class_name) == (tree.school_kashi.pk, "14", "3班")
    # The receiving school sees the placement; the sending school sees the transfer, not the new class.
    client.force_login(users["receiver"])
    page = client.get(reverse("registry:transfer_detail", args=[transfer.pk]))
    assert page.context["show_placement"] is True
    assert "3班" in page.content.decode()
    client.force_login(users["sender"])
    page = client.get(reverse("registry:transfer_detail", args=[transfer.pk]))
    assert page.status_code == 200
    assert page.context["show_placement"] is False
    assert "3班" not in page.content.decode()
    assert Enrolment.objects.get(pk=setup["enrolment"].pk).state == "ended"


# --- The lookup reveals only the name, masked ID and current school --------------------------


def test_lookup_shows_only_name_masked_id_and_school(client, setup):
    enrolment = setup["enrolment"]
    student = enrolment.student
    client.force_login(setup["users"]["outsider"])  # a registrar elsewhere may apply
    response = client.get(reverse("registry:transfer_apply"), {"lookup": setup["id_number"]})
    body = response.content.decode()
    assert response.context["card"] == {
        "name": "李小红",
        "id_masked": student.id_masked,
        "school": "天山区第一小学",
        "pending": True,
    }
    assert setup["id_number"] not in body.replace(f'value="{setup["id_number"]}"', "")
    assert student.student_number not in body
    assert "解放北路" not in body  # the address
    assert "1班" not in body  # the class at the current school
    assert AuditEntry.objects.filter(
        event_type="registry.transfer_student_lookup", target_id=str(student.pk)
    ).exists()
    # By student number as well; an unknown number says so.
    assert client.get(reverse("registry:transfer_apply"), {"lookup": student.student_number}).context["card"]
    missing = client.get(reverse("registry:transfer_apply"), {"lookup": "G650102201001010000"})
    assert missing.context["card"] is None
    assert missing.context["lookup_form"].errors


def test_prefill_by_id_only_for_a_visible_or_just_refused_student(client, setup, tree):
    student = setup["enrolment"].student
    shayibake_registrar = setup["users"]["outsider"]
    client.force_login(shayibake_registrar)
    url = reverse("registry:transfer_apply")
    # Guessing an id reveals nothing.
    response = client.get(url, {"student": student.pk})
    assert response.context["card"] is None
    assert "李小红" not in response.content.decode()
    # After the school's own enrolment attempt was refused (the conflict offers a transfer), it may.
    values = student_values(name="李小红", id_number=setup["id_number"])
    with pytest.raises(EnrolmentConflict):
        do_enrol_student(
            tree.school_shayibake,
            student=values,
            enrolment=enrolment_values(),
            acting_user=shayibake_registrar,
        )
    response = client.get(url, {"student": student.pk})
    assert response.context["card"]["name"] == "李小红"
    # The sending school sees its own student anyway.
    client.force_login(setup["users"]["sender"])


def test_apply_through_the_page(client, tree, no_mfa):
    enrolment = enrol(tree.school_tianshan, name="王小刚")
    registrar = make_user("sh_reg", unit=tree.school_shayibake, role="registrar")
    client.force_login(registrar)
    page = client.get(reverse("registry:transfer_apply"), {"lookup": enrolment.student.student_number})
    token = page.context["token"]
    assert page.context["form"].fields["to_school"].initial == tree.school_shayibake.pk
    # A forged token is refused.
    bad = client.post(
        reverse("registry:transfer_apply"),
        {"student": token + "x", "to_school": tree.school_shayibake.pk, "grade": "13", "reason": "搬家"},
    )
    assert bad.status_code == 200
    assert Transfer.objects.count() == 0
    response = client.post(
        reverse("registry:transfer_apply"),
        {
            "student": token,
            "to_school": tree.school_shayibake.pk,
            "grade": "13",
            "class_name": "2班",
            "reason": "搬家",
        },
    )
    transfer = Transfer.objects.get()
    assert response["Location"] == reverse("registry:transfer_detail", args=[transfer.pk])
    assert (transfer.student_id, transfer.to_school_id, transfer.grade) == (
        enrolment.student_id,
        tree.school_shayibake.pk,
        "13",
    )
    # A second application is refused with a message, not a crash.
    again = client.post(
        reverse("registry:transfer_apply"),
        {"student": token, "to_school": tree.school_shayibake.pk, "grade": "13", "reason": "搬家"},
    )
    assert again.status_code == 200
    assert again.context["form"].non_field_errors()
    assert Transfer.objects.count() == 1


def test_token_of_another_user_is_refused(client, setup, tree):
    client.force_login(setup["users"]["outsider"])
    token = client.get(reverse("registry:transfer_apply"), {"lookup": setup["id_number"]}).context["token"]
    other = make_user("other_reg", unit=tree.school_shayibake, role="registrar")
    client.force_login(other)
    Transfer.objects.all().delete()
    response = client.post(
        reverse("registry:transfer_apply"),
        {"student": token, "to_school": tree.school_shayibake.pk, "grade": "13", "reason": "搬家"},
    )
    assert response.status_code == 200
    assert Transfer.objects.count() == 0


# --- List tabs, filters; to-dos and the navigation badge ------------------------------------


def test_list_tabs_and_filters(client, setup, tree):
    users = setup["users"]
    client.force_login(users["receiver"])
    applied = client.get(reverse("registry:transfer_list"), {"tab": "applied"})
    assert [t.pk for t in applied.context["page"]] == [setup["transfer"].pk]
    awaiting = client.get(reverse("registry:transfer_list"), {"tab": "awaiting"})
    assert list(awaiting.context["page"]) == []
    client.force_login(users["urumqi"])
    everything = client.get(reverse("registry:transfer_list"), {"tab": "all"})
    assert [t.pk for t in everything.context["page"]] == [setup["transfer"].pk]
    assert (
        list(
            client.get(reverse("registry:transfer_list"), {"tab": "all", "status": "completed"}).context[
                "page"
            ]
        )
        == []
    )
    found = client.get(reverse("registry:transfer_list"), {"tab": "all", "q": "李小"})
    assert len(found.context["page"]) == 1
    by_step = client.get(reverse("registry:transfer_list"), {"tab": "all", "step": "sending_school"})
    assert len(by_step.context["page"]) == 1
    assert (
        list(
            client.get(reverse("registry:transfer_list"), {"tab": "all", "step": "receiving_county"}).context[
                "page"
            ]
        )
        == []
    )


def test_todos_and_overdue_flag(setup, tree):
    users = setup["users"]
    transfer = setup["transfer"]
    groups = {p.key: items for p, items in todos_for(users["sender"], tree.school_tianshan)}
    (item,) = groups["registry.transfers"]
    assert item.url == reverse("registry:transfer_detail", args=[transfer.pk])
    assert item.due == _step(transfer, 1).due_on
    assert item.is_overdue is False
    # The county's staff are not asked to decide for the school.
    assert "registry.transfers" not in {p.key: i for p, i in todos_for(users["tianshan"], tree.tianshan)}
    do_approve_transfer_step(_step(transfer, 1), acting_user=users["sender"])
    assert "registry.transfers" not in {p.key: i for p, i in todos_for(users["sender"], tree.school_tianshan)}
    with time_machine.travel(dt.datetime(2099, 1, 1, tzinfo=dt.UTC)):
        (item,) = {p.key: i for p, i in todos_for(users["tianshan"], tree.tianshan)}["registry.transfers"]
        assert item.is_overdue is True


def test_navigation_badge_counts_awaiting_steps(client, setup):
    client.force_login(setup["users"]["sender"])
    response = client.get(reverse("registry:transfer_list"))
    url = reverse("registry:transfer_list")
    items = [i for s in navigation_for(response.wsgi_request) for i in s["items"] if i["url"] == url]
    assert items[0]["badge"] == 1
    client.force_login(setup["users"]["receiver"])
    response = client.get(reverse("registry:transfer_list"))
    items = [i for s in navigation_for(response.wsgi_request) for i in s["items"] if i["url"] == url]
    assert items[0]["badge"] == 0


def test_list_runs_the_same_number_of_queries_for_one_and_many_rows(client, setup, tree):
    client.force_login(setup["users"]["urumqi"])
    url = reverse("registry:transfer_list") + "?tab=all"
    client.get(url)  # warm caches (code tables, grants)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    receiver = setup["users"]["receiver"]
    for i in range(6):
        person = enrol(tree.school_tianshan, name=f"学生{i}")
        do_apply_transfer(
            person.student, to_school=tree.school_kashi, grade="14", reason="搬家", acting_user=receiver
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"]) == 7
    assert len(many.captured_queries) == len(one.captured_queries)
