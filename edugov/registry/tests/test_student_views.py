"""Student staff UI: the four-caller matrix, scoped lists, masking and the full view (DB-8, DB-9)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.registry.actions.students import do_change_status
from edugov.registry.models import Enrolment, Student
from edugov.registry.tests.factories import enrol

pytestmark = pytest.mark.django_db

NAME = "古丽娜尔"
GUARDIAN_PHONE = "13912345678"


@pytest.fixture
def pupil(tree):
    """A student at 天山区第一小学 with a guardian, enrolled by the school's registrar."""
    registrar = make_user("ts_reg", unit=tree.school_tianshan, role="registrar")
    enrolment = enrol(
        tree.school_tianshan,
        user=registrar,
        name=NAME,
        guardians=[{"name": "张大山", "relation": "51", "phone": GUARDIAN_PHONE}],
    )
    return enrolment.student


def _student(pk):
    return Student.objects.get(pk=pk)


# (url name, method, POST data) — object views take the student's pk.
OBJECT_VIEWS = [
    ("registry:student_detail", "get", None),
    ("registry:student_detail", "post", {"reason": "核对"}),
    ("registry:student_edit", "get", None),
    ("registry:student_edit", "post", {"name": "改名", "sex": "1", "id_type": "1", "nationality": "CHN"}),
    ("registry:student_status", "get", None),
    ("registry:student_status", "post", {"kind": "04", "effective_on": "2025-10-01"}),
    ("registry:enrolment_edit", "get", None),
    ("registry:enrolment_edit", "post", {"grade": "16", "class_name": "9班", "study_mode": "1"}),
]


def _object_url(name, student):
    if name == "registry:enrolment_edit":
        return reverse(name, args=[student.enrolments.get().pk])
    return reverse(name, args=[student.pk])


def _call(client, name, method, data, student):
    url = _object_url(name, student)
    if method == "post":
        data = dict(data)
        if name == "registry:enrolment_edit":
            data["entry_date"] = "2021-09-01"
        return client.post(url, data)
    return client.get(url)


def _unchanged(student):
    fresh = _student(student.pk)
    enrolment = fresh.enrolments.get()
    assert fresh.name == NAME
    assert (enrolment.status, enrolment.class_name) == ("01", "1班")
    assert not AuditEntry.objects.filter(event_type="privacy.full_view").exists()


@pytest.mark.parametrize(("name", "method", "data"), OBJECT_VIEWS)
def test_anonymous_is_sent_to_sign_in(client, pupil, name, method, data):
    response = _call(client, name, method, data, pupil)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    _unchanged(pupil)


@pytest.mark.parametrize(("name", "method", "data"), OBJECT_VIEWS)
def test_user_without_grant_gets_not_found(client, tree, pupil, no_mfa, name, method, data):
    client.force_login(make_user("plain", unit=tree.school_tianshan))
    response = _call(client, name, method, data, pupil)
    assert response.status_code == 404
    assert NAME not in response.content.decode()
    _unchanged(pupil)


@pytest.mark.parametrize(("name", "method", "data"), OBJECT_VIEWS)
def test_grant_on_another_unit_gets_not_found(client, tree, pupil, no_mfa, name, method, data):
    client.force_login(make_user("kashi_reg", unit=tree.school_kashi, role="registrar"))
    response = _call(client, name, method, data, pupil)
    assert response.status_code == 404
    assert NAME not in response.content.decode()
    _unchanged(pupil)


@pytest.mark.parametrize(("name", "method", "data"), OBJECT_VIEWS)
def test_grant_on_this_unit_is_allowed(client, tree, pupil, no_mfa, name, method, data):
    client.force_login(make_user("ts_reg2", unit=tree.school_tianshan, role="registrar"))
    response = _call(client, name, method, data, pupil)
    assert response.status_code in (200, 302)
    if method == "post" and name != "registry:student_detail":
        assert response.status_code == 302, response.content.decode()[:3000]


def test_a_teacher_can_read_but_not_edit(client, tree, pupil, no_mfa):
    client.force_login(make_user("ts_teacher", unit=tree.school_tianshan, role="teacher"))
    body = client.get(reverse("registry:student_detail", args=[pupil.pk])).content.decode()
    assert NAME in body
    assert reverse("registry:student_edit", args=[pupil.pk]) not in body
    assert client.get(reverse("registry:student_edit", args=[pupil.pk])).status_code == 404
    assert client.post(reverse("registry:student_detail", args=[pupil.pk]), {}).status_code == 403
    assert not AuditEntry.objects.filter(event_type="privacy.full_view").exists()


