"""Workspace pages of the website group: the four-caller matrix, site list scope, setting up a site."""

from __future__ import annotations

import pytest
from django.urls import reverse

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.syndication import do_offer_syndication
from edugov.portal.models import PortalSite, Syndication, SyndicationStatus
from edugov.portal.tests.sites_world import fill_site

pytestmark = pytest.mark.django_db

# (url name, object, method, role on the object's unit, whether a grant on an ancestor is enough)
RESTRICTED = [
    ("portal:site_detail", "urumqi_site", "get", "site_editor", True),
    ("portal:syndication_offer", "urumqi_site", "post", "site_reviewer", False),
    ("portal:published_pages", "urumqi_site", "get", "site_reviewer", False),
    ("portal:syndication_accept", "offer_to_urumqi", "post", "site_reviewer", False),
    ("portal:syndication_decline", "offer_to_urumqi", "post", "site_reviewer", False),
    ("portal:syndication_withdraw", "offer_from_urumqi", "post", "site_reviewer", False),
]


@pytest.fixture
def objects(tree, sites):
    urumqi = fill_site(sites.urumqi, "WLMQMARK")
    kashgar = fill_site(sites.kashgar, "KSMARK")
    ks_reviewer = make_user("ks_rev", unit=tree.kashgar, role="site_reviewer")
    wlmq_reviewer = make_user("wlmq_rev", unit=tree.urumqi, role="site_reviewer")
    offer_in = do_offer_syndication(kashgar.article, target_site=sites.urumqi, acting_user=ks_reviewer)
    offer_out = do_offer_syndication(urumqi.article, target_site=sites.kashgar, acting_user=wlmq_reviewer)
    return {
        "urumqi_site": sites.urumqi.pk,
        "offer_to_urumqi": offer_in.pk,
        "offer_from_urumqi": offer_out.pk,
        "section": urumqi.section,
        "article": urumqi.article,
    }


def _call(client, name, objects, obj, method):
    url = reverse(name, args=[objects[obj]])
    if method == "get":
        return client.get(url)
    section = objects["section"].pk
    return client.post(
        url,
        {
            f"o{objects['offer_to_urumqi']}-section": section,
            "page": objects["article"].pk,
            "target_site": objects["urumqi_site"],
        },
    )


def _state():
    return (
        list(Syndication.objects.values_list("pk", "status").order_by("pk")),
        PortalSite.objects.count(),
        AuditEntry.objects.filter(success=True).count(),
    )


@pytest.mark.parametrize(("name", "obj", "method", "role", "ancestor"), RESTRICTED)
def test_anonymous_is_sent_to_sign_in(client, objects, name, obj, method, role, ancestor):
    response = _call(client, name, objects, obj, method)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "obj", "method", "role", "ancestor"), RESTRICTED)
def test_user_without_grant_gets_not_found(client, tree, objects, no_mfa, name, obj, method, role, ancestor):
    client.force_login(make_user("plain", unit=tree.urumqi))
    before = _state()
    assert _call(client, name, objects, obj, method).status_code == 404
    assert _state() == before


@pytest.mark.parametrize(("name", "obj", "method", "role", "ancestor"), RESTRICTED)
def test_grant_on_another_unit_gets_not_found(
    client, tree, objects, no_mfa, name, obj, method, role, ancestor
):
    client.force_login(make_user("other", unit=tree.kashi_city, role=role))
    before = _state()
    assert _call(client, name, objects, obj, method).status_code == 404
    assert _state() == before


@pytest.mark.parametrize(("name", "obj", "method", "role", "ancestor"), RESTRICTED)
def test_grant_on_this_unit_is_allowed(client, tree, objects, no_mfa, name, obj, method, role, ancestor):
    client.force_login(make_user("holder", unit=tree.urumqi, role=role))
    assert _call(client, name, objects, obj, method).status_code in (200, 302)


@pytest.mark.parametrize(("name", "obj", "method", "role", "ancestor"), RESTRICTED)
def test_grant_on_an_ancestor(client, tree, objects, no_mfa, name, obj, method, role, ancestor):
    # Viewing follows the tree; editing and reviewing are the site's own unit only.
    client.force_login(make_user("above", unit=tree.province, role=role))
    before = _state()
    response = _call(client, name, objects, obj, method)
    if ancestor:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert _state() == before


