"""A county staff member signs in with TOTP, sees only their county, and signs out (PL-1, PL-2)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, hotp_value, yield_hotp_counters_from_time
from django.urls import reverse

from edugov.platform.testing.fixtures import PASSWORD, build_tree, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def current_code() -> str:
    return f"{hotp_value(SECRET, next(yield_hotp_counters_from_time())):06d}"


def test_county_staff_sees_only_their_county(live_server, page):
    tree = build_tree()
    staff = make_user("tianshan_staff", unit=tree.tianshan, role="bureau_staff", position="科员")
    TOTP.activate(staff, SECRET)
    base = live_server.url

    page.goto(base + "/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.fill("#id_login", "tianshan_staff")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.fill("#id_code", current_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + reverse("workspace:home"))
    assert page.get_by_test_id("current-unit").inner_text() == "天山区教育局"
    assert page.get_by_test_id("school-count").inner_text() == "1"

    page.goto(base + reverse("workspace:org_list"))
    table = page.get_by_test_id("unit-table").inner_text()
    assert "天山区教育局" in table
    assert "天山区第一小学" in table
    for elsewhere in ("喀什市第一小学", "沙依巴克区第一小学", "乌鲁木齐市教育局", "新疆维吾尔自治区教育厅"):
        assert elsewhere not in table

    own = page.goto(base + reverse("workspace:org_detail", args=[tree.school_tianshan.pk]))
    assert own.status == 200
    assert page.get_by_test_id("school-code").inner_text() == "2165000001"
    foreign = page.goto(base + reverse("workspace:org_detail", args=[tree.school_kashi.pk]))
    assert foreign.status == 404
    assert "喀什市第一小学" not in page.content()

    page.goto(base + reverse("workspace:home"))
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url(base + "/")
    after = page.goto(base + reverse("workspace:org_list"))
    assert "/accounts/login/" in page.url
    assert after.status == 200


def test_staff_pages_are_usable_on_a_phone(live_server, phone_page, client):
    tree = build_tree()
    staff = make_user("phone_teacher", unit=tree.school_tianshan, role="teacher")
    client.force_login(staff)
    cookie = client.cookies["sessionid"]
    phone_page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    phone_page.goto(live_server.url + reverse("workspace:home"))
    overflow = phone_page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    todo_link = phone_page.locator("#sidenav").get_by_role("link", name="我的待办")
    assert not todo_link.is_visible()  # the menu is folded away on a phone
    phone_page.get_by_role("button", name="菜单").click()
    todo_link.wait_for(state="visible")
    todo_link.click()
    phone_page.wait_for_url(live_server.url + reverse("workspace:todos"))
