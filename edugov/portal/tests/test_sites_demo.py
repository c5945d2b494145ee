"""The demo website group builds sites with sections and published Chinese articles."""

from __future__ import annotations

import pytest

from edugov.devtools.portal_sites_demo import build_portal_sites, grant_demo_site_roles
from edugov.platform.testing.fixtures import make_user
from edugov.portal.models import ArticlePage, SectionPage

pytestmark = pytest.mark.django_db


def test_demo_sites(client, tree):
    sites = build_portal_sites(tree.province, domain="localhost", port=8000)
    assert sites["jyt"].site.hostname == "jyt.localhost"
    assert sites["jyt"].site.port == 8000
    assert {"jyt", "wlmq", "ks"} <= set(sites)  # the province and every prefecture bureau
    assert any(s.organization.kind == "school" for s in sites.values())
    assert any(s.organization.level == "county" for s in sites.values())
    for portal_site in sites.values():
        home = portal_site.site.root_page
        sections = SectionPage.objects.child_of(home)
        assert set(sections.values_list("title", flat=True)) == {
            "新闻动态",
            "通知公告",
            "政策文件",
            "政务公开",
            "互动交流",
        }
        articles = ArticlePage.objects.descendant_of(home).live()
        assert 3 <= articles.count() <= 5
    response = client.get("/", HTTP_HOST="jyt.localhost:8000")
    assert response.status_code == 200
    assert "新疆维吾尔自治区教育厅" in response.content.decode()
    # Idempotent: a second run adds nothing.
    assert build_portal_sites(tree.province, domain="localhost", port=8000).keys() == sites.keys()
    assert ArticlePage.objects.descendant_of(sites["jyt"].site.root_page).count() == 5

    user = make_user("urumqi_staff", unit=tree.urumqi)
    grants = grant_demo_site_roles(sites)
    assert [g.user.username for g in grants] == ["urumqi_staff"]
    assert set(user.groups.values_list("pk", flat=True)) == {
        sites["wlmq"].editors_group_id,
        sites["wlmq"].reviewers_group_id,
    }
