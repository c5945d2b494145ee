"""Shared search and school directory in a browser (PUB-9): another site's page; a school by county."""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlparse

import pytest

from edugov.platform.testing.fixtures import build_tree
from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.portal_site import ensure_wagtail_roots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTICE = "2026年义务教育招生入学工作通知"


def _port(live_server) -> int:
    return urlparse(live_server.url).port


def _sites(tree, port):
    from edugov.portal.actions.sites import do_create_site

    ensure_wagtail_roots()

    province = do_create_site(
        tree.province, hostname="jyt.localhost", port=port, acting_user=None, slug="jyt"
    )
    kashgar = do_create_site(tree.kashgar, hostname="ks.localhost", port=port, acting_user=None, slug="ks")
    return province, kashgar


def _publish(portal_site, title, slug, text):
    from edugov.portal.models import ArticlePage

    page = ArticlePage(
        title=title,
        slug=slug,
        date=datetime.date(2026, 3, 2),
        summary=text,
        body=json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}]),
        live=False,
    )
    portal_site.site.root_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_a_chinese_query_on_one_site_finds_a_page_of_another_labelled_with_its_site(live_server, page):
    port = _port(live_server)
    _province, kashgar = _sites(build_tree(), port)
    _publish(kashgar, NOTICE, "zsrx", "适龄儿童少年入学登记安排。")
    _publish(kashgar, "教师节表彰大会召开", "jsj", "表彰优秀教师。")

    page.goto(f"http://jyt.localhost:{port}/")
    page.fill("#portal-q", "招生")
    with page.expect_navigation():
        page.locator("header form[role=search] button[type=submit]").click()
    assert "/services/search/" in page.url
    hits = page.locator(".portal-search-hit")
    assert hits.count() == 1
    hit = hits.first
    assert hit.locator(".portal-search-site").inner_text() == "喀什地区教育局"
    assert hit.locator("mark").first.inner_text() == "招生"
    assert "教师节" not in page.locator("main").inner_text()
    assert_no_serious_violations(page, context="search results")

    with page.expect_navigation():
        hit.get_by_role("link").click()
    assert page.url == f"http://ks.localhost:{port}/zsrx/"
    assert page.locator("h1").inner_text() == NOTICE


def test_search_schools_by_county_and_open_a_schools_page(live_server, page):
    port = _port(live_server)
    _sites(build_tree(), port)

    page.goto(f"http://jyt.localhost:{port}/services/schools/")
    page.select_option("#id_region", "653101")  # 喀什市
    with page.expect_navigation():
        page.locator("form.portal-directory-form button[type=submit]").click()
    table = page.locator("table.portal-directory-table")
    assert "喀什市第一小学" in table.inner_text()
    assert "天山区第一小学" not in table.inner_text()

    with page.expect_navigation():
        table.get_by_role("link", name="喀什市第一小学").click()
    assert page.url.endswith("/services/schools/2165000003/")
    assert page.locator("h1").inner_text() == "喀什市第一小学"
    assert "2165000003" in page.locator(".portal-school-facts").inner_text()
