"""Disclosure on request in the browser (PUB-3): a citizen registers on the prefecture's site and
applies; staff confirm receipt and ask for a correction; the citizen corrects; the handler asks
for an extension, the head of the disclosure office approves it; the handler replies; the citizen
reads the reply.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from edugov.platform.testing.fixtures import PASSWORD, build_tree, make_user
from edugov.portal.actions.sites import do_create_site
from edugov.portal.choices import ClockEventKind
from edugov.portal.models import Case
from edugov.portal.testing.citizens import valid_id_number
from tests.e2e.axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in_staff(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + reverse("workspace:home"))


def press(page, test_id: str) -> None:
    """Press a button that submits a form and wait for the page that answers."""
    with page.expect_navigation():
        page.get_by_test_id(test_id).click()


def no_errors(page) -> None:
    page.wait_for_load_state()
    errors = page.locator(".alert-danger")
    assert errors.count() == 0, errors.first.inner_text()


def test_a_citizen_request_from_registration_to_reply(live_server, browser, page, no_mfa):
    tree = build_tree()
    port = urlparse(live_server.url).port
    do_create_site(tree.urumqi, hostname="wlmq.localhost", acting_user=None, slug="wlmq", port=port)
    make_user("e_handler", unit=tree.urumqi, role="case_handler")
    make_user("e_head", unit=tree.urumqi, role="case_supervisor")
    staff_base = live_server.url
    site = f"http://wlmq.localhost:{port}"

    # The citizen registers on the prefecture's site and lands on "my requests".
    citizen_context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    citizen = citizen_context.new_page()
    citizen.goto(site + "/services/account/register/")
    assert_no_serious_violations(citizen, context="registration form")
    citizen.fill("#id_real_name", "张三")
    citizen.fill("#id_id_number", valid_id_number(1))
    citizen.fill("#id_phone", "13900000001")
    citizen.fill("#id_password1", PASSWORD)
    citizen.fill("#id_password2", PASSWORD)
    citizen.get_by_test_id("register-submit").click()
    citizen.wait_for_url(site + "/services/account/")
    assert citizen.get_by_test_id("no-cases").is_visible()

    # … and applies: the site's unit is the default, the receipt rule is explained.
    citizen.get_by_test_id("new-disclosure").click()
    citizen.wait_for_url(site + "/services/disclosure/apply/")
    assert citizen.locator("#id_handling_unit option:checked").inner_text().strip() == tree.urumqi.name
    assert citizen.get_by_test_id("receipt-rule").is_visible()
    assert_no_serious_violations(citizen, context="disclosure request form")
    citizen.fill("#id_description", "2025年乌鲁木齐市义务教育阶段学校招生计划")
    citizen.get_by_test_id("disclosure-submit").click()
    citizen.wait_for_url(re.compile(r"/services/disclosure/[\w-]+/submitted/$"))
    number = citizen.get_by_test_id("case-number").inner_text().strip()
    assert re.fullmatch(r"YSQ\d{4}\d{6}", number)
    assert len(citizen.get_by_test_id("query-code").inner_text().strip()) == 8
    case = Case.objects.get(number=number)
    assert (
        citizen.get_by_test_id("status-link")
        .get_attribute("href")
        .endswith(f"/services/cases/{case.tracking_token}/")
    )
    detail = staff_base + reverse("portal:disclosure_detail", kwargs={"case_id": case.pk})

    # The handler confirms receipt (the clock starts) and asks for a correction (it pauses).
    sign_in_staff(page, staff_base, "e_handler")
    page.goto(staff_base + reverse("portal:disclosure_list"))
    page.get_by_test_id("disclosure-list").get_by_role("link", name=number).click()
    press(page, "accept-submit")
    no_errors(page)
    assert page.get_by_test_id("case-status").get_attribute("data-status") == "accepted"
    page.locator("details.deadline-explain summary").first.click()
    assert "2026" in page.locator("details.deadline-explain").first.inner_text()
    page.get_by_test_id("correction-request-form").locator("textarea").fill(
        "请写明所需招生计划的学段和文件名称。"
    )
    press(page, "correction-request-submit")
    no_errors(page)
    assert page.get_by_test_id("case-status").get_attribute("data-status") == "awaiting_requester"

    # The citizen sees the notice on "my requests" and sends the corrected request.
    citizen.goto(site + "/services/account/")
    row = citizen.get_by_test_id(f"case-{number}")
    assert row.get_attribute("data-status") == "awaiting_requester"
    row.get_by_test_id("correct-link").click()
    assert "请写明所需招生计划的学段和文件名称。" in citizen.get_by_test_id("correction-notice").inner_text()
    citizen.fill("#id_text", "2025年乌鲁木齐市小学和初中招生计划（乌教发〔2025〕3号）")
    press(citizen, "correction-submit")
    case.refresh_from_db()
    assert case.status == "accepted"
    assert case.clock_events.filter(kind=ClockEventKind.RESTART).exists()

    # The handler asks for 10 more working days; the head of the disclosure office approves.
    page.goto(detail)
    page.get_by_test_id("extension-form").locator("#id_days").fill("10")
    page.get_by_test_id("extension-form").locator("#id_reason").fill("需调取多个学段的档案")
    press(page, "extension-submit")
    no_errors(page)
    assert page.get_by_test_id("extension-pending").is_visible()
    assert page.get_by_test_id("extension-approve").count() == 0  # the handler cannot approve
    due_before = Case.objects.get(pk=case.pk).due_on
    sign_in_staff(page, staff_base, "e_head")
    page.goto(detail)
    press(page, "extension-approve")
    no_errors(page)
    case.refresh_from_db()
    assert case.clock_events.get(kind=ClockEventKind.EXTEND).days == 10
    assert case.due_on > due_before

    # The handler replies from the letter of the chosen form.
    sign_in_staff(page, staff_base, "e_handler")
    page.goto(detail)
    press(page, "reply-link")  # waits for "load": the form's script is attached
    page.select_option("#id_reply_type", "not_exist")
    assert "经检索，本机关没有您所申请的政府信息" in page.locator("#id_text").input_value()
    assert page.locator("#id_result").input_value() == "unavailable_not_held"
    press(page, "reply-submit")
    no_errors(page)
    assert page.get_by_test_id("case-status").get_attribute("data-status") == "replied"

    # The citizen reads the reply.
    citizen.goto(site + "/services/account/")
    row = citizen.get_by_test_id(f"case-{number}")
    assert row.get_attribute("data-status") == "replied"
    citizen.get_by_test_id(f"reply-{number}").locator("summary").click()
    assert "经检索，本机关没有您所申请的政府信息" in citizen.get_by_test_id("disclosure-reply").inner_text()
    assert_no_serious_violations(citizen, context="my requests, with the reply")
    # … and on the case's status page: the disclosure part and the reply.
    citizen.goto(site + f"/services/cases/{case.tracking_token}/")
    assert citizen.get_by_test_id("disclosure-part").is_visible()
    assert "经检索，本机关没有您所申请的政府信息" in citizen.get_by_test_id("case-reply").inner_text()
    assert_no_serious_violations(citizen, context="case status page, with the reply")
    citizen_context.close()