# Lists ---------------------------------------------------------------------------------------


def test_list_anonymous_and_without_grant(client, tree, pupil, no_mfa):
    url = reverse("registry:student_list")
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(make_user("plain", unit=tree.tianshan))
    assert client.get(url).status_code == 404


def test_list_shows_only_students_in_scope(client, tree, pupil, no_mfa):
    enrol(tree.school_kashi, name="阿依古丽")
    client.force_login(make_user("ts_staff", unit=tree.tianshan, role="bureau_staff"))
    body = client.get(reverse("registry:student_list")).content.decode()
    assert NAME in body
    assert "阿依古丽" not in body
    client.force_login(make_user("kashi_reg", unit=tree.school_kashi, role="registrar"))
    body = client.get(reverse("registry:student_list")).content.decode()
    assert NAME not in body
    assert "阿依古丽" in body


def test_list_masks_id_numbers_and_never_decrypts(client, tree, pupil, no_mfa, monkeypatch):
    from edugov.core import crypto

    full = pupil.id_number
    client.force_login(make_user("ts_reg2", unit=tree.school_tianshan, role="registrar"))
    calls = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda *a, **k: calls.append(a) or real(*a, **k))
    body = client.get(reverse("registry:student_list")).content.decode()
    assert pupil.id_masked in body
    assert full not in body
    assert calls == []


def test_list_filters(client, tree, pupil, no_mfa):
    other = enrol(tree.school_tianshan, name="王芳", enrolment={"grade": "15", "class_name": "2班"}).student
    Student.objects.filter(pk=other.pk).update(left_behind=True)
    client.force_login(make_user("ts_staff", unit=tree.tianshan, role="bureau_staff"))
    url = reverse("registry:student_list")

    def names(**params):
        body = client.get(url, params).content.decode()
        return {n for n in (NAME, "王芳") if n in body}

    assert names() == {NAME, "王芳"}
    assert names(grade="15") == {"王芳"}
    assert names(class_name="1班") == {NAME}
    assert names(flags="left_behind") == {"王芳"}
    assert names(name="王") == {"王芳"}
    assert names(name="芳") == set()
    assert names(name="芳", name_match="contains") == {"王芳"}
    assert names(student_number=pupil.student_number) == {NAME}
    assert names(unit=tree.school_tianshan.pk) == {NAME, "王芳"}
    assert names(unit=tree.school_kashi.pk) == {NAME, "王芳"}  # out of scope: ignored, not widened
    assert names(status="ended") == set()


def test_list_search_by_id_number_keeps_it_out_of_the_url(client, tree, pupil, no_mfa):
    enrol(tree.school_tianshan, name="王芳")
    client.force_login(make_user("ts_staff", unit=tree.tianshan, role="bureau_staff"))
    response = client.post(reverse("registry:student_list"), {"id_number": pupil.id_number.lower()})
    assert response.status_code == 302
    assert pupil.id_number not in response["Location"]
    assert pupil.id_number.lower() not in response["Location"]
    body = client.get(response["Location"]).content.decode()
    assert NAME in body
    assert "王芳" not in body
    wrong = client.post(reverse("registry:student_list"), {"id_number": "110101200001011234"})
    assert NAME not in client.get(wrong["Location"]).content.decode()


def test_list_shows_ended_enrolments_on_request(client, tree, pupil, no_mfa):
    registrar = make_user("ts_reg2", unit=tree.school_tianshan, role="registrar")
    do_change_status(
        pupil.enrolments.get(),
        kind="07",
        effective_on=pupil.enrolments.get().started_on,
        acting_user=registrar,
    )
    client.force_login(registrar)
    url = reverse("registry:student_list")
    assert NAME not in client.get(url).content.decode()
    assert NAME in client.get(url, {"status": "ended"}).content.decode()
    assert NAME in client.get(url, {"status": "07"}).content.decode()


def _bulk_enrol(school, count, start):
    import datetime as dt

    students = Student.objects.bulk_create(
        [
            Student(
                name=f"学生{start + i}",
                sex="1",
                birth_date=dt.date(2015, 3, 1),
                student_number=f"L650102201503{start + i:06d}",
                id_masked=f"65**{start + i}",
            )
            for i in range(count)
        ]
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                student=s,
                school=school,
                grade="16",
                class_name=f"{i % 7}班",
                entry_date=dt.date(2021, 9, 1),
                started_on=dt.date(2021, 9, 1),
            )
            for i, s in enumerate(students)
        ]
    )


