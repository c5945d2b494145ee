"""A registrar enrols a student, finds them by ID number, changes their class and sees the history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from edugov.platform.testing.fixtures import PASSWORD, build_tree, make_user
from edugov.registry.models import Student
from edugov.registry.tests.factories import make_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_registrar_enrols_finds_and_edits_a_student(live_server, page, no_mfa):
    tree = build_tree()
    make_user("ts_registrar", unit=tree.school_tianshan, role="registrar", position="学籍管理员")
    make_user("other_reg", unit=tree.school_kashi, role="registrar")
    id_number = make_id_number(dt.date(2015, 3, 1))
    base = live_server.url

    page.goto(base + "/accounts/login/")
    page.fill("#id_login", "ts_registrar")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + reverse("workspace:home"))

    # Enrol, from the navigation.
    page.locator("#sidenav").get_by_role("link", name="Enrol a student").or_(
        page.locator("#sidenav").locator(f"a[href='{reverse('registry:student_enrol')}']")
    ).first.click()
    page.wait_for_url(base + reverse("registry:student_enrol"))
    page.fill("#id_name", "阿依努尔")
    page.fill("#id_id_number", id_number)
    page.select_option("#id_sex", "2" if int(id_number[16]) % 2 == 0 else "1")
    page.select_option("#id_ethnicity", "02")
    page.select_option("#id_grade", "16")
    page.fill("#id_class_name", "1班")
    page.fill("#id_entry_date", "2021-09-01")
    page.fill("#id_guardian1_name", "阿不都")
    page.select_option("#id_guardian1_relation", "51")
    page.fill("#id_guardian1_phone", "13912345678")
    page.get_by_test_id("enrol-form").locator("button[type=submit]").click()
    student = _wait_for_student(page, base)
    assert page.get_by_test_id("student-name").inner_text().startswith("阿依努尔")
    assert id_number not in page.content()

    # Find them in the list by ID number (the number never goes into the URL).
    page.goto(base + reverse("registry:student_list"))
    page.fill("#id_id_number", id_number.lower())
    page.get_by_test_id("search").click()
    page.wait_for_url("**/registry/students/?*idh=*")
    assert id_number not in page.url
    rows = page.get_by_test_id("student-row")
    assert rows.count() == 1
    assert student.id_masked in rows.first.inner_text()
    rows.first.get_by_role("link", name="阿依努尔").click()
    page.wait_for_url(base + reverse("registry:student_detail", args=[student.pk]))

    # Change the class; the history shows who changed what.
    page.get_by_test_id("edit-enrolment").click()
    page.fill("#id_class_name", "3班")
    page.get_by_test_id("enrolment-form").locator("button[type=submit]").click()
    page.wait_for_url(base + reverse("registry:student_detail", args=[student.pk]))
    change = page.get_by_test_id("history").locator("tr[data-field=class_name]")
    assert "1班" in change.inner_text()
    assert "3班" in change.inner_text()
    assert "ts_registrar" in page.get_by_test_id("history-entry").first.inner_text()
    assert "3班" in page.get_by_test_id("enrolments").inner_text()


def _wait_for_student(page, base):
    page.wait_for_url(f"{base}/registry/students/*/")
    return Student.objects.get(name="阿依努尔")
