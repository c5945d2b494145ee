"""A complaint's whole loop in a browser (PUB-8; BEYOND A.5, B.2).

File, reply, 差评, rectify, 回访, close, reopen.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from edugov.platform.testing.fixtures import build_tree, make_user
from edugov.portal.actions.sites import do_create_site
from edugov.portal.models import Case, CaseRating, Rectification
from tests.e2e.axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, client, user, base):
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])


def test_complaint_rating_rectification_follow_up_close_and_reopen(live_server, page, client, no_mfa):
    tree = build_tree()
    port = urlparse(live_server.url).port
    do_create_site(tree.kashgar, hostname="ks.localhost", port=port, acting_user=None, slug="ks")
    handler = make_user("ks_handler", unit=tree.kashgar, role="case_handler")
    supervisor = make_user("ks_supervisor", unit=tree.kashgar, role="case_supervisor")
    site = f"http://ks.localhost:{port}"
    staff = live_server.url

    # The citizen files a complaint on the prefecture's site and gets a number.
    page.goto(site + "/services/letters/complaint/")
    assert_no_serious_violations(page, context="complaint form")
    page.select_option("#id_category", "fees")
    page.select_option("#id_region", "653101")
    page.fill("#id_subject", "学校违规收取补课费")
    page.fill("#id_content", "喀什市某小学要求每名学生交补课费800元。")
    page.fill("#id_name", "张三")
    page.fill("#id_phone", "13912345678")
    page.check("#id_consent_publish")
    page.get_by_test_id("letter-submit").click()
    number = page.get_by_test_id("receipt-number").inner_text().strip()
    assert number.startswith("TS")
    assert page.get_by_test_id("receipt-code").inner_text().strip()
    status_link = page.get_by_test_id("receipt-status-link").get_attribute("href")
    case = Case.objects.get(number=number)
    assert case.handling_unit == tree.kashgar

    # The handler replies.
    _sign_in(page, client, handler, staff)
    page.goto(staff + reverse("portal:case_detail", args=[case.pk]))
    assert "13912345678" in page.get_by_test_id("case-facts").inner_text()
    reply = page.get_by_test_id("reply-form")
    reply.locator("[name=text]").fill("经核查，学校已停止收费并退还已收费用。")
    reply.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已停止收费" in page.get_by_test_id("case-reply").inner_text()

    # The citizen rates 非常不满意 with one click.
    page.goto(status_link)
    assert "张三" not in page.content()
    assert "已停止收费" in page.get_by_test_id("case-reply").inner_text()
    assert_no_serious_violations(page, context="complaint status page, answered")
    page.get_by_test_id("rate-1").click()
    page.wait_for_load_state()
    assert CaseRating.objects.get(case=case).level == 1
    rect = Rectification.objects.get(case=case)

    # The rectification is the supervisor's to-do; they record it, the 回访 call, and close.
    _sign_in(page, client, supervisor, staff)
    page.goto(staff + reverse("workspace:todos"))
    assert number in page.locator("main").inner_text()
    page.goto(staff + reverse("portal:case_detail", args=[case.pk]))
    rect_form = page.get_by_test_id("rectification-form")
    rect_form.locator("[name=notes]").fill("已督促学校全额退费，并约谈校长。")
    rect_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    follow = page.get_by_test_id("follow-up-form")
    follow.locator("[name=method]").select_option("phone")
    follow.locator("[name=opinion]").fill("家长确认已收到退款，表示满意。")
    follow.locator("[name=satisfied]").select_option("1")
    follow.locator("button[type=submit]").click()
    page.wait_for_load_state()
    close = page.get_by_test_id("close-form")
    close.locator("[name=outcome]").select_option("resolved")
    close.locator("[name=reason]").fill("整改到位，回访满意。")
    close.locator("button[type=submit]").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    rect.refresh_from_db()
    assert rect.status == "done"
    assert case.status == "closed"

    # The citizen is still unhappy and reopens with a reason.
    page.goto(status_link)
    reopen = page.get_by_test_id("reopen-form")
    reopen.locator("[name=reason]").fill("只退了一半的钱。")
    reopen.locator("button[type=submit]").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == "reopened"
    # The new round has its own handling period, counted from the reopening and explained.
    assert case.due_on > timezone.localdate()
    assert page.get_by_test_id("case-due").inner_text() == case.due_on.isoformat()
    assert "要求重新办理" in page.get_by_test_id("case-explain").text_content()

    # The handler sees the reopened case among their to-dos and on the case page.
    _sign_in(page, client, handler, staff)
    page.goto(staff + reverse("workspace:todos"))
    assert number in page.locator("main").inner_text()
    page.goto(staff + reverse("portal:case_detail", args=[case.pk]))
    assert page.get_by_test_id("case-reopened").is_visible()
    assert "只退了一半的钱" in page.get_by_test_id("case-timeline").inner_text()
