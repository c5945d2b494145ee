"""A citizen opens a site's 政务公开 catalogue, filters it by category and reads an item's
index number and metadata (PUB-3)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest

from edugov.platform.testing.fixtures import build_tree
from edugov.portal.models.catalogue import DisclosureCategory
from tests.e2e.axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_catalogue_filter_and_item_metadata(live_server, page):
    from edugov.portal.actions.sites import do_create_site
    from edugov.portal.tests.test_catalogue_pages import add_catalogue, add_item

    tree = build_tree()
    port = urlparse(live_server.url).port
    site = do_create_site(tree.province, hostname="jyt.localhost", acting_user=None, slug="jyt", port=port)
    index = add_catalogue(site)
    add_item(
        index,
        "关于做好2026年义务教育招生入学工作的通知",
        category=DisclosureCategory.ADMISSIONS,
        document_number="新教发〔2026〕3号",
        issued_on=dt.date(2026, 3, 2),
    )
    add_item(index, "2025年部门预算公开", category=DisclosureCategory.BUDGETS)
    base = f"http://jyt.localhost:{port}"

    response = page.goto(f"{base}/xxgk/")
    assert response is not None
    assert response.ok
    assert page.get_by_test_id("catalogue-item").count() == 2

    page.select_option("#id_category", DisclosureCategory.ADMISSIONS.value)
    with page.expect_navigation():
        page.get_by_test_id("catalogue-filters").locator("button[type=submit]").click()
    rows = page.get_by_test_id("catalogue-item")
    assert rows.count() == 1
    assert "2025年部门预算公开" not in page.get_by_test_id("catalogue-table").inner_text()
    index_number = rows.first.locator("td").first.inner_text().strip()
    assert index_number.endswith("-00001")

    with page.expect_navigation():
        rows.first.get_by_role("link").click()
    assert page.get_by_test_id("meta-index-number").inner_text() == index_number
    assert page.get_by_test_id("meta-document-number").inner_text() == "新教发〔2026〕3号"
    assert page.get_by_test_id("meta-issuing-unit").inner_text() == "新疆维吾尔自治区教育厅"
    assert page.get_by_role("heading", level=1).inner_text() == "关于做好2026年义务教育招生入学工作的通知"
    assert "2026-03-02" in page.get_by_test_id("catalogue-meta").inner_text()

    assert_no_serious_violations(page, context="catalogue item page")
