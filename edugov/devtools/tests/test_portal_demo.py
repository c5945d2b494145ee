"""The demo's portal: a website group served by host name, editors and handlers, citizens' letters."""

from __future__ import annotations

import pytest

from edugov.core.models import Grant
from edugov.devtools.demo import build_demo
from edugov.devtools.portal_demo import build_portal, portal_present
from edugov.portal.models import Case, CaseRating, PortalSite, Rectification

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_portal_demo_builds_sites_grants_and_letters(client):
    build_demo(seed=2026, scale="small")
    lines: list[str] = []
    sites = build_portal(url="http://127.0.0.1:8000/", progress=lines.append)
    assert portal_present()
    assert sites["jyt"].site.hostname == "jyt.localhost"
    assert PortalSite.objects.count() == len(sites) >= 5
    # The demo's own address and each site's host name serve a portal home page.
    assert client.get("/", HTTP_HOST="127.0.0.1:8000").status_code == 200
    home = client.get("/", HTTP_HOST="wlmq.localhost:8000")
    assert home.status_code == 200
    assert "乌鲁木齐" in home.content.decode()
    assert Grant.objects.filter(user__username="urumqi_staff", role__code="case_supervisor").exists()
    assert Case.objects.filter(kind="complaint").exists()
    # The bad rating opened a rectification, as the loop requires.
    assert CaseRating.objects.filter(level=1).exists()
    assert Rectification.objects.exists()
    assert not [line for line in lines if "stopped early" in line]
    again = build_portal(url="http://127.0.0.1:8000/", progress=lines.append)
    assert len(again) == len(sites)
