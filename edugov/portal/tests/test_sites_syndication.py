"""Syndication between sites: explicit offer, reviewed acceptance as a draft, provenance (PUB-2)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.syndication import (
    SyndicationErrorCode,
    do_accept_syndication,
    do_decline_syndication,
    do_offer_syndication,
    do_withdraw_syndication,
)
from edugov.portal.models import ArticlePage, Syndication, SyndicationStatus
from edugov.portal.testing.fixtures import KASHGAR_HOST, PROVINCE_HOST, URUMQI_HOST
from edugov.portal.tests.sites_world import fill_site, publish, use_file_storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree, sites):
    class W:
        a = fill_site(sites.province, "JYTMARK")
        b = fill_site(sites.urumqi, "WLMQMARK")
        c = fill_site(sites.kashgar, "KSMARK")
        a_reviewer = make_user("jyt_rev", unit=tree.province, role="site_reviewer")
        a_editor = make_user("jyt_ed", unit=tree.province, role="site_editor")
        b_reviewer = make_user("wlmq_rev", unit=tree.urumqi, role="site_reviewer")
        c_reviewer = make_user("ks_rev", unit=tree.kashgar, role="site_reviewer")

    return W


def _codes(excinfo):
    return [e.code for e in excinfo.value.error_list]


def test_accepting_an_offer_creates_a_draft_with_provenance(world, sites):
    offer = do_offer_syndication(world.a.article, target_site=sites.urumqi, acting_user=world.a_reviewer)
    assert offer.status == SyndicationStatus.OFFERED
    assert offer.source_site == sites.province
    assert offer.source_revision_ref == world.a.article.live_revision_id
    copy = do_accept_syndication(offer, section=world.b.section, acting_user=world.b_reviewer)
    offer.refresh_from_db()
    assert offer.status == SyndicationStatus.ACCEPTED
    assert offer.copy_page_id == copy.pk
    assert offer.offered_by == world.a_reviewer
    assert offer.decided_by == world.b_reviewer
    assert offer.decided_at is not None
    assert not copy.live  # B's own review decides
    assert copy.get_parent().pk == world.b.section.pk
    assert copy.title == world.a.article.title
    assert copy.source == sites.province.organization.name
    assert world.a.article.url_path.split("/")[-2] in offer.source_url
    events = set(AuditEntry.objects.values_list("event_type", flat=True))
    assert {"portal.syndication_offered", "portal.syndication_accepted"} <= events


def test_published_copy_names_its_source(client, world, sites):
    offer = do_offer_syndication(world.a.article, target_site=sites.urumqi, acting_user=world.a_reviewer)
    copy = do_accept_syndication(offer, section=world.b.section, acting_user=world.b_reviewer)
    path = f"/{world.b.section.slug}/{copy.slug}/"
    assert client.get(path, HTTP_HOST=URUMQI_HOST).status_code == 404  # a draft until B's review
    publish(copy, world.b_reviewer)  # after B's review
    response = client.get(path, HTTP_HOST=URUMQI_HOST)
    assert response.status_code == 200
    body = response.content.decode()
    assert sites.province.organization.name in body
    assert f'href="{offer.source_url}"' in body
    # The source itself does not claim to be reprinted.
    source = client.get(f"/{world.a.section.slug}/{world.a.article.slug}/", HTTP_HOST=PROVINCE_HOST)
    assert 'class="portal-syndicated"' not in source.content.decode()


def test_reviewer_of_another_site_cannot_accept(client, world, sites, no_mfa):
    offer = do_offer_syndication(world.a.article, target_site=sites.urumqi, acting_user=world.a_reviewer)
    with pytest.raises(ValidationError) as excinfo:
        do_accept_syndication(offer, section=world.c.section, acting_user=world.c_reviewer)
    assert _codes(excinfo) == [SyndicationErrorCode.NOT_REVIEWER]
    client.force_login(world.c_reviewer)
    url = reverse("portal:syndication_accept", args=[offer.pk])
    assert client.post(url, {f"o{offer.pk}-section": world.c.section.pk}).status_code == 404
    assert client.post(reverse("portal:syndication_decline", args=[offer.pk])).status_code == 404
    offer.refresh_from_db()
    assert offer.status == SyndicationStatus.OFFERED
    assert not ArticlePage.objects.filter(title=world.a.article.title).exclude(pk=world.a.article.pk).exists()


def test_accept_only_into_a_section_of_the_receiving_site(world, sites):
    offer = do_offer_syndication(world.a.article, target_site=sites.urumqi, acting_user=world.a_reviewer)
    with pytest.raises(ValidationError) as excinfo:
        do_accept_syndication(offer, section=world.c.section, acting_user=world.b_reviewer)
    assert _codes(excinfo) == [SyndicationErrorCode.WRONG_SECTION]


def test_only_a_reviewer_of_the_source_site_offers(world, sites, tree):
    with pytest.raises(ValidationError) as excinfo:
        do_offer_syndication(world.a.article, target_site=sites.urumqi, acting_user=world.a_editor)
    assert _codes(excinfo) == [SyndicationErrorCode.NOT_REVIEWER]
    # A province reviewer does not review the prefecture's site.
    with pytest.raises(ValidationError) as excinfo:
        do_offer_syndication(world.b.article, target_site=sites.kashgar, acting_user=world.a_reviewer)
    assert _codes(excinfo) == [SyndicationErrorCode.NOT_REVIEWER]


def test_offer_rules(world, sites):
    with pytest.raises(ValidationError) as excinfo:
        do_offer_syndication(world.a.article, target_site=sites.province, acting_user=world.a_reviewer)
    assert _codes(excinfo) == [SyndicationErrorCode.SAME_SITE]
    with pytest.raises(ValidationError) as excinfo:
        do_offer_syndication(world.a.section, target_site=sites.urumqi, acting_user=world.a_reviewer)
    assert _codes(excinfo) == [SyndicationErrorCode.NOT_AN_ARTICLE]
    draft = ArticlePage(title="草稿", slug="draft", date="2026-03-01", live=False)
    world.a.section.add_child(instance=draft)
    with pytest.raises(ValidationError) as excinfo:
        do_offer_syndication(draft, target_site=sites.urumqi, acting_user=world.a_reviewer)
    assert _codes(excinfo) == [SyndicationErrorCode.NOT_LIVE]
    do_offer_syndication(world.a.article, target_site=sites.urumqi, acting_user=world.a_reviewer)
    with pytest.raises(ValidationError) as excinfo:
        do_offer_syndication(world.a.article, target_site=sites.urumqi, acting_user=world.a_reviewer)
    assert _codes(excinfo) == [SyndicationErrorCode.ALREADY_OFFERED]


def test_decline_and_withdraw(world, sites):
    first = do_offer_syndication(world.a.article, target_site=sites.urumqi, acting_user=world.a_reviewer)
    do_decline_syndication(first, acting_user=world.b_reviewer, note="不适合本站")
    first.refresh_from_db()
    assert first.status == SyndicationStatus.DECLINED
    with pytest.raises(ValidationError) as excinfo:
        do_accept_syndication(first, section=world.b.section, acting_user=world.b_reviewer)
    assert _codes(excinfo) == [SyndicationErrorCode.NOT_OPEN]
    second = do_offer_syndication(world.a.article, target_site=sites.kashgar, acting_user=world.a_reviewer)
    with pytest.raises(ValidationError):
        do_withdraw_syndication(second, acting_user=world.c_reviewer)
    do_withdraw_syndication(second, acting_user=world.a_reviewer)
    second.refresh_from_db()
    assert second.status == SyndicationStatus.WITHDRAWN


def test_copy_is_the_offered_revision_not_later_edits(world, sites):
    offer = do_offer_syndication(world.a.article, target_site=sites.urumqi, acting_user=world.a_reviewer)
    world.a.article.title = "JYTMARK 改动后"
    publish(world.a.article, world.a_reviewer)
    copy = do_accept_syndication(offer, section=world.b.section, acting_user=world.b_reviewer)
    assert copy.title == "JYTMARK 文章"


@pytest.fixture
def on_disk(settings, tmp_path):
    use_file_storage(settings, tmp_path)


def test_documents_of_a_syndicated_article_are_served_on_the_receiving_site(on_disk, client, world, sites):
    doc = world.a.document
    article = world.a.article
    article.body = [{"type": "document", "value": doc.pk}]
    publish(article, world.a_reviewer)
    url = f"/documents/{doc.pk}/{doc.filename}"
    assert client.get(url, HTTP_HOST=URUMQI_HOST).status_code == 404
    offer = do_offer_syndication(article, target_site=sites.urumqi, acting_user=world.a_reviewer)
    do_accept_syndication(offer, section=world.b.section, acting_user=world.b_reviewer)
    assert client.get(url, HTTP_HOST=URUMQI_HOST).status_code == 200
    assert client.get(url, HTTP_HOST=KASHGAR_HOST).status_code == 404
    assert Syndication.objects.count() == 1
