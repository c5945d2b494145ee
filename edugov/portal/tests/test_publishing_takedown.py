"""Taking a published page down (撤稿, PUB-1, PUB-2): at once, with a reason, by a reviewer of the
site's own unit only; the page, what is below it and its translations leave the site, the cache and
the search together, and stay as drafts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, PageLogEntry

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.publishing import do_take_down_page
from edugov.portal.events_publishing import PublishingEvent
from edugov.portal.models import PortalSearchEntry
from edugov.portal.publishing import live_pages
from edugov.portal.testing.fixtures import KASHGAR_HOST, URUMQI_HOST
from edugov.portal.testing.translations import build_translated_site
from edugov.portal.tests.sites_world import fill_site
from edugov.portal.wagtail_hooks import take_down_button

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    return {
        "reviewer": make_user("wlmq_rev", unit=tree.urumqi, role="site_reviewer"),
        "editor": make_user("wlmq_ed", unit=tree.urumqi, role="site_editor"),
        "ks_reviewer": make_user("ks_rev", unit=tree.kashgar, role="site_reviewer"),
        "province_admin": make_user("jyt_admin", unit=tree.province, role="site_admin"),
    }


@pytest.fixture
def urumqi(sites):
    return fill_site(sites.urumqi, "WLMQ")


def served(page, host=URUMQI_HOST) -> int:
    """The status an anonymous visitor gets for the page's address."""
    return Client().get(page.get_url_parts()[2], HTTP_HOST=host).status_code


def take_down_url(portal_site, page) -> str:
    return reverse("portal:take_down_page", args=[portal_site.pk, page.pk])


def test_a_reviewer_takes_a_notice_down_at_once_with_a_reason(client, sites, people, urumqi, no_mfa):
    article = urumqi.article
    assert served(article) == 200  # now also in the page cache
    assert PortalSearchEntry.objects.filter(page_id=article.pk).exists()
    client.force_login(people["reviewer"])
    listing = client.get(reverse("portal:published_pages", args=[sites.urumqi.pk]), {"q": "文章"})
    assert take_down_url(sites.urumqi, article) in listing.content.decode()

    with translation.override("zh-hans"):
        confirm = client.get(take_down_url(sites.urumqi, article))
    assert confirm.status_code == 200
    assert "撤稿" in confirm.content.decode()
    assert "WLMQ 文章" in confirm.content.decode()
    response = client.post(take_down_url(sites.urumqi, article), {"reason": "通知日期有误，更正后重新发布"})
    assert response.status_code == 302

    article.refresh_from_db()
    assert not article.live
    assert served(article) == 404  # the cached copy is gone too
    assert not PortalSearchEntry.objects.filter(page_id=article.pk).exists()
    assert article.revisions.exists()  # kept as a draft with its revisions
    entry = AuditEntry.objects.get(event_type=PublishingEvent.PAGE_TAKEN_DOWN)
    assert entry.acting_user_id == people["reviewer"].pk
    assert entry.reason == "通知日期有误，更正后重新发布"
    assert entry.extra_data["pages"] == [article.pk]
    assert PageLogEntry.objects.filter(
        page=article, action="wagtail.unpublish", user=people["reviewer"]
    ).exists()
    assert article.pk not in {p.pk for p in live_pages(URUMQI_HOST)}  # check_published no longer expects it
    # Still nobody may publish without review: the page's permissions are unchanged.
    assert not article.permissions_for_user(people["reviewer"]).can_publish()


def test_a_section_goes_with_the_pages_below_it_and_its_translations(client, sites, people, no_mfa):
    built = build_translated_site(sites.urumqi, languages=("ug",))
    ug_section = built.translations["ug"]["section"]
    ug_article = built.translations["ug"]["article"]
    client.force_login(people["reviewer"])
    with translation.override("zh-hans"):
        confirm = client.get(take_down_url(sites.urumqi, built.section)).content.decode()
    assert "另有 4 个已发布页面" in confirm  # two articles, the Uyghur section and article
    taken = do_take_down_page(
        built.section, portal_site=sites.urumqi, acting_user=people["reviewer"], reason="栏目调整"
    )
    expected = {built.section.pk, built.article.pk, built.other_article.pk, ug_section.pk, ug_article.pk}
    assert set(taken) == expected
    assert not Page.objects.filter(pk__in=expected, live=True).exists()
    assert Page.objects.get(pk=built.home.pk).live  # the site itself stays
    assert served(ug_article) == 404


@pytest.mark.parametrize("who", ["editor", "ks_reviewer", "province_admin"])
def test_only_a_reviewer_of_the_sites_own_unit_may_take_down(client, sites, people, urumqi, no_mfa, who):
    """An editor, another site's reviewer and a site admin of the province above all get 404,
    and the page stays up (the site rule: grants above do not reach a unit's site)."""
    client.force_login(people[who])
    url = take_down_url(sites.urumqi, urumqi.article)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert client.get(reverse("portal:published_pages", args=[sites.urumqi.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        do_take_down_page(urumqi.article, portal_site=sites.urumqi, acting_user=people[who], reason="x")
    urumqi.article.refresh_from_db()
    assert urumqi.article.live
    assert not AuditEntry.objects.filter(event_type=PublishingEvent.PAGE_TAKEN_DOWN).exists()


def test_another_sites_page_through_ones_own_site_answers_as_missing(client, sites, people, urumqi, no_mfa):
    kashgar = fill_site(sites.kashgar, "KS")
    client.force_login(people["reviewer"])
    url = take_down_url(sites.urumqi, kashgar.article)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "越权尝试"}).status_code == 404
    with pytest.raises(PermissionDenied):
        do_take_down_page(
            kashgar.article, portal_site=sites.urumqi, acting_user=people["reviewer"], reason="x"
        )
    assert served(kashgar.article, host=KASHGAR_HOST) == 200


def test_a_reason_is_required_and_the_home_page_is_not_taken_down(client, sites, people, urumqi, no_mfa):
    client.force_login(people["reviewer"])
    with translation.override("zh-hans"):
        response = client.post(take_down_url(sites.urumqi, urumqi.article), {"reason": "  "})
    assert response.status_code == 200
    assert "原因" in response.content.decode()
    urumqi.article.refresh_from_db()
    assert urumqi.article.live
    assert client.get(take_down_url(sites.urumqi, urumqi.home)).status_code == 404
    with pytest.raises(ValidationError) as error:
        do_take_down_page(urumqi.home, portal_site=sites.urumqi, acting_user=people["reviewer"], reason="x")
    assert error.value.error_list[0].code == "site_home"
    do_take_down_page(urumqi.article, portal_site=sites.urumqi, acting_user=people["reviewer"], reason="重复")
    with pytest.raises(ValidationError) as again:
        do_take_down_page(
            urumqi.article, portal_site=sites.urumqi, acting_user=people["reviewer"], reason="重复"
        )
    assert again.value.error_list[0].code == "not_live"


def test_the_cms_page_menu_offers_take_down_to_the_sites_reviewers_only(sites, people, urumqi):
    buttons = list(take_down_button(urumqi.article, people["reviewer"], "edit"))
    assert [b.url for b in buttons] == [take_down_url(sites.urumqi, urumqi.article)]
    assert list(take_down_button(urumqi.article, people["editor"], "edit")) == []
    assert list(take_down_button(urumqi.article, people["ks_reviewer"], "edit")) == []
    assert list(take_down_button(urumqi.home, people["reviewer"], "edit")) == []
