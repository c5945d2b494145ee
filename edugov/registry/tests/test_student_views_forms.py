"""Student forms: enrolment (一人一籍 conflicts, age against grade), edits under 一数一源, status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.registry.lineage import history
from edugov.registry.models import Enrolment, GuardianLink, StatusChange, Student
from edugov.registry.tests.factories import enrol, make_id_number
from edugov.registry.views import students as views

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrar(tree):
    return make_user("ts_reg", unit=tree.school_tianshan, role="registrar")


def _enrol_data(school, **overrides):
    data = {
        "school": school.pk,
        "name": "买买提",
        "id_type": "1",
        "id_number": make_id_number(dt.date(2015, 3, 1)),
        "sex": "1",
        "ethnicity": "02",
        "nationality": "CHN",
        "household_region": "650102",
        "address": "天山区新华北路 8 号",
        "grade": "16",
        "class_name": "3班",
        "entry_date": "2021-09-01",
        "study_mode": "1",
        "guardian1_name": "买买提江",
        "guardian1_relation": "51",
        "guardian1_phone": "13811112222",
    }
    data.update(overrides)
    return data


# Enrol ----------------------------------------------------------------------------------------


def test_enrol_four_callers(client, tree, no_mfa):
    url = reverse("registry:student_enrol")
    data = _enrol_data(tree.school_tianshan)
    assert client.post(url, data)["Location"].startswith(reverse("account_login"))
    client.force_login(make_user("plain", unit=tree.school_tianshan))
    assert client.post(url, data).status_code == 404
    client.force_login(make_user("kashi_reg", unit=tree.school_kashi, role="registrar"))
    response = client.post(url, data)
    assert response.status_code == 200  # the school is not among the choices
    assert "school" in response.context["form"].errors
    assert not Student.objects.exists()
    client.force_login(make_user("ts_reg", unit=tree.school_tianshan, role="registrar"))
    response = client.post(url, data)
    student = Student.objects.get()
    assert response["Location"] == reverse("registry:student_detail", args=[student.pk])
    assert student.id_number == data["id_number"]
    assert student.birth_date == dt.date(2015, 3, 1)  # taken from the ID number
    enrolment = student.enrolments.get()
    assert (enrolment.school, enrolment.grade, enrolment.class_name) == (tree.school_tianshan, "16", "3班")
    link = GuardianLink.objects.select_related("guardian").get(student=student)
    assert link.guardian.phone_masked == "138****2222"


def test_enrol_offers_the_school_choice_from_the_add_grant_only(client, tree, registrar, no_mfa):
    client.force_login(registrar)
    form = client.get(reverse("registry:student_enrol")).context["form"]
    assert list(form.fields["school"].queryset) == [tree.school_tianshan]
    assert form.fields["sex"].choices[1][0] == "1"  # code-table choices
    assert ("16", "16 小学六年级") in form.fields["grade"].choices


def test_enrol_conflict_elsewhere_offers_the_transfer_flow(client, tree, no_mfa, monkeypatch):
    existing = enrol(tree.school_tianshan).student
    monkeypatch.setattr(
        views,
        "safe_reverse",
        lambda name, *args: "/registry/transfers/apply/" if name == "registry:transfer_apply" else None,
    )
    client.force_login(make_user("kashi_reg", unit=tree.school_kashi, role="registrar"))
    data = _enrol_data(tree.school_kashi, id_number=existing.id_number)
    response = client.post(reverse("registry:student_enrol"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/registry/transfers/apply/?student={existing.pk}" in body
    assert 'data-testid="conflict-transfer"' in body
    errors = response.context["form"].non_field_errors()
    assert any("天山区第一小学" in e for e in errors)
    assert Enrolment.objects.count() == 1
    assert Student.objects.count() == 1


def test_enrol_conflict_links_the_installed_transfer_page(client, tree, no_mfa):
    existing = enrol(tree.school_tianshan).student
    client.force_login(make_user("kashi_reg", unit=tree.school_kashi, role="registrar"))
    data = _enrol_data(tree.school_kashi, id_number=existing.id_number)
    response = client.post(reverse("registry:student_enrol"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    apply_url = views.safe_reverse("registry:transfer_apply")
    if apply_url:  # the transfer flow is its own part of the registry
        assert f"{apply_url}?student={existing.pk}" in response.content.decode()
        assert client.get(f"{apply_url}?student={existing.pk}").status_code == 200
    assert Enrolment.objects.count() == 1


def test_enrol_conflict_at_the_same_school_links_the_record(client, tree, registrar, no_mfa):
    existing = enrol(tree.school_tianshan).student
    client.force_login(registrar)
    data = _enrol_data(tree.school_tianshan, id_number=existing.id_number)
    body = client.post(reverse("registry:student_enrol"), data).content.decode()
    assert reverse("registry:student_detail", args=[existing.pk]) in body
    assert Enrolment.objects.count() == 1


def test_enrol_age_against_grade_is_a_form_error(client, tree, registrar, no_mfa):
    client.force_login(registrar)
    response = client.post(reverse("registry:student_enrol"), _enrol_data(tree.school_tianshan, grade="33"))
    assert response.status_code == 200
    assert response.context["form"].errors["grade"]
    assert not Student.objects.exists()


def test_enrol_action_errors_land_on_the_fields(client, tree, registrar, no_mfa):
    client.force_login(registrar)
    bad = _enrol_data(tree.school_tianshan, id_number="650102201503010000", guardian1_relation="")
    response = client.post(reverse("registry:student_enrol"), bad)
    form = response.context["form"]
    assert form.errors["guardian1_relation"]
    assert not Student.objects.exists()
    response = client.post(
        reverse("registry:student_enrol"), _enrol_data(tree.school_tianshan, id_number="123")
    )
    assert response.context["form"].errors["id_number"]
    assert not Student.objects.exists()


def test_enrol_without_id_number_needs_a_birth_date(client, tree, registrar, no_mfa):
    client.force_login(registrar)
    response = client.post(reverse("registry:student_enrol"), _enrol_data(tree.school_tianshan, id_number=""))
    assert response.context["form"].errors["birth_date"]
    data = _enrol_data(tree.school_tianshan, id_number="", birth_date="2015-05-05")
    response = client.post(reverse("registry:student_enrol"), data)
    assert response.status_code == 302
    assert Student.objects.get().student_number.startswith("L")


# Edit -----------------------------------------------------------------------------------------


def _posted(client, url, **changes):
    """What a browser posts from the edit form: every enabled field as shown, plus changes."""
    form = client.get(url).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if field.disabled or value in (None, False, ""):
            continue
        data[name] = "on" if value is True else str(value)
    data.update(changes)
    return data


def test_edit_disables_families_owned_elsewhere_and_names_the_owner(client, tree, registrar, no_mfa):
    student = enrol(tree.school_tianshan, user=registrar).student
    client.force_login(registrar)
    response = client.get(reverse("registry:student_edit", args=[student.pk]))
    form = response.context["form"]
    assert form.fields["aid_eligible"].disabled
    assert "天山区教育局" in str(form.fields["aid_eligible"].help_text)
    assert not form.fields["name"].disabled
    assert 'name="aid_eligible"' in response.content.decode()
    assert "disabled" in str(form["aid_eligible"])

    # A disabled field cannot be changed by posting it anyway.
    url = reverse("registry:student_edit", args=[student.pk])
    response = client.post(url, _posted(client, url, name="张晓明", aid_eligible="on"))
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.name == "张晓明"
    assert student.aid_eligible is False
    assert history(student)[0].changes == {"name": ["张小明", "张晓明"]}


def test_aid_office_edits_only_the_aid_flag(client, tree, registrar, no_mfa):
    student = enrol(tree.school_tianshan, user=registrar).student
    client.force_login(make_user("aid", unit=tree.tianshan, role="bureau_staff"))
    form = client.get(reverse("registry:student_edit", args=[student.pk])).context["form"]
    assert form.fields["name"].disabled
    assert not form.fields["aid_eligible"].disabled
    data = {"name": "别人", "aid_eligible": "on"}
    assert client.post(reverse("registry:student_edit", args=[student.pk]), data).status_code == 302
    student.refresh_from_db()
    assert student.aid_eligible is True
    assert student.name == "张小明"


def test_ownership_refusal_is_a_form_error(client, tree, registrar, no_mfa, monkeypatch):
    student = enrol(tree.school_tianshan, user=registrar).student
    everything = {"name", "sex", "id_type", "nationality", "aid_eligible", "left_behind"}
    monkeypatch.setattr(views, "editable_fields", lambda user, record: everything)
    client.force_login(registrar)
    url = reverse("registry:student_edit", args=[student.pk])
    response = client.post(url, _posted(client, url, aid_eligible="on"))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("天山区教育局" in e for e in errors)
    student.refresh_from_db()
    assert student.aid_eligible is False
    assert AuditEntry.objects.filter(event_type="registry.ownership_refused", success=False).exists()


def test_edit_keeps_the_id_number_when_left_empty_and_validates_a_new_one(client, tree, registrar, no_mfa):
    student = enrol(tree.school_tianshan, user=registrar).student
    original = student.id_number
    client.force_login(registrar)
    url = reverse("registry:student_edit", args=[student.pk])
    base = _posted(client, url)
    assert original not in client.get(url).content.decode()
    assert client.post(url, {**base, "left_behind": "on"}).status_code == 302
    assert history(student)[0].changes == {"left_behind": [False, True]}
    student.refresh_from_db()
    assert student.id_number == original
    assert student.left_behind is True
    response = client.post(url, {**base, "id_number": "650102201503019999"})
    assert response.context["form"].errors["id_number"]


# Enrolment and status -------------------------------------------------------------------------


def test_enrolment_edit_changes_class_with_lineage(client, tree, registrar, no_mfa):
    enrolment = enrol(tree.school_tianshan, user=registrar)
    client.force_login(registrar)
    data = {"grade": "16", "class_name": "5班", "entry_date": "2021-09-01", "study_mode": "1"}
    response = client.post(reverse("registry:enrolment_edit", args=[enrolment.pk]), data)
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.class_name == "5班"
    assert history(enrolment)[0].changes == {"class_name": ["1班", "5班"]}
    body = client.get(reverse("registry:student_detail", args=[enrolment.student_id])).content.decode()
    assert "5班" in body
    assert 'data-field="class_name"' in body


def test_status_change_suspend_resume_and_graduate(client, tree, registrar, no_mfa):
    enrolment = enrol(tree.school_tianshan, user=registrar)
    client.force_login(registrar)
    url = reverse("registry:student_status", args=[enrolment.student_id])
    assert client.post(url, {"kind": "05", "effective_on": "2025-10-01"}).context["form"].errors["kind"]
    assert client.post(url, {"kind": "04", "effective_on": "2025-10-01", "reason": "病"}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "02"
    assert client.post(url, {"kind": "05", "effective_on": "2025-11-01"}).status_code == 302
    response = client.post(url, {"kind": "11", "effective_on": "2025-11-02"})
    assert response.context["form"].errors["new_grade"]
    assert client.post(url, {"kind": "07", "effective_on": "2026-07-01"}).status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.status, enrolment.end_reason) == ("ended", "07", "07")
    kinds = list(StatusChange.objects.filter(enrolment=enrolment).values_list("kind", flat=True))
    assert kinds == ["01", "04", "05", "07"]
    assert client.get(url).status_code == 404  # no active enrolment any more


def test_status_change_from_another_school_is_not_found(client, tree, registrar, no_mfa):
    enrolment = enrol(tree.school_tianshan, user=registrar)
    client.force_login(make_user("kashi_reg", unit=tree.school_kashi, role="registrar"))
    url = reverse("registry:student_status", args=[enrolment.student_id])
    assert client.post(url, {"kind": "06", "effective_on": "2025-10-01"}).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.state == "active"