def test_site_list_shows_only_sites_in_scope(client, tree, sites, no_mfa):
    client.force_login(make_user("wlmq_editor", unit=tree.urumqi, role="site_editor"))
    body = client.get(reverse("portal:site_list")).content.decode()
    assert "wlmq.test" in body
    assert "tsyx.test" in body  # the school below: viewable, not editable
    assert "jyt.test" not in body
    assert "ks.test" not in body
    # "Edit site" only for the own unit's site
    assert reverse("wagtailadmin_explore", args=[sites.urumqi.site.root_page_id]) in body
    assert reverse("wagtailadmin_explore", args=[sites.school.site.root_page_id]) not in body


def test_site_list_is_not_found_without_a_grant(client, tree, sites, no_mfa):
    client.force_login(make_user("plain", unit=tree.urumqi))
    assert client.get(reverse("portal:site_list")).status_code == 404


def test_site_page_names_editors_and_reviewers_from_grants(client, tree, sites, no_mfa):
    make_user("wlmq_writer", unit=tree.urumqi, role="site_editor")
    make_user("wlmq_checker", unit=tree.urumqi, role="site_reviewer")
    make_user("jyt_writer", unit=tree.province, role="site_editor")
    client.force_login(make_user("viewer", unit=tree.urumqi, role="site_editor"))
    response = client.get(reverse("portal:site_detail", args=[sites.urumqi.pk]))
    body = response.content.decode()
    assert "wlmq_writer" in body
    assert "wlmq_checker" in body
    assert "jyt_writer" not in body
    assert "wlmq.test" in body
    assert f"/cms/pages/{sites.urumqi.site.root_page_id}/" in body


def test_site_admin_sets_up_a_site_for_a_unit_in_scope(client, tree, sites, no_mfa):
    client.force_login(make_user("wlmq_admin", unit=tree.urumqi, role="site_admin"))
    response = client.post(
        reverse("portal:site_create"), {"unit": tree.tianshan.pk, "hostname": "TS.Example.test"}
    )
    assert response.status_code == 302
    site = PortalSite.objects.get(organization=tree.tianshan)
    assert site.site.hostname == "ts.example.test"
    assert response["Location"] == reverse("portal:site_detail", args=[site.pk])


def test_site_admin_cannot_set_up_a_site_outside_scope(client, tree, sites, no_mfa):
    client.force_login(make_user("wlmq_admin", unit=tree.urumqi, role="site_admin"))
    response = client.post(reverse("portal:site_create"), {"unit": tree.kashi_city.pk, "hostname": "kc.test"})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["unit"][0].code == "invalid_choice"
    assert not PortalSite.objects.filter(organization=tree.kashi_city).exists()


def test_site_setup_refuses_a_taken_host_name(client, tree, sites, no_mfa):
    client.force_login(make_user("wlmq_admin", unit=tree.urumqi, role="site_admin"))
    response = client.post(reverse("portal:site_create"), {"unit": tree.tianshan.pk, "hostname": "wlmq.test"})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["hostname"][0].code == "wrong_site"


def test_site_setup_is_not_found_without_manage(client, tree, sites, no_mfa):
    client.force_login(make_user("wlmq_editor", unit=tree.urumqi, role="site_reviewer"))
    assert client.get(reverse("portal:site_create")).status_code == 404


def test_navigation_shows_portal_sites(client, tree, sites, no_mfa):
    client.force_login(make_user("wlmq_editor", unit=tree.urumqi, role="site_editor"))
    assert reverse("portal:site_list") in client.get(reverse("workspace:home")).content.decode()


def test_offer_accept_flow_through_pages(client, tree, sites, no_mfa):
    objects_a = fill_site(sites.province, "JYTMARK")
    target = fill_site(sites.urumqi, "WLMQMARK")
    client.force_login(make_user("jyt_rev", unit=tree.province, role="site_reviewer"))
    response = client.post(
        reverse("portal:syndication_offer", args=[sites.province.pk]),
        {"page": objects_a.article.pk, "target_site": sites.urumqi.pk},
    )
    assert response.status_code == 302
    offer = Syndication.objects.get(status=SyndicationStatus.OFFERED)
    client.force_login(make_user("wlmq_rev", unit=tree.urumqi, role="site_reviewer"))
    page = client.get(reverse("portal:site_detail", args=[sites.urumqi.pk])).content.decode()
    assert "JYTMARK" in page
    response = client.post(
        reverse("portal:syndication_accept", args=[offer.pk]), {f"o{offer.pk}-section": target.section.pk}
    )
    offer.refresh_from_db()
    assert offer.status == SyndicationStatus.ACCEPTED
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[offer.copy_page_id])
    assert client.get(response["Location"]).status_code == 200
