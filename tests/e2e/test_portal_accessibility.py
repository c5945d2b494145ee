"""axe-core finds no serious or critical problem on the portal's pages (PUB-12, BEYOND A.20).

Home and a news article in all four languages, on a desktop and on a phone, and in
large-font mode. Other pages (forms, case status) use the same helper: tests/e2e/axe.py.
"""

from __future__ import annotations

import pytest

from tests.e2e.axe import assert_no_serious_violations
from tests.e2e.portal_site import build_portal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    f"{prefix}{path}"
    for prefix in ("", "/ug", "/ky-arab", "/en")
    for path in ("/", "/news/new-term/", "/news/aid-notice/")
]


def test_portal_pages_on_a_desktop(live_server, page):
    base, _built = build_portal(live_server)
    for path in PAGES:
        page.goto(base + path)
        assert_no_serious_violations(page, context=f"{path} (desktop)")


def test_portal_pages_on_a_phone_and_in_large_font_mode(live_server, phone_page):
    base, _built = build_portal(live_server)
    for path in PAGES:
        phone_page.goto(base + path)
        assert_no_serious_violations(phone_page, context=f"{path} (phone)")
    phone_page.locator("[data-portal-font-toggle]").click()
    for path in ("/ug/", "/ky-arab/news/new-term/"):
        phone_page.goto(base + path)
        assert_no_serious_violations(phone_page, context=f"{path} (phone, large font)")


def test_the_helper_reports_a_serious_violation(live_server, page):
    """The helper must fail loudly, naming the rule and the element."""
    base, _built = build_portal(live_server)
    page.goto(base + "/")
    page.evaluate("document.querySelector('#portal-q').labels.forEach(l => l.remove())")
    with pytest.raises(AssertionError) as failure:
        assert_no_serious_violations(page, context="broken form")
    assert "label" in str(failure.value)
    assert "#portal-q" in str(failure.value)