def test_list_runs_the_same_number_of_queries_for_10_and_1000_rows(client, tree, no_mfa):
    _bulk_enrol(tree.school_tianshan, 10, 0)
    client.force_login(make_user("ts_staff", unit=tree.tianshan, role="bureau_staff"))
    url = reverse("registry:student_list")
    client.get(url)  # warm the code-table cache
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"sort": "school"}).status_code == 200
    _bulk_enrol(tree.school_tianshan, 990, 10)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url, {"sort": "school"}).content.decode()
    assert body.count('data-testid="student-row"') == 50
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# Record page ----------------------------------------------------------------------------------


def test_detail_masks_and_full_view_is_audited_once(client, tree, pupil, no_mfa):
    client.force_login(make_user("ts_reg2", unit=tree.school_tianshan, role="registrar"))
    url = reverse("registry:student_detail", args=[pupil.pk])
    body = client.get(url).content.decode()
    assert pupil.id_masked in body
    assert pupil.id_number not in body
    assert GUARDIAN_PHONE not in body
    assert "139****5678" in body
    assert 'data-testid="show-personal"' in body
    assert not AuditEntry.objects.filter(event_type="privacy.full_view").exists()

    response = client.post(url, {"reason": "核对身份"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert pupil.id_number in body
    assert GUARDIAN_PHONE in body
    entry = AuditEntry.objects.get(event_type="privacy.full_view")
    assert entry.target_id == str(pupil.pk)
    assert entry.reason == "核对身份"
    assert pupil.id_number not in client.get(url).content.decode()


def test_bureau_without_personal_grant_sees_no_full_view_button(client, tree, pupil, no_mfa):
    client.force_login(make_user("ts_staff", unit=tree.tianshan, role="bureau_staff"))
    url = reverse("registry:student_detail", args=[pupil.pk])
    body = client.get(url).content.decode()
    assert NAME in body
    assert 'data-testid="show-personal"' not in body
    assert client.post(url, {}).status_code == 403
    assert not AuditEntry.objects.filter(event_type="privacy.full_view").exists()


def test_each_school_sees_its_own_period_and_the_bureau_sees_all(client, tree, pupil, no_mfa):
    kashi_reg = make_user("kashi_reg", unit=tree.school_kashi, role="registrar")
    ts_reg = make_user("ts_reg2", unit=tree.school_tianshan, role="registrar")
    first = pupil.enrolments.get()
    do_change_status(first, kind="06", effective_on=first.started_on, acting_user=ts_reg)
    values = {"id_number": pupil.id_number, "name": NAME}
    enrol(tree.school_kashi, user=kashi_reg, **values)

    client.force_login(kashi_reg)
    table = _enrolments_table(client, pupil)
    assert "喀什市第一小学" in table
    assert "天山区第一小学" not in table
    client.force_login(ts_reg)
    table = _enrolments_table(client, pupil)
    assert "天山区第一小学" in table
    assert "喀什市第一小学" not in table
    client.force_login(make_user("province", unit=tree.province, role="bureau_staff"))
    table = _enrolments_table(client, pupil)
    assert "天山区第一小学" in table
    assert "喀什市第一小学" in table


def _enrolments_table(client, student):
    body = client.get(reverse("registry:student_detail", args=[student.pk])).content.decode()
    start = body.index('data-testid="enrolments"')
    return body[start : body.index("</table>", start)]


def test_list_count_is_capped_for_huge_scopes(client, tree, no_mfa, monkeypatch):
    from edugov.registry.views.students import CappedPaginator

    _bulk_enrol(tree.school_tianshan, 60, 0)
    client.force_login(make_user("ts_staff", unit=tree.tianshan, role="bureau_staff"))
    url = reverse("registry:student_list")
    page = client.get(url).context["page"]
    assert page.paginator.count == 60
    assert not page.paginator.is_capped
    monkeypatch.setattr(CappedPaginator, "cap", 55)
    response = client.get(url)
    assert response.context["page"].paginator.is_capped
    assert response.content.decode().count('data-testid="student-row"') == 50
    # Paging stops just past the cap: the user narrows the filters instead.
    assert client.get(url, {"page": "2"}).content.decode().count('data-testid="student-row"') == 6
