"""Transfers over the API: apply by student number, decide step by step, scoped reads."""

from __future__ import annotations

import pytest

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.registry.models import Enrolment, Transfer
from edugov.registry.tests.factories import enrol
from edugov.registry.tests.test_api_base import READ, WRITE, token_client

pytestmark = pytest.mark.django_db

TRANSFERS = "/api/registry/transfers/"


def apply_body(tree, enrolment, **overrides) -> dict:
    body = {
        "student_number": enrolment.student.student_number,
        "to_school": tree.school_kashi.pk,
        "grade": "16",
        "class_name": "1班",
        "reason": "随父母迁居喀什",
    }
    body.update(overrides)
    return body


@pytest.fixture
def kashi(tree):
    return make_user("kashi", unit=tree.school_kashi, role="registrar")


@pytest.fixture
def applied(tree, kashi):
    enrolment = enrol(tree.school_tianshan)
    response = token_client(kashi, READ, WRITE).post(TRANSFERS, apply_body(tree, enrolment), format="json")
    assert response.status_code == 201, response.content
    return Transfer.objects.get(pk=response.json()["id"])


def test_receiving_school_applies_by_student_number(tree, kashi, applied):
    body = token_client(kashi, READ).get(f"{TRANSFERS}{applied.pk}/").json()
    assert body["from_school"]["id"] == tree.school_tianshan.pk
    assert body["to_school"]["id"] == tree.school_kashi.pk
    assert "*" in body["student"]["student_number"]
    # Across prefectures: both schools' chain up to both prefecture bureaus.
    assert [step["organization"]["id"] for step in body["steps"]] == [
        tree.school_tianshan.pk,
        tree.tianshan.pk,
        tree.kashi_city.pk,
        tree.urumqi.pk,
        tree.kashgar.pk,
    ]
    assert [step["status"] for step in body["steps"]][:2] == ["pending", "waiting"]
    assert AuditEntry.objects.filter(event_type="registry.transfer_applied").count() == 1


def test_apply_by_id_number_and_bad_input(tree, kashi):
    enrolment = enrol(tree.school_tianshan)
    client = token_client(kashi, READ, WRITE)
    by_id = apply_body(tree, enrolment, student_number="", id_number=enrolment.student.id_number)
    unknown = client.post(
        TRANSFERS, apply_body(tree, enrolment, student_number="G650102201001019999"), format="json"
    )
    assert unknown.status_code == 400
    assert "student_number" in unknown.json()
    nobody_named = client.post(TRANSFERS, apply_body(tree, enrolment, student_number=""), format="json")
    assert nobody_named.status_code == 400
    bad_grade = client.post(TRANSFERS, apply_body(tree, enrolment, grade="99"), format="json")
    assert bad_grade.status_code == 400
    assert "grade" in bad_grade.json()
    outside = client.post(
        TRANSFERS, apply_body(tree, enrolment, to_school=tree.school_shayibake.pk), format="json"
    )
    assert outside.status_code == 400
    assert "to_school" in outside.json()
    assert not Transfer.objects.exists()
    assert client.post(TRANSFERS, by_id, format="json").status_code == 201
    again = client.post(TRANSFERS, by_id, format="json")
    assert again.status_code == 409  # one transfer in progress per person
    assert Transfer.objects.count() == 1


def test_read_token_cannot_apply(tree, kashi):
    enrolment = enrol(tree.school_tianshan)
    response = token_client(kashi, READ).post(TRANSFERS, apply_body(tree, enrolment), format="json")
    assert response.status_code == 403
    assert not Transfer.objects.exists()


def test_four_callers_on_transfers(tree, applied):
    detail = f"{TRANSFERS}{applied.pk}/"
    assert token_client().get(TRANSFERS).status_code == 401
    assert token_client().get(detail).status_code == 401
    for user in (
        make_user("nobody", unit=tree.school_tianshan),
        make_user("other", unit=tree.school_shayibake, role="registrar"),
    ):
        client = token_client(user, READ)
        assert client.get(TRANSFERS).json()["results"] == []
        assert client.get(detail).status_code == 404
    # Both schools and the bureaus above either see it.
    for user in (
        make_user("sending", unit=tree.school_tianshan, role="registrar"),
        make_user("county", unit=tree.tianshan, role="bureau_staff"),
        make_user("prefecture", unit=tree.kashgar, role="bureau_staff"),
    ):
        client = token_client(user, READ)
        assert [row["id"] for row in client.get(TRANSFERS).json()["results"]] == [applied.pk]
        assert client.get(detail).json()["id"] == applied.pk


def _step_url(transfer, order: int, verb: str) -> str:
    step = transfer.steps.get(order=order)
    return f"{TRANSFERS}{transfer.pk}/steps/{step.pk}/{verb}/"


def test_each_unit_decides_its_own_step_until_completion(tree, kashi, applied):
    url = _step_url(applied, 1, "approve")
    # The receiving school sees the transfer but the first step is the sending school's.
    assert token_client(kashi, READ, WRITE).post(url, {}, format="json").status_code == 403
    other = make_user("other", unit=tree.school_shayibake, role="registrar")
    assert token_client(other, READ, WRITE).post(url, {}, format="json").status_code == 404
    sending = make_user("sending", unit=tree.school_tianshan, role="registrar")
    assert token_client(sending, READ).post(url, {}, format="json").status_code == 403
    response = token_client(sending, READ, WRITE).post(url, {"note": "同意"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["steps"][0]["status"] == "approved"
    assert response.json()["steps"][0]["note"] == "同意"
    assert token_client(sending, READ, WRITE).post(url, {}, format="json").status_code == 409
    deciders = [
        make_user("c1", unit=tree.tianshan, role="bureau_staff"),
        make_user("c2", unit=tree.kashi_city, role="bureau_staff"),
        make_user("p1", unit=tree.urumqi, role="bureau_staff"),
        make_user("p2", unit=tree.kashgar, role="bureau_staff"),
    ]
    for order, user in enumerate(deciders, start=2):
        answer = token_client(user, READ, WRITE).post(_step_url(applied, order, "approve"), {}, format="json")
        assert answer.status_code == 200, answer.content
    applied.refresh_from_db()
    assert applied.status == "completed"
    active = Enrolment.objects.get(student=applied.student, state="active")
    assert active.school == tree.school_kashi


def test_reject_needs_a_reason_and_closes_the_transfer(tree, applied):
    sending = make_user("sending", unit=tree.school_tianshan, role="registrar")
    client = token_client(sending, READ, WRITE)
    url = _step_url(applied, 1, "reject")
    assert client.post(url, {}, format="json").status_code == 400
    response = client.post(url, {"reason": "学生本人未同意"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rejected"
    assert Enrolment.objects.get(student=applied.student, state="active").school == tree.school_tianshan


def test_receiving_school_withdraws(tree, kashi, applied):
    sending = make_user("sending", unit=tree.school_tianshan, role="registrar")
    url = f"{TRANSFERS}{applied.pk}/withdraw/"
    # The sending school sees the transfer, but only the applicant may withdraw it.
    assert token_client(sending, READ, WRITE).post(url, {}, format="json").status_code == 403
    response = token_client(kashi, READ, WRITE).post(url, {"reason": "家长改变主意"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
