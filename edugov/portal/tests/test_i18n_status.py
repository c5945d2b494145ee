"""Editors set a translated page's status in the CMS, on their own site only (PUB-10, A.9)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.translation import do_set_translation_status
from edugov.portal.events_translation import TranslationEvent
from edugov.portal.models import ArticlePage, PageTranslation, TranslationStatus
from edugov.portal.testing.translations import build_translated_site, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(sites):
    return build_translated_site(sites.province, languages=("ug",))


def editor(name, portal_site, unit):
    # Site groups follow platform grants (portal.actions.sites_sync): a site_editor grant on the unit.
    user = make_user(name, unit=unit, role="site_editor", include_descendants=False)
    assert user.groups.filter(pk=portal_site.editors_group_id).exists()
    return user


def url(page):
    return f"/cms/portal/translation/{page.pk}/"


def test_editor_sets_status_and_it_is_audited(client, built, sites, tree, no_mfa):
    user = editor("jyt_editor", sites.province, tree.province)
    page = built.translations["ug"]["article"]
    source = ArticlePage.objects.get(pk=built.article.pk)
    source.summary = "新摘要"
    publish(source)
    assert PageTranslation.objects.get(page=page).is_outdated
    client.force_login(user)
    assert client.get(url(page)).status_code == 200
    # the page's header in the CMS links the status page
    assert url(page) in client.get(f"/cms/pages/{page.pk}/edit/").content.decode()
    response = client.post(url(page), {"status": "official", "translator": "阿依古丽", "up_to_date": "on"})
    assert response.status_code == 302
    record = PageTranslation.objects.get(page=page)
    assert record.status == TranslationStatus.OFFICIAL
    assert record.translator == "阿依古丽"
    assert record.is_outdated is False  # checked against the new source text
    entry = AuditEntry.objects.filter(event_type=TranslationEvent.STATUS_SET).get()
    assert entry.extra_data["status"] == "official"
    assert entry.organization_id == tree.province.pk


def test_status_change_without_comparison_keeps_the_page_outdated(built, sites, tree):
    user = editor("jyt_editor2", sites.province, tree.province)
    page = built.translations["ug"]["article"]
    publish(ArticlePage.objects.get(pk=built.article.pk))
    record = do_set_translation_status(page, status="reviewed", acting_user=user, up_to_date=False)
    assert record.is_outdated is True


def test_editor_of_another_site_gets_404_and_changes_nothing(client, built, sites, tree, no_mfa):
    outsider = editor("wlmq_editor", sites.urumqi, tree.urumqi)
    page = built.translations["ug"]["article"]
    client.force_login(outsider)
    assert client.get(url(page)).status_code == 404
    assert client.post(url(page), {"status": "official"}).status_code == 404
    assert PageTranslation.objects.get(page=page).status == TranslationStatus.DRAFT
    with pytest.raises(PermissionDenied):
        do_set_translation_status(page, status="official", acting_user=outsider)


def test_chinese_pages_are_sources_not_translations(client, built, sites, tree, no_mfa):
    user = editor("jyt_editor3", sites.province, tree.province)
    client.force_login(user)
    assert client.get(url(built.article)).status_code == 404
    with pytest.raises(ValidationError) as raised:
        do_set_translation_status(built.article, status="official", acting_user=user)
    assert raised.value.code == "not_a_translation"


def test_anonymous_visitor_is_sent_to_sign_in(client, built):
    response = client.get(url(built.translations["ug"]["article"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_translated_home_is_editable_by_the_sites_editors_only(built, sites, tree):
    """Copying a home page makes a new tree root; the site's groups get the same rights on it."""
    ug_home = built.translations["ug"]["home"]
    own = editor("jyt_editor4", sites.province, tree.province)
    outsider = editor("wlmq_editor2", sites.urumqi, tree.urumqi)
    assert ug_home.permissions_for_user(own).can_edit()
    assert built.translations["ug"]["article"].permissions_for_user(own).can_edit()
    assert not ug_home.permissions_for_user(outsider).can_edit()
