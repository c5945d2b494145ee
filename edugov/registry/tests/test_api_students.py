"""Students over the API: scoped lists and reads, masking, enrolment with conflicts, edits."""

from __future__ import annotations

import datetime as dt

import pytest
from oauth2_provider.models import AccessToken

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.registry.actions.students import do_change_status
from edugov.registry.models import ChangeRecord, Enrolment, Student
from edugov.registry.tests.factories import enrol, make_id_number
from edugov.registry.tests.test_api_base import READ, WRITE, token_client

pytestmark = pytest.mark.django_db

STUDENTS = "/api/registry/students/"


def detail(student_id: int) -> str:
    return f"{STUDENTS}{student_id}/"


def new_student(school_id: int, **overrides: object) -> dict:
    birth = dt.date(2015, 3, 1)
    body = {
        "school": school_id,
        "name": "王小红",
        "id_type": "1",
        "id_number": make_id_number(birth, sex="2"),
        "sex": "2",
        "ethnicity": "01",
        "birth_date": birth.isoformat(),
        "address": "天山区光明路 8 号",
        "grade": "16",
        "class_name": "2班",
        "entry_date": "2021-09-01",
        "guardians": [{"name": "王大山", "relation": "51", "phone": "13912345678"}],
    }
    body.update(overrides)
    return body


def test_four_callers_on_the_student_list_and_detail(tree):
    enrolment = enrol(tree.school_tianshan)
    enrol(tree.school_kashi, name="阿依古丽")

    anonymous = token_client()
    assert anonymous.get(STUDENTS).status_code == 401
    assert anonymous.get(detail(enrolment.student_id)).status_code == 401

    no_grant = token_client(make_user("nobody", unit=tree.school_tianshan), READ)
    assert no_grant.get(STUDENTS).json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert no_grant.get(detail(enrolment.student_id)).status_code == 404

    other = token_client(make_user("other", unit=tree.school_kashi, role="registrar"), READ)
    names = [row["name"] for row in other.get(STUDENTS).json()["results"]]
    assert names == ["阿依古丽"]
    assert other.get(detail(enrolment.student_id)).status_code == 404

    mine = token_client(make_user("mine", unit=tree.school_tianshan, role="registrar"), READ)
    rows = mine.get(STUDENTS).json()["results"]
    assert [row["id"] for row in rows] == [enrolment.student_id]
    row = rows[0]
    assert row["enrolment"]["school"]["id"] == tree.school_tianshan.pk
    assert row["enrolment"]["grade"] == "16"
    assert "*" in row["id_masked"]
    assert enrolment.student.id_number not in str(rows)
    assert mine.get(detail(enrolment.student_id)).json()["id"] == enrolment.student_id
    assert mine.get(detail(999999)).status_code == 404


