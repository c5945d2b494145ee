"""A cross-prefecture transfer in the browser (DB-3): the receiving school applies, the
sending school and four bureaus approve one after another, each signed in as themselves,
and the completed move is visible to both schools — each for its own period.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from edugov.platform.testing.fixtures import PASSWORD, build_tree, make_user
from edugov.registry.models import Enrolment, Transfer
from edugov.registry.tests.factories import enrol, student_values

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + reverse("workspace:home"))


def test_transfer_from_apply_to_completion(live_server, page, no_mfa):
    tree = build_tree()
    values = student_values(name="古丽娜")
    enrolment = enrol(tree.school_tianshan, name="古丽娜", id_number=values["id_number"])
    make_user("kashi_registrar", unit=tree.school_kashi, role="registrar")
    make_user("tianshan_registrar", unit=tree.school_tianshan, role="registrar")
    approvers = [
        ("tianshan_registrar", "天山区第一小学"),
        (make_user("tianshan_staff", unit=tree.tianshan, role="bureau_staff").username, "天山区教育局"),
        (make_user("kashi_staff", unit=tree.kashi_city, role="bureau_staff").username, "喀什市教育局"),
        (make_user("urumqi_staff", unit=tree.urumqi, role="bureau_staff").username, "乌鲁木齐市教育局"),
        (make_user("kashgar_staff", unit=tree.kashgar, role="bureau_staff").username, "喀什地区教育局"),
    ]
    base = live_server.url

    # The receiving school finds the student by ID number: name, masked ID and school only.
    sign_in(page, base, "kashi_registrar")
    page.goto(base + reverse("registry:transfer_list"))
    page.get_by_test_id("transfer-apply-link").click()
    page.fill("#id_lookup", values["id_number"])
    page.get_by_test_id("transfer-lookup").locator("button[type=submit]").click()
    card = page.get_by_test_id("transfer-student-card")
    card.wait_for()
    assert page.get_by_test_id("card-name").inner_text() == "古丽娜"
    assert page.get_by_test_id("card-school").inner_text() == "天山区第一小学"
    assert "*" in page.get_by_test_id("card-id").inner_text()
    assert values["id_number"] not in card.inner_text()
    form = page.get_by_test_id("transfer-apply-form")
    form.locator("#id_grade").select_option("14")
    form.locator("#id_class_name").fill("3班")
    form.locator("#id_reason").fill("随父母工作调动到喀什")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/registry/transfers/\d+/$"))
    transfer = Transfer.objects.get()
    assert (
        page.get_by_test_id("transfer-status").locator("[data-status]").get_attribute("data-status")
        == "pending"
    )
    assert page.get_by_test_id("step-1").get_attribute("data-status") == "pending"
    assert page.get_by_test_id("step-5").get_attribute("data-status") == "waiting"
    assert "2" in page.get_by_test_id("step-1-due").inner_text()  # a dated deadline
    detail_url = base + reverse("registry:transfer_detail", args=[transfer.pk])

    # Each unit signs in, finds the transfer awaiting its decision and approves it.
    for order, (username, unit_name) in enumerate(approvers, start=1):
        sign_in(page, base, username)
        page.goto(base + reverse("registry:transfer_list"))
        table = page.get_by_test_id("transfer-table")
        assert "古丽娜" in table.inner_text(), username
        table.get_by_role("link", name="古丽娜").click()
        page.wait_for_url(detail_url)
        step = page.get_by_test_id(f"step-{order}")
        assert unit_name in step.inner_text()
        step.locator("textarea").fill(f"{unit_name}同意")
        step.get_by_test_id("approve").click()
        page.wait_for_url(detail_url)
        assert page.get_by_test_id(f"step-{order}").get_attribute("data-status") == "approved"

    # Completed: the receiving school sees the student placed in its class.
    assert (
        page.get_by_test_id("transfer-status").locator("[data-status]").get_attribute("data-status")
        == "completed"
    )
    sign_in(page, base, "kashi_registrar")
    page.goto(detail_url)
    assert "3班" in page.get_by_test_id("placement").inner_text()
    new = Enrolment.objects.get(student=enrolment.student, state="active")
    assert new.school_id == tree.school_kashi.pk

    # The sending school still sees the transfer and its own (ended) period, not the new class.
    sign_in(page, base, "tianshan_registrar")
    page.goto(detail_url)
    assert page.get_by_test_id("placement").count() == 0
    assert "3班" not in page.content()
    assert page.get_by_test_id("from-school").inner_text() == "天山区第一小学"
    response = page.goto(base + reverse("registry:student_detail", args=[enrolment.student_id]))
    assert response.status == 200
    assert "古丽娜" in page.content()
    assert "3班" not in page.content()
