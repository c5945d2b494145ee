"""A registrar runs the data-quality checks and follows a finding to the record (DB-6)."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from edugov.platform.testing.fixtures import PASSWORD, build_tree, make_user
from edugov.registry.tests.test_quality_rules import pupil, teacher

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_registrar_runs_checks_and_opens_a_finding(live_server, page, no_mfa):
    tree = build_tree()
    make_user("school_registrar", unit=tree.school_tianshan, role="registrar")
    orphan = pupil(tree.school_tianshan, guardian=False, name="古丽")
    pupil(tree.school_tianshan, name="阿力")
    teacher(tree.school_tianshan)
    pupil(tree.school_kashi, guardian=False, name="喀什孩子")
    base = live_server.url

    page.goto(base + "/accounts/login/")
    page.fill("#id_login", "school_registrar")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + reverse("workspace:home"))

    page.goto(base + reverse("registry:quality_overview"))
    assert "95.65" not in page.get_by_test_id("quality-score").inner_text()
    page.get_by_test_id("run-checks").click()
    page.wait_for_load_state()
    score = page.get_by_test_id("quality-score").inner_text()
    assert "95.65" in score  # 23 checks over two pupils and a teacher; one pupil has no guardian
    if os.environ.get("EDUGOV_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["EDUGOV_SCREENSHOTS"], "quality-overview.png"), full_page=True
        )
    by_rule = page.get_by_test_id("quality-by-rule")
    by_rule.get_by_role("link").first.click()
    page.wait_for_load_state()
    table = page.get_by_test_id("finding-table").inner_text()
    assert "古丽" in table
    assert "喀什孩子" not in table
    if os.environ.get("EDUGOV_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["EDUGOV_SCREENSHOTS"], "quality-findings.png"), full_page=True
        )
    page.get_by_test_id("finding-record-link").first.click()
    page.wait_for_url(base + reverse("registry:student_detail", args=[orphan.student_id]))