def test_list_holds_current_enrolments_only_and_filters(tree):
    registrar = make_user("mine", unit=tree.tianshan, role="bureau_staff")
    first = enrol(tree.school_tianshan, enrolment={"grade": "16", "class_name": "1班"})
    second = enrol(tree.school_tianshan, enrolment={"grade": "15", "class_name": "3班"})
    left = enrol(tree.school_tianshan)
    do_change_status(left, kind="07", effective_on=dt.date(2025, 7, 1), acting_user=None)
    client = token_client(registrar, READ)

    def ids(**params: object) -> list[int]:
        response = client.get(STUDENTS, params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert sorted(ids()) == sorted([first.student_id, second.student_id])
    assert ids(grade="15") == [second.student_id]
    assert ids(**{"class": "1班"}) == [first.student_id]
    assert ids(school=tree.school_kashi.pk) == []
    assert sorted(ids(status="01")) == sorted([first.student_id, second.student_id])
    assert ids(student_number=second.student.student_number) == [second.student_id]
    assert "*" in client.get(STUDENTS).json()["results"][0]["student_number"]
    assert ids(student_number=second.student.student_number.lower()) == [second.student_id]
    assert ids(id_number=first.student.id_number) == [first.student_id]
    assert ids(id_number="110101200001010000") == []
    assert ids(id_number="nonsense") == []
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    assert ids(updated_since=tomorrow) == []
    Student.objects.filter(pk=first.student_id).update(name="张晓明")  # bumps nothing: raw update
    assert len(ids(updated_since="2000-01-01")) == 2
    assert client.get(STUDENTS, {"school": "x"}).status_code == 400


def test_detail_is_masked_unless_a_personal_grant_asks_for_full(tree):
    enrolment = enrol(
        tree.school_tianshan, guardians=[{"name": "张大山", "relation": "51", "phone": "13912345678"}]
    )
    student = enrolment.student
    teacher = make_user("teacher", unit=tree.school_tianshan, role="teacher")
    registrar = make_user("registrar", unit=tree.school_tianshan, role="registrar")

    masked = token_client(registrar, READ).get(detail(student.pk)).json()
    assert masked["personal"] is None
    assert masked["guardians"][0]["phone_masked"] != "13912345678"
    assert "13912345678" not in str(masked)
    assert student.id_number not in str(masked)

    # full=1 without the personal-data grant: still masked, nothing audited.
    teacher_full = token_client(teacher, READ).get(detail(student.pk), {"full": "1"}).json()
    assert teacher_full["personal"] is None
    assert student.id_number not in str(teacher_full)
    assert not AuditEntry.objects.filter(event_type="privacy.full_view").exists()

    full = token_client(registrar, READ).get(detail(student.pk), {"full": "1"}).json()
    assert full["personal"]["id_number"] == student.id_number
    assert full["personal"]["student_number"] == student.student_number
    assert full["personal"]["address"] == student.address
    assert full["personal"]["guardians"][0]["phone"] == "13912345678"
    audit = AuditEntry.objects.get(event_type="privacy.full_view")
    assert audit.acting_user == registrar
    assert audit.target_id == str(student.pk)


def test_each_school_sees_its_own_period_of_the_history(tree):
    first = enrol(tree.school_tianshan)
    do_change_status(first, kind="07", effective_on=dt.date(2025, 7, 1), acting_user=None)
    again = enrol(tree.school_kashi, id_number=first.student.id_number)
    assert again.student_id == first.student_id
    tianshan = token_client(make_user("a", unit=tree.school_tianshan, role="registrar"), READ)
    kashi = token_client(make_user("b", unit=tree.school_kashi, role="registrar"), READ)
    seen_a = tianshan.get(detail(first.student_id)).json()["enrolments"]
    seen_b = kashi.get(detail(first.student_id)).json()["enrolments"]
    assert [e["school"]["id"] for e in seen_a] == [tree.school_tianshan.pk]
    assert [e["school"]["id"] for e in seen_b] == [tree.school_kashi.pk]
    # The old school no longer lists the student as current.
    assert tianshan.get(STUDENTS).json()["results"] == []


def test_enrol_through_the_api_records_the_token_as_source(tree):
    registrar = make_user("mine", unit=tree.school_tianshan, role="registrar")
    client = token_client(registrar, READ, WRITE)
    body = new_student(tree.school_tianshan.pk)
    response = client.post(STUDENTS, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert response["Location"] == detail(data["id"])
    student = Student.objects.get(pk=data["id"])
    assert student.student_number == "G" + body["id_number"]
    assert student.created_source == "api"
    token = AccessToken.objects.get(user=registrar)
    assert student.created_ref == f"oauth-token:{token.pk}"
    assert data["guardians"][0]["name"] == "王大山"
    assert data["personal"] is None
    entry = AuditEntry.objects.get(event_type="registry.student_enrolled")
    assert entry.extra_data["source"] == "api"


def test_enrol_four_callers(tree):
    body = new_student(tree.school_tianshan.pk)
    assert token_client().post(STUDENTS, body, format="json").status_code == 401
    for user in (
        make_user("nobody", unit=tree.school_tianshan),
        make_user("other", unit=tree.school_kashi, role="registrar"),
        make_user("teacher", unit=tree.school_tianshan, role="teacher"),
    ):
        response = token_client(user, READ, WRITE).post(STUDENTS, body, format="json")
        assert response.status_code == 400
        assert "school" in response.json()
    assert not Student.objects.exists()


def test_enrolling_someone_enrolled_elsewhere_is_a_409_pointing_to_transfers(tree):
    existing = enrol(tree.school_tianshan)
    kashi = make_user("kashi", unit=tree.school_kashi, role="registrar")
    body = new_student(tree.school_kashi.pk, id_number=existing.student.id_number, sex="1", name="张小明")
    response = token_client(kashi, READ, WRITE).post(STUDENTS, body, format="json")
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "enrolment_conflict"
    assert data["same_school"] is False
    assert tree.school_tianshan.name in data["detail"]
    assert data["transfer"]["url"] == "/api/registry/transfers/"
    assert data["transfer"]["body"]["student_number"] == existing.student.student_number
    assert Enrolment.objects.count() == 1
    # Same school: a conflict without the transfer offer.
    tianshan = make_user("tianshan", unit=tree.school_tianshan, role="registrar")
    body = new_student(tree.school_tianshan.pk, id_number=existing.student.id_number, sex="1")
    same = token_client(tianshan, READ, WRITE).post(STUDENTS, body, format="json").json()
    assert same["same_school"] is True
    assert "transfer" not in same


def test_invalid_enrolment_gives_field_errors_in_chinese(tree):
    registrar = make_user("mine", unit=tree.school_tianshan, role="registrar")
    client = token_client(registrar, READ, WRITE)
    bad_id = new_student(tree.school_tianshan.pk, id_number="650102201503010001")
    response = client.post(STUDENTS, bad_id, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "id_number" in errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors["id_number"][0])
    bad_grade = client.post(STUDENTS, new_student(tree.school_tianshan.pk, grade="99"), format="json")
    assert bad_grade.status_code == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in bad_grade.json()["grade"][0])
    missing = client.post(STUDENTS, {"school": tree.school_tianshan.pk}, format="json")
    assert missing.status_code == 400
    assert {"name", "sex", "grade", "entry_date"} <= set(missing.json())
    assert not Student.objects.exists()


def test_patch_changes_fields_with_lineage_and_refuses_foreign_ones(tree):
    enrolment = enrol(tree.school_tianshan)
    registrar = make_user("mine", unit=tree.school_tianshan, role="registrar")
    client = token_client(registrar, READ, WRITE)
    url = detail(enrolment.student_id)
    response = client.patch(url, {"name": "张晓明", "class_name": "5班"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "张晓明"
    assert response.json()["enrolments"][0]["class_name"] == "5班"
    change = ChangeRecord.objects.filter(
        record_type="registry.student", record_id=enrolment.student_id
    ).latest("pk")
    assert change.source == "api"
    assert change.source_ref.startswith("oauth-token:")
    # 一数一源: aid eligibility belongs to the county bureau.
    refused = client.patch(url, {"aid_eligible": True}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "ownership_refused"
    assert tree.tianshan.name in refused.json()["detail"]  # names the owner
    assert Student.objects.get(pk=enrolment.student_id).aid_eligible is False
    county = token_client(make_user("county", unit=tree.tianshan, role="bureau_staff"), READ, WRITE)
    assert county.patch(url, {"aid_eligible": True}, format="json").status_code == 200
    assert Student.objects.get(pk=enrolment.student_id).aid_eligible is True


def test_patch_four_callers(tree):
    enrolment = enrol(tree.school_tianshan)
    url = detail(enrolment.student_id)
    assert token_client().patch(url, {"name": "李四"}, format="json").status_code == 401
    for user in (
        make_user("nobody", unit=tree.school_tianshan),
        make_user("other", unit=tree.school_kashi, role="registrar"),
    ):
        assert token_client(user, READ, WRITE).patch(url, {"name": "李四"}, format="json").status_code == 404
    # A teacher sees the student but owns none of its fields.
    teacher = make_user("teacher", unit=tree.school_tianshan, role="teacher")
    refused = token_client(teacher, READ, WRITE).patch(url, {"name": "李四"}, format="json")
    assert refused.status_code == 403
    assert Student.objects.get(pk=enrolment.student_id).name == "张小明"
    mine = token_client(make_user("mine", unit=tree.school_tianshan, role="registrar"), READ, WRITE)
    assert mine.patch(url, {}, format="json").status_code == 400
    assert mine.patch(url, {"name": "李四"}, format="json").status_code == 200


def _bulk_enrol(school, count: int, start: int) -> None:
    """``count`` current enrolments at ``school``, written directly (fast) for query counting."""
    students = Student.objects.bulk_create(
        Student(
            name=f"学生{start + i}",
            sex="1",
            birth_date=dt.date(2015, 3, 1),
            student_number=f"L{start + i:018d}",
        )
        for i in range(count)
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            student=student,
            school=school,
            grade="16",
            entry_date=dt.date(2021, 9, 1),
            started_on=dt.date(2021, 9, 1),
        )
        for student in students
    )


def test_the_list_runs_the_same_queries_for_10_and_200_rows(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = token_client(make_user("county", unit=tree.tianshan, role="bureau_staff"), READ)

    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(STUDENTS, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(captured)

    _bulk_enrol(tree.school_tianshan, 10, 0)
    ten = queries(10)
    _bulk_enrol(tree.school_tianshan, 190, 10)
    assert queries(200) == ten
