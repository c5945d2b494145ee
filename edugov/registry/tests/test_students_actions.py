"""Enrolment, one person one number (DB-2), lineage (DB-5) and privacy at rest (DB-9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.registry.actions.students import (
    do_change_status,
    do_enrol_student,
    do_merge_students,
    do_revert_merge,
    do_update_student,
    do_view_student_personal,
)
from edugov.registry.errors import EnrolmentConflict, MergeRefused, OwnershipRefused
from edugov.registry.lineage import history
from edugov.registry.models import ChangeRecord, DuplicateSuspect, Enrolment, Student
from edugov.registry.tests.factories import enrol, enrolment_values, student_values

pytestmark = pytest.mark.django_db


def test_enrol_creates_person_number_and_history(tree):
    registrar = make_user("reg", unit=tree.school_tianshan, role="registrar")
    values = student_values()
    enrolment = do_enrol_student(
        tree.school_tianshan,
        student=values,
        enrolment=enrolment_values(),
        acting_user=registrar,
        guardians=[{"name": "张大山", "relation": "51", "phone": "13912345678"}],
    )
    student = enrolment.student
    assert student.student_number == "G" + values["id_number"]
    assert student.id_masked.startswith(values["id_number"][:6])
    assert "*" in student.id_masked
    assert enrolment.status == "01"
    assert enrolment.state == "active"
    assert student.status_changes.get().kind == "01"
    assert AuditEntry.objects.filter(event_type="registry.student_enrolled").count() == 1
    assert history(student)[-1].action == "create"


def test_same_person_elsewhere_is_a_conflict_that_offers_transfer(tree):
    values = student_values()
    enrol(tree.school_tianshan, id_number=values["id_number"])
    other = make_user("reg2", unit=tree.school_kashi, role="registrar")
    with pytest.raises(EnrolmentConflict) as caught:
        do_enrol_student(tree.school_kashi, student=values, enrolment=enrolment_values(), acting_user=other)
    assert "transfer" in caught.value.message or "转学" in caught.value.message
    assert caught.value.details["same_school"] is False
    assert Student.objects.count() == 1
    assert Enrolment.objects.count() == 1
    assert AuditEntry.objects.filter(event_type="registry.enrol_refused", success=False).exists()


def test_id_number_is_encrypted_at_rest_and_found_by_hash(tree):
    values = student_values()
    enrolment = enrol(tree.school_tianshan, id_number=values["id_number"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, address FROM registry_student WHERE id = %s", [enrolment.student_id]
        )
        raw_id, raw_address = cursor.fetchone()
    assert values["id_number"] not in raw_id
    assert raw_id.startswith("v1:")
    assert "解放北路" not in raw_address
    from edugov.registry.identity import id_lookup_hash

    assert (
        Student.objects.get(id_hash=id_lookup_hash("1", values["id_number"].lower())).pk
        == enrolment.student_id
    )


def test_student_number_is_encrypted_at_rest_and_found_by_hash(tree):
    from edugov.registry.identity import student_number_hash

    values = student_values()
    enrolment = enrol(tree.school_tianshan, id_number=values["id_number"])
    number = "G" + values["id_number"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT student_number, student_number_hash, student_number_masked FROM registry_student "
            "WHERE id = %s",
            [enrolment.student_id],
        )
        raw_number, raw_hash, raw_masked = cursor.fetchone()
    assert values["id_number"] not in raw_number
    assert raw_number.startswith("v1:")
    assert values["id_number"] not in raw_hash
    assert raw_masked == "G" + values["id_number"][:6] + "********" + values["id_number"][-4:]
    assert Student.objects.get(pk=enrolment.student_id).student_number == number
    found = Student.objects.get(student_number_hash=student_number_hash(" " + number.lower()))
    assert found.pk == enrolment.student_id
    assert student_number_hash("") is None


def test_student_number_migration_encrypts_existing_plain_numbers(tree):
    """The data step of migration 0003 on rows holding plain numbers (as before it ran)."""
    import importlib
    from types import SimpleNamespace

    from django.db.migrations.executor import MigrationExecutor

    from edugov.registry.identity import student_number_hash

    migration = importlib.import_module("edugov.registry.migrations.0003_encrypt_student_number")
    plain = enrol(tree.school_tianshan).student
    kept = enrol(tree.school_tianshan, id_number=student_values()["id_number"]).student
    number = plain.student_number
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_student SET student_number = %s, student_number_hash = NULL, "
            "student_number_masked = '' WHERE id = %s",
            [number, plain.pk],
        )
        cursor.execute("SELECT student_number FROM registry_student WHERE id = %s", [kept.pk])
        kept_raw = cursor.fetchone()[0]
    apps = (
        MigrationExecutor(connection)
        .loader.project_state(("registry", "0002_student_name_prefix_index"))
        .apps
    )
    migration.encrypt_numbers(apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT student_number FROM registry_student WHERE id = %s", [plain.pk])
        assert cursor.fetchone()[0].startswith("v1:")
        cursor.execute("SELECT student_number FROM registry_student WHERE id = %s", [kept.pk])
        assert cursor.fetchone()[0] == kept_raw  # already encrypted: left as it was
    converted = Student.objects.get(student_number_hash=student_number_hash(number))
    assert converted.pk == plain.pk
    assert converted.student_number == number
    assert converted.student_number_masked == plain.student_number_masked


def test_full_view_needs_grant_and_is_audited(tree):
    enrolment = enrol(tree.school_tianshan)
    teacher = make_user("t", unit=tree.school_tianshan, role="teacher")
    registrar = make_user("r", unit=tree.school_tianshan, role="registrar")
    with pytest.raises(Exception, match=".+"):
        do_view_student_personal(enrolment.student, acting_user=teacher)
    data = do_view_student_personal(enrolment.student, acting_user=registrar)
    assert data["id_number"] == enrolment.student.id_number
    assert AuditEntry.objects.filter(event_type="privacy.full_view", acting_user=registrar).count() == 1


def test_update_records_lineage_and_refuses_foreign_fields(tree):
    enrolment = enrol(tree.school_tianshan)
    registrar = make_user("r", unit=tree.school_tianshan, role="registrar")
    changes = do_update_student(
        enrolment.student, {"name": "张晓明", "left_behind": True}, acting_user=registrar
    )
    assert changes["name"] == ["张小明", "张晓明"]
    record = ChangeRecord.objects.get(record_id=enrolment.student_id)
    assert record.acting_user == registrar
    assert record.source == "form"
    # Aid eligibility is the county bureau's (一数一源): the school's registrar is refused.
    with pytest.raises(OwnershipRefused, match=".+"):
        do_update_student(enrolment.student, {"aid_eligible": True}, acting_user=registrar)
    county = make_user("c", unit=tree.tianshan, role="bureau_staff")
    do_update_student(enrolment.student, {"aid_eligible": True}, acting_user=county)
    assert Student.objects.get(pk=enrolment.student_id).aid_eligible is True


def test_lineage_masks_sensitive_values(tree):
    enrolment = enrol(tree.school_tianshan)
    registrar = make_user("r", unit=tree.school_tianshan, role="registrar")
    do_update_student(enrolment.student, {"address": "新地址 99 号"}, acting_user=registrar)
    stored = ChangeRecord.objects.get(record_id=enrolment.student_id).changes["address"]
    assert "新地址 99 号" not in stored
    assert "*" in stored[1]


def test_status_change_ends_enrolment_and_keeps_history(tree):
    registrar = make_user("r", unit=tree.school_tianshan, role="registrar")
    enrolment = enrol(tree.school_tianshan)
    do_change_status(enrolment, kind="04", effective_on=dt.date(2026, 3, 1), acting_user=registrar)
    enrolment.refresh_from_db()
    assert enrolment.status == "02"
    do_change_status(enrolment, kind="07", effective_on=dt.date(2026, 7, 1), acting_user=registrar)
    enrolment.refresh_from_db()
    assert enrolment.state == "ended"
    assert enrolment.ended_on == dt.date(2026, 7, 1)
    with pytest.raises(ValidationError):
        do_change_status(enrolment, kind="05", effective_on=dt.date(2026, 8, 1), acting_user=registrar)
    # Ended: the person may now be enrolled again somewhere else.
    values = student_values(id_number=enrolment.student.id_number)
    again = enrol(tree.school_kashi, id_number=values["id_number"])
    assert again.student_id == enrolment.student_id
    assert list(enrolment.student.enrolments.order_by("pk").values_list("state", flat=True)) == [
        "ended",
        "active",
    ]


def test_duplicate_suspect_without_id_and_reversible_merge(tree):
    guardian = [{"name": "阿依古丽", "relation": "52", "phone": "13800001111"}]
    first = enrol(
        tree.school_tianshan,
        id_type="B",
        id_number="",
        name="买买提",
        guardians=guardian,
        birth_date=dt.date(2016, 5, 5),
    )
    registrar = make_user("r", unit=tree.urumqi, role="registrar")
    do_change_status(first, kind="06", effective_on=dt.date(2026, 1, 5), acting_user=registrar)
    second = enrol(
        tree.school_shayibake,
        id_type="B",
        id_number="",
        name="买买提",
        guardians=guardian,
        birth_date=dt.date(2016, 5, 5),
    )
    suspect = DuplicateSuspect.objects.get()
    assert {suspect.first_id, suspect.second_id} == {first.student_id, second.student_id}
    merge = do_merge_students(second.student, first.student, acting_user=registrar, suspect=suspect)
    assert second.student.enrolments.count() == 2
    assert Student.objects.get(pk=first.student_id).merged_into_id == second.student_id
    with pytest.raises(MergeRefused):
        do_merge_students(second.student, first.student, acting_user=registrar)
    do_revert_merge(merge, acting_user=registrar)
    assert Student.objects.get(pk=first.student_id).enrolments.count() == 1
    assert Student.objects.get(pk=first.student_id).merged_into_id is None
    assert DuplicateSuspect.objects.get().status == "open"


def test_errors_name_the_field_that_is_wrong(tree):
    with pytest.raises(ValidationError) as bad_type:
        enrol(tree.school_tianshan, id_type="Q")
    assert set(bad_type.value.message_dict) == {"id_type"}
    with pytest.raises(ValidationError) as bad_number:
        enrol(tree.school_tianshan, id_number="650102201503010000")
    assert "id_number" in bad_number.value.message_dict
    assert "id_type" not in bad_number.value.message_dict
