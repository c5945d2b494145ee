"""A news item from the editor's draft to the public site, only through review (PUB-1).

The editor writes the item in /cms/ and submits it; the public site does not show it; the
reviewer signs in and approves it in /cms/; the public site shows it. Then the reviewer takes it
down (撤稿) from the page's menu, and the public site no longer serves it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.urls import reverse

from edugov.platform.testing.fixtures import PASSWORD, build_tree, make_user
from edugov.portal.actions.sites import do_create_site
from edugov.portal.models import ArticlePage
from tests.e2e.axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + reverse("workspace:home"))


def footer_action(page, name: str) -> None:
    """Press a button of the editor's footer menu (opening its dropdown first when needed)."""
    button = page.locator(f"footer button[name='{name}']").first
    if not button.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    button.click()


def test_news_item_is_public_only_after_the_reviewer_approves(live_server, page, browser, no_mfa):
    caches["portal_pages"].clear()
    tree = build_tree()
    port = urlsplit(live_server.url).port
    portal_site = do_create_site(
        tree.province, hostname="jyt.localhost", port=port, acting_user=None, slug="jyt"
    )
    editor = make_user("e_editor", unit=tree.province, role="site_editor")
    editor.groups.add(portal_site.editors_group)
    reviewer = make_user("e_reviewer", unit=tree.province, role="site_reviewer")
    reviewer.groups.add(portal_site.editors_group, portal_site.reviewers_group)
    base = live_server.url
    public = f"http://jyt.localhost:{port}"
    home = portal_site.site.root_page

    # The editor writes the news item and submits it for review.
    sign_in(page, base, "e_editor")
    page.goto(f"{base}/cms/pages/add/portal/articlepage/{home.pk}/")
    page.fill("#id_title", "全区中小学春季开学工作会议召开")
    page.fill("#id_date", "2026-03-02")
    page.fill("#id_summary", "会议部署春季开学各项工作。")
    footer_action(page, "action-submit")
    page.wait_for_url(re.compile(r"/cms/pages/\d+/"))
    article = ArticlePage.objects.get(title="全区中小学春季开学工作会议召开")
    assert not article.live
    path = article.get_url_parts()[2]

    # A visitor does not find it.
    visitor = browser.new_context(locale="zh-CN")
    try:
        visit = visitor.new_page()
        response = visit.goto(public + path)
        assert response is not None
        assert response.status == 404
        home_page = visit.goto(public + "/")
        assert home_page is not None
        assert home_page.ok

        # The reviewer approves it in /cms/.
        sign_in(page, base, "e_reviewer")
        page.goto(f"{base}/cms/pages/{article.pk}/edit/")
        approve = page.locator("footer button[data-workflow-action-name='approve']").first
        if not approve.is_visible():
            page.locator("footer [data-w-dropdown-target='toggle']").first.click()
        approve.click()
        page.wait_for_load_state()
        article.refresh_from_db()
        assert article.live

        # Now the visitor finds it.
        response = visit.goto(public + path)
        assert response is not None
        assert response.status == 200
        assert visit.locator("h1").inner_text() == "全区中小学春季开学工作会议召开"

        # The date was wrong: the reviewer takes it down at once from the page's menu in /cms/.
        page.goto(f"{base}/cms/pages/{article.pk}/edit/")
        take_down = page.locator("header a[href$='/take-down/']").first
        if not take_down.is_visible():
            page.locator("header [data-w-dropdown-target='toggle']").first.click()
        assert take_down.inner_text().strip() == "撤稿"
        take_down.click()
        page.wait_for_url(re.compile(r"/take-down/$"))
        assert_no_serious_violations(page, context="take-down page")
        page.fill("#id_reason", "会议日期有误，更正后重新报审。")
        with page.expect_navigation():
            page.get_by_test_id("take-down-submit").click()
        assert "已撤稿" in page.locator(".alert-success").inner_text()
        article.refresh_from_db()
        assert not article.live
        response = visit.goto(public + path)
        assert response is not None
        assert response.status == 404
    finally:
        visitor.close()
