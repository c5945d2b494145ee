"""An editor of the Ürümqi site signs in once, edits their own site in the CMS, and finds the
province site's page "not found" (PUB-2, BEYOND A.8)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, hotp_value, yield_hotp_counters_from_time
from django.urls import reverse

from edugov.core.models import Grant, Role
from edugov.platform.testing.fixtures import PASSWORD, build_tree, make_user
from edugov.portal.testing.fixtures import build_sites
from edugov.portal.tests.sites_world import fill_site

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def current_code() -> str:
    return f"{hotp_value(SECRET, next(yield_hotp_counters_from_time())):06d}"


def test_editor_edits_own_site_and_cannot_open_the_province_site(live_server, page):
    tree = build_tree()
    sites = build_sites(tree)
    own = fill_site(sites.urumqi, "WLMQMARK")
    other = fill_site(sites.province, "JYTMARK")
    # A bureau staff member (MFA required) who also edits the bureau's site.
    editor = make_user("wlmq_editor", unit=tree.urumqi, role="bureau_staff", position="宣传干事")
    Grant.objects.create(
        user=editor,
        role=Role.objects.get(code="site_editor"),
        organization=tree.urumqi,
        include_descendants=False,
    )
    TOTP.activate(editor, SECRET)
    base = live_server.url

    page.goto(base + "/accounts/login/")
    page.fill("#id_login", "wlmq_editor")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.fill("#id_code", current_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + reverse("workspace:home"))

    # One sign-on: the CMS opens without a second login.
    dashboard = page.goto(base + "/cms/")
    assert dashboard.status == 200
    assert "/accounts/login/" not in page.url
    assert "JYTMARK" not in page.content()

    edit_url = base + reverse("wagtailadmin_pages:edit", args=[own.article.pk])
    response = page.goto(edit_url)
    assert response.status == 200
    page.fill("#id_title", "WLMQMARK 春季开学工作部署会")
    page.locator("button.action-save").first.click()
    page.wait_for_load_state("networkidle")
    own.article.refresh_from_db()
    assert own.article.get_latest_revision().as_object().title == "WLMQMARK 春季开学工作部署会"

    foreign = page.goto(base + reverse("wagtailadmin_pages:edit", args=[other.article.pk]))
    assert foreign.status == 404
    assert "JYTMARK" not in page.content()
