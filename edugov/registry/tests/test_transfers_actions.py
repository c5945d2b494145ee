"""Transfers (DB-3): step chains, permissions, deadlines, completion, reject, withdraw, reminders."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.http import Http404
from django.utils import timezone

from edugov.core.actions.organizations import do_create_organization
from edugov.core.models import AuditEntry
from edugov.core.permissions.scopes import scope_q
from edugov.platform.testing.fixtures import build_tree, make_user
from edugov.registry.access import access_enrolment
from edugov.registry.actions.transfers import (
    do_apply_transfer,
    do_approve_transfer_step,
    do_reject_transfer_step,
    do_withdraw_transfer,
    send_due_reminders,
)
from edugov.registry.errors import TransferRefused
from edugov.registry.models import ChangeRecord, Enrolment, StatusChange, Student, Transfer, TransferStep
from edugov.registry.tests.factories import enrol

pytestmark = pytest.mark.django_db


def second_tianshan_school(tree):
    return do_create_organization(
        parent=tree.tianshan,
        name="天山区第二小学",
        kind="school",
        level="school",
        region=tree.tianshan.region,
        acting_user=None,
        school_code="2165000009",
        school_type="211",
        school_sponsor="21",
    )


def apply(student, to_school, user, **kw):
    return do_apply_transfer(
        student,
        to_school=to_school,
        grade=kw.pop("grade", "13"),
        class_name=kw.pop("class_name", "2班"),
        reason=kw.pop("reason", "随父母工作调动"),
        acting_user=user,
        **kw,
    )


def chain(transfer):
    return [(s.kind, s.organization_id, s.status) for s in transfer.steps.order_by("order")]


def approve_all(transfer, users_by_unit):
    for step in transfer.steps.order_by("order"):
        step.refresh_from_db()
        if step.status != "pending":
            continue
        transfer = do_approve_transfer_step(
            step, acting_user=users_by_unit[step.organization_id], note="同意"
        )
    return transfer


@pytest.fixture
def moved(tree):
    """A student at 天山区第一小学 and the registrars/bureau staff along the way."""
    enrolment = enrol(tree.school_tianshan, enrolment={"grade": "13", "class_name": "1班"})
    users = {
        unit.pk: make_user(f"u{unit.pk}", unit=unit, role=role)
        for unit, role in (
            (tree.school_tianshan, "registrar"),
            (tree.school_shayibake, "registrar"),
            (tree.school_kashi, "registrar"),
            (tree.tianshan, "bureau_staff"),
            (tree.shayibake, "bureau_staff"),
            (tree.kashi_city, "bureau_staff"),
            (tree.urumqi, "bureau_staff"),
            (tree.kashgar, "bureau_staff"),
        )
    }
    return enrolment, users


def test_same_county_has_one_county_step(tree, moved):
    enrolment, users = moved
    other = second_tianshan_school(tree)
    applicant = make_user("applicant", unit=other, role="registrar")
    transfer = apply(enrolment.student, other, applicant)
    assert chain(transfer) == [
        ("sending_school", tree.school_tianshan.pk, "pending"),
        ("sending_county", tree.tianshan.pk, "waiting"),
    ]
    first = transfer.steps.get(order=1)
    assert first.opened_on is not None
    assert first.due_on is not None
    assert transfer.next_due_on == first.due_on
    assert first.due_explanation
    assert first.due_explanation[-1].startswith("结果")
    assert AuditEntry.objects.filter(
        event_type="registry.transfer_applied", target_id=str(transfer.pk)
    ).exists()


def test_cross_county_chain(tree, moved):
    enrolment, users = moved
    transfer = apply(enrolment.student, tree.school_shayibake, users[tree.school_shayibake.pk])
    assert [(k, o) for k, o, _s in chain(transfer)] == [
        ("sending_school", tree.school_tianshan.pk),
        ("sending_county", tree.tianshan.pk),
        ("receiving_county", tree.shayibake.pk),
    ]


def test_cross_prefecture_chain_and_completion(tree, moved):
    enrolment, users = moved
    transfer = apply(enrolment.student, tree.school_kashi, users[tree.school_kashi.pk], grade="14")
    assert [(k, o) for k, o, _s in chain(transfer)] == [
        ("sending_school", tree.school_tianshan.pk),
        ("sending_county", tree.tianshan.pk),
        ("receiving_county", tree.kashi_city.pk),
        ("sending_prefecture", tree.urumqi.pk),
        ("receiving_prefecture", tree.kashgar.pk),
    ]
    # Steps open one after another; each approval opens the next with its own deadline.
    first = transfer.steps.get(order=1)
    transfer = do_approve_transfer_step(first, acting_user=users[tree.school_tianshan.pk], note="同意转出")
    statuses = [s for _k, _o, s in chain(transfer)]
    assert statuses == ["approved", "pending", "waiting", "waiting", "waiting"]
    assert transfer.next_due_on == transfer.steps.get(order=2).due_on
    transfer = approve_all(Transfer.objects.get(pk=transfer.pk), users)
    transfer.refresh_from_db()
    assert transfer.status == "completed"
    assert transfer.next_due_on is None
    assert transfer.closed_at is not None
    old = Enrolment.objects.get(pk=enrolment.pk)
    new = transfer.to_enrolment
    assert (old.state, old.end_reason, old.status) == ("ended", "03", "10")
    assert old.ended_on == new.started_on == timezone.localtime(transfer.closed_at).date()
    assert (new.school_id, new.grade, new.class_name, new.status, new.state) == (
        tree.school_kashi.pk,
        "14",
        "2班",
        "01",
        "active",
    )
    assert (new.created_source, new.created_ref) == ("transfer", str(transfer.pk))
    kinds = {c.kind: c for c in StatusChange.objects.filter(transfer=transfer)}
    assert set(kinds) == {"02", "03"}
    assert kinds["03"].enrolment_id == old.pk
    assert kinds["03"].to_status == "10"
    assert kinds["02"].enrolment_id == new.pk
    assert kinds["02"].to_status == "01"
    assert Enrolment.objects.filter(student=enrolment.student, state="active").count() == 1
    assert ChangeRecord.objects.filter(record_id=old.pk, action="transfer_out").exists()
    events = list(
        AuditEntry.objects.filter(target_id=str(transfer.pk), event_type__startswith="registry.transfer_")
        .order_by("seq")
        .values_list("event_type", flat=True)
    )
    assert events == ["registry.transfer_applied"] + ["registry.transfer_approved"] * 5 + [
        "registry.transfer_completed"
    ]


def visible_enrolments(user, **filters):
    """Enrolments as the registry reads them: ``registry.student.view`` at their school."""
    q = scope_q(user, "registry.student.view", field="school")
    return Enrolment.objects.filter(q, **filters) if q is not None else Enrolment.objects.none()


def test_both_schools_see_their_own_period(tree, moved):
    enrolment, users = moved
    transfer = approve_all(apply(enrolment.student, tree.school_kashi, users[tree.school_kashi.pk]), users)
    sender = users[tree.school_tianshan.pk]
    receiver = users[tree.school_kashi.pk]
    # The sending school still finds the student and its own, ended enrolment …
    assert Student.objects.restrict(sender, "view").filter(pk=enrolment.student_id).exists()
    sender_enrolments = list(visible_enrolments(sender, student=enrolment.student))
    assert [e.pk for e in sender_enrolments] == [enrolment.pk]
    assert sender_enrolments[0].state == "ended"
    # … but not the new enrolment (its class and grade) at the receiving school.
    assert not visible_enrolments(sender, pk=transfer.to_enrolment_id).exists()
    with pytest.raises(Http404):
        access_enrolment(sender, transfer.to_enrolment_id)
    assert access_enrolment(sender, enrolment.pk).state == "ended"
    assert access_enrolment(receiver, transfer.to_enrolment_id).grade == "13"
    # The receiving school sees its period; the earlier one stays with the sending school.
    receiver_enrolments = list(visible_enrolments(receiver, student=enrolment.student))
    assert [e.pk for e in receiver_enrolments] == [transfer.to_enrolment_id]
    # Both see the transfer itself.
    assert Transfer.objects.restrict(sender, "view").filter(pk=transfer.pk).exists()
    assert Transfer.objects.restrict(receiver, "view").filter(pk=transfer.pk).exists()


def test_apply_needs_the_grant_on_the_receiving_school(tree, moved):
    enrolment, users = moved
    with pytest.raises(PermissionDenied):
        apply(enrolment.student, tree.school_kashi, users[tree.school_shayibake.pk])
    teacher = make_user("teacher", unit=tree.school_kashi, role="teacher")
    with pytest.raises(PermissionDenied):
        apply(enrolment.student, tree.school_kashi, teacher)
    assert Transfer.objects.count() == 0


def test_apply_refusals(tree, moved):
    enrolment, users = moved
    with pytest.raises(TransferRefused):
        apply(enrolment.student, tree.school_tianshan, users[tree.school_tianshan.pk])
    apply(enrolment.student, tree.school_kashi, users[tree.school_kashi.pk])
    with pytest.raises(TransferRefused) as caught:
        apply(enrolment.student, tree.school_shayibake, users[tree.school_shayibake.pk])
    assert "喀什市第一小学" in caught.value.message
    with pytest.raises(ValidationError):
        apply(enrolment.student, tree.school_shayibake, users[tree.school_shayibake.pk], grade="77")
    with pytest.raises(ValidationError):
        apply(enrolment.student, tree.school_shayibake, users[tree.school_shayibake.pk], reason=" ")
    bureau_registrar = make_user("bureau_registrar", unit=tree.tianshan, role="registrar")
    with pytest.raises(TransferRefused):  # a bureau is not a school
        apply(enrolment.student, tree.tianshan, bureau_registrar)
    assert Transfer.objects.count() == 1


def test_student_without_active_enrolment_cannot_be_transferred(tree, moved):
    from edugov.registry.actions.students import do_change_status

    enrolment, users = moved
    do_change_status(
        enrolment,
        kind="06",
        effective_on=enrolment.started_on,
        acting_user=users[tree.school_tianshan.pk],
    )
    with pytest.raises(TransferRefused):
        apply(enrolment.student, tree.school_kashi, users[tree.school_kashi.pk])


def test_each_step_needs_the_deciding_units_grant(tree, moved):
    enrolment, users = moved
    transfer = apply(enrolment.student, tree.school_kashi, users[tree.school_kashi.pk])
    first = transfer.steps.get(order=1)
    # Not the receiving school, not a sibling county, not another prefecture.
    for outsider in (tree.school_kashi, tree.shayibake, tree.kashgar, tree.kashi_city):
        with pytest.raises(PermissionDenied):
            do_approve_transfer_step(first, acting_user=users[outsider.pk])
        with pytest.raises(PermissionDenied):
            do_reject_transfer_step(first, acting_user=users[outsider.pk], reason="x")
    bureau_leader = make_user("leader", unit=tree.tianshan, role="bureau_leader")  # view only
    with pytest.raises(PermissionDenied):
        do_approve_transfer_step(first, acting_user=bureau_leader)
    first.refresh_from_db()
    assert first.status == "pending"
    do_approve_transfer_step(first, acting_user=users[tree.school_tianshan.pk])
    second = transfer.steps.get(order=2)
    with pytest.raises(PermissionDenied):
        do_approve_transfer_step(second, acting_user=users[tree.school_kashi.pk])
    # A step that is not yet open cannot be decided, even by its unit.
    with pytest.raises(TransferRefused):
        do_approve_transfer_step(transfer.steps.get(order=3), acting_user=users[tree.kashi_city.pk])
    # A decided step cannot be decided again.
    with pytest.raises(TransferRefused):
        do_approve_transfer_step(first, acting_user=users[tree.school_tianshan.pk])


def test_reject_needs_a_reason_and_ends_the_transfer(tree, moved):
    enrolment, users = moved
    transfer = apply(enrolment.student, tree.school_shayibake, users[tree.school_shayibake.pk])
    do_approve_transfer_step(transfer.steps.get(order=1), acting_user=users[tree.school_tianshan.pk])
    county_step = transfer.steps.get(order=2)
    with pytest.raises(ValidationError):
        do_reject_transfer_step(county_step, acting_user=users[tree.tianshan.pk], reason="  ")
    transfer = do_reject_transfer_step(county_step, acting_user=users[tree.tianshan.pk], reason="材料不全")
    assert transfer.status == "rejected"
    assert transfer.next_due_on is None
    assert [s for _k, _o, s in chain(transfer)] == ["approved", "rejected", "cancelled"]
    assert transfer.steps.get(order=2).note == "材料不全"
    assert Enrolment.objects.get(pk=enrolment.pk).state == "active"
    entry = AuditEntry.objects.get(event_type="registry.transfer_rejected")
    assert entry.reason == "材料不全"
    # After a rejection a new application may be made.
    apply(enrolment.student, tree.school_shayibake, users[tree.school_shayibake.pk])


def test_withdraw_by_the_applying_school_only(tree, moved):
    enrolment, users = moved
    transfer = apply(enrolment.student, tree.school_kashi, users[tree.school_kashi.pk])
    with pytest.raises(PermissionDenied):
        do_withdraw_transfer(transfer, acting_user=users[tree.school_tianshan.pk])
    transfer = do_withdraw_transfer(transfer, acting_user=users[tree.school_kashi.pk], reason="家长改变主意")
    assert transfer.status == "withdrawn"
    assert set(transfer.steps.values_list("status", flat=True)) == {"cancelled"}
    assert AuditEntry.objects.filter(event_type="registry.transfer_withdrawn", reason="家长改变主意").exists()
    with pytest.raises(TransferRefused):
        do_withdraw_transfer(transfer, acting_user=users[tree.school_kashi.pk])
    with pytest.raises(TransferRefused):
        do_approve_transfer_step(transfer.steps.get(order=1), acting_user=users[tree.school_tianshan.pk])


def test_deadline_is_counted_over_the_national_day_holiday(tree, moved, settings):
    settings.EDUGOV_TRANSFER_STEP_DAYS = 5
    enrolment, users = moved
    with time_machine.travel(dt.datetime(2025, 9, 30, 10, 0, tzinfo=dt.UTC), tick=False):
        transfer = apply(enrolment.student, tree.school_shayibake, users[tree.school_shayibake.pk])
    first = transfer.steps.get(order=1)
    assert first.opened_on == dt.date(2025, 9, 30)
    # 1–8 October are holidays; Saturday 11 October is a make-up working day (调休).
    assert first.due_on == dt.date(2025, 10, 14)
    text = "\n".join(first.due_explanation)
    assert "国庆节" in text
    assert "2025-10-11" in text
    assert "调休" in text
    assert "2025-10-14" in first.due_explanation[-1]


def test_deadline_uses_the_configured_number_of_days(tree, moved, settings):
    settings.EDUGOV_TRANSFER_STEP_DAYS = 2
    enrolment, users = moved
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC), tick=False):  # a Monday
        transfer = apply(enrolment.student, tree.school_shayibake, users[tree.school_shayibake.pk])
    assert transfer.steps.get(order=1).due_on == dt.date(2025, 6, 4)


def test_completion_refused_when_the_enrolment_ended_meanwhile(tree, moved):
    from edugov.registry.actions.students import do_change_status

    enrolment, users = moved
    other = second_tianshan_school(tree)
    applicant = make_user("applicant", unit=other, role="registrar")
    transfer = apply(enrolment.student, other, applicant)
    do_approve_transfer_step(transfer.steps.get(order=1), acting_user=users[tree.school_tianshan.pk])
    do_change_status(
        Enrolment.objects.get(pk=enrolment.pk),
        kind="06",
        effective_on=enrolment.started_on,
        acting_user=users[tree.school_tianshan.pk],
    )
    with pytest.raises(TransferRefused):
        do_approve_transfer_step(transfer.steps.get(order=2), acting_user=users[tree.tianshan.pk])
    transfer.refresh_from_db()
    assert transfer.status == "pending"
    assert transfer.steps.get(order=2).status == "pending"
    assert not Enrolment.objects.filter(school=other).exists()


def test_reminders_for_steps_due_soon_or_overdue_once_a_day(tree, moved, caplog):
    enrolment, users = moved
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC), tick=False):  # Monday
        transfer = apply(enrolment.student, tree.school_shayibake, users[tree.school_shayibake.pk])
    step = transfer.steps.get(order=1)
    assert step.due_on == dt.date(2025, 6, 9)
    assert send_due_reminders(dt.date(2025, 6, 4)) == 0  # due in three working days
    with time_machine.travel(dt.datetime(2025, 6, 6, 10, 0, tzinfo=dt.UTC), tick=False):  # Friday
        with caplog.at_level(logging.WARNING, logger="edugov.registry.transfers"):
            assert send_due_reminders(dt.date(2025, 6, 6)) == 1  # due next working day (Monday)
        assert "天山区第一小学" in caplog.text
        assert send_due_reminders(dt.date(2025, 6, 6)) == 0  # not twice the same day
    step.refresh_from_db()
    assert step.reminded_at is not None
    with time_machine.travel(dt.datetime(2025, 6, 11, 10, 0, tzinfo=dt.UTC), tick=False):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="edugov.registry.transfers"):
            call_command("remind_transfers")
        assert "OVERDUE" in caplog.text


# --- Concurrency: PostgreSQL only (SQLite serialises writers) ------------------------------


def _approve_in_thread(step_pk: int, user, results: list, barrier: threading.Barrier) -> None:
    try:
        step = TransferStep.objects.get(pk=step_pk)
        barrier.wait(timeout=10)
        do_approve_transfer_step(step, acting_user=user)
        results.append("ok")
    except TransferRefused:
        results.append("refused")
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        results.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_approval_completes_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (SELECT ... FOR UPDATE) and concurrent writers: PostgreSQL only")
    tree = build_tree()
    enrolment = enrol(tree.school_tianshan)
    other = second_tianshan_school(tree)
    applicant = make_user("applicant", unit=other, role="registrar")
    registrar = make_user("sender", unit=tree.school_tianshan, role="registrar")
    county = make_user("county", unit=tree.tianshan, role="bureau_staff")
    county2 = make_user("county2", unit=tree.tianshan, role="bureau_staff")
    transfer = apply(enrolment.student, other, applicant)
    do_approve_transfer_step(transfer.steps.get(order=1), acting_user=registrar)
    last = transfer.steps.get(order=2)
    results: list = []
    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=_approve_in_thread, args=(last.pk, user, results, barrier))
        for user in (county, county2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, results)) == ["ok", "refused"]
    transfer.refresh_from_db()
    assert transfer.status == "completed"
    assert Enrolment.objects.filter(student=enrolment.student).count() == 2
    assert Enrolment.objects.filter(student=enrolment.student, state="active").count() == 1
    assert AuditEntry.objects.filter(event_type="registry.transfer_completed").count() == 1
    assert StatusChange.objects.filter(transfer=transfer).count() == 2


def _apply_in_thread(student_pk: int, school, user, results: list, barrier: threading.Barrier) -> None:
    try:
        student = Student.objects.get(pk=student_pk)
        barrier.wait(timeout=10)
        apply(student, school, user)
        results.append("ok")
    except TransferRefused:
        results.append("refused")
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        results.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_applications_leave_one_pending_transfer():
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (SELECT ... FOR UPDATE) and concurrent writers: PostgreSQL only")
    tree = build_tree()
    enrolment = enrol(tree.school_tianshan)
    callers = [
        (tree.school_kashi, make_user("kashi_reg", unit=tree.school_kashi, role="registrar")),
        (tree.school_shayibake, make_user("sh_reg", unit=tree.school_shayibake, role="registrar")),
    ]
    results: list = []
    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=_apply_in_thread, args=(enrolment.student_id, school, user, results, barrier))
        for school, user in callers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, results)) == ["ok", "refused"]
    assert Transfer.objects.filter(student_id=enrolment.student_id, status="pending").count() == 1
