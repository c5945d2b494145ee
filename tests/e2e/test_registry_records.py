"""A school's administrator records staff, a building and equipment; the county bureau rates
the building's safety (一数一源: the school cannot), and the history says who did what.

Issue 3 items 1, 5, 7 and 8 (DB-1, DB-4, DB-5, DB-9) in the browser.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import PASSWORD, build_tree, make_user
from edugov.registry.models import Asset, Building, StaffMember

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEACHER_ID = "650102198807150022"  # GB 11643 check digit valid (female, born 1988-07-15)


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + reverse("workspace:home"))


def test_school_records_staff_buildings_and_assets_and_the_county_rates_safety(live_server, page, no_mfa):
    tree = build_tree()
    make_user("ts_admin", unit=tree.school_tianshan, role="school_admin", position="办公室主任")
    make_user("ts_county", unit=tree.tianshan, role="bureau_staff", position="科员")
    base = live_server.url
    sign_in(page, base, "ts_admin")

    # A teacher: the ID number is masked on the page and in the list; showing it is recorded.
    page.goto(base + reverse("registry:staff_add"))
    page.fill("#id_name", "古丽米拉")
    page.fill("#id_id_number", TEACHER_ID)
    page.select_option("#id_sex", "2")
    page.select_option("#id_post", "1")
    page.select_option("#id_subject", "01")
    page.fill("#id_employed_from", "2012-09-01")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/registry/staff/*/")
    teacher = StaffMember.objects.get(name="古丽米拉")
    assert page.get_by_test_id("id-masked").inner_text() == teacher.id_masked
    assert TEACHER_ID not in page.content()
    page.get_by_test_id("reveal").click()
    assert page.get_by_test_id("id-full").inner_text() == TEACHER_ID
    assert AuditEntry.objects.filter(event_type="privacy.full_view", target_id=str(teacher.pk)).exists()
    page.goto(base + reverse("registry:staff_list") + "?name=古丽")
    table = page.get_by_test_id("staff-table").inner_text()
    assert "古丽米拉" in table
    assert teacher.id_masked in table
    assert TEACHER_ID not in table

    # A building: its safety rating belongs to the county bureau, so the school cannot set it.
    page.goto(base + reverse("registry:building_add"))
    page.fill("#id_code", "JZ-01")
    page.fill("#id_name", "教学楼")
    page.select_option("#id_building_type", "11")
    page.fill("#id_floor_area", "3200.50")
    page.fill("#id_floors", "4")
    page.fill("#id_year_built", "1998")
    page.select_option("#id_structure", "3")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/registry/buildings/*/")
    building = Building.objects.get(code="JZ-01")
    assert page.get_by_test_id("record-title").inner_text().startswith("教学楼")
    page.goto(base + reverse("registry:building_edit", args=[building.pk]))
    assert page.locator("#id_safety_rating").is_disabled()
    assert page.locator("#id_name").is_enabled()

    # Equipment in that building; the list totals quantity and value.
    page.goto(base + reverse("registry:asset_add"))
    page.fill("#id_asset_number", "ZC-2026-001")
    page.fill("#id_name", "交互式智能黑板")
    page.select_option("#id_category", "2")
    page.fill("#id_quantity", "3")
    page.fill("#id_unit_value", "12000")
    page.select_option("#id_building", str(building.pk))
    page.fill("#id_acquired_on", "2026-03-01")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/registry/assets/*/")
    assert Asset.objects.get(asset_number="ZC-2026-001").building_id == building.pk
    page.goto(base + reverse("registry:asset_list"))
    totals = page.get_by_test_id("totals").inner_text()
    assert "3 件" in totals
    assert "36000.00" in totals
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # The county bureau rates the building as dangerous; the page warns and the history shows it.
    sign_in(page, base, "ts_county")
    page.goto(base + reverse("registry:building_edit", args=[building.pk]))
    assert page.locator("#id_safety_rating").is_enabled()
    page.select_option("#id_safety_rating", "C")
    page.fill("#id_safety_assessed_on", "2026-10-20")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + reverse("registry:building_detail", args=[building.pk]))
    assert "C级" in page.get_by_test_id("safety-rating").inner_text()
    assert page.locator(".alert-danger").inner_text() == "该校舍已被鉴定为危房。"
    entry = page.get_by_test_id("history-entry").first.inner_text()
    assert "ts_county" in entry
    building.refresh_from_db()
    assert building.safety_rating == "C"
