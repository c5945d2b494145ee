"""A page takes images and attachments from its own site only (PUB-2, BEYOND A.8).

The choosers list the editor's own collections, but the edit form posts bare ids; an editor who
posts another site's image or document id (a body block, or a document link in rich text) is
refused as if the file did not exist, and nothing is saved.
"""

from __future__ import annotations

import pytest
from django.utils import translation
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from edugov.platform.testing.fixtures import make_user
from edugov.portal.forms.pages import foreign_media
from edugov.portal.models import ArticlePage
from edugov.portal.tests.publishing_helpers import edit_form_data
from edugov.portal.tests.sites_world import fill_site

pytestmark = pytest.mark.django_db

REFUSED = "所选图片或附件不存在"


@pytest.fixture
def world(tree, sites):
    return {
        "own": fill_site(sites.urumqi, "WLMQ"),
        "other": fill_site(sites.kashgar, "KS"),
        "editor": make_user("wlmq_ed", unit=tree.urumqi, role="site_editor"),
    }


def post_body(client, page, body):
    with translation.override("zh-hans"):
        return client.post(f"/cms/pages/{page.pk}/edit/", edit_form_data(page, "action-save", body=body))


def document_link(document) -> str:
    return f'<p>附件：<a linktype="document" id="{document.pk}">下载</a></p>'


@pytest.mark.parametrize(
    "body_of",
    [
        pytest.param(lambda o: [("image", o.image.pk)], id="image block"),
        pytest.param(lambda o: [("document", o.document.pk)], id="document block"),
        pytest.param(lambda o: [("paragraph", rich_text(document_link(o.document)))], id="document link"),
    ],
)
def test_another_sites_media_is_refused_and_nothing_is_saved(client, world, no_mfa, body_of):
    article = world["own"].article
    client.force_login(world["editor"])
    revisions = article.revisions.count()
    response = post_body(client, article, streamfield(body_of(world["other"])))
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert article.revisions.count() == revisions
    assert not ArticlePage.objects.get(pk=article.pk).has_unpublished_changes


def test_the_sites_own_media_is_saved(client, world, no_mfa):
    own = world["own"]
    client.force_login(world["editor"])
    body = streamfield(
        [
            ("image", own.image.pk),
            ("document", own.document.pk),
            ("paragraph", rich_text(document_link(own.document))),
        ]
    )
    response = post_body(client, own.article, body)
    assert response.status_code == 302
    draft = ArticlePage.objects.get(pk=own.article.pk).get_latest_revision_as_object()
    assert [block.block_type for block in draft.body] == ["image", "document", "paragraph"]


def test_a_new_page_is_checked_against_the_site_it_is_added_to(client, world, no_mfa):
    own, other = world["own"], world["other"]
    client.force_login(world["editor"])
    data = nested_form_data(
        {
            "title": "新闻（含图片）",
            "slug": "news-with-image",
            "kind": "news",
            "date": "2026-03-02",
            "source": "",
            "summary": "",
            "body": streamfield([("image", other.image.pk)]),
            "comments": inline_formset([]),
            "go_live_at": "",
            "expire_at": "",
        }
    )
    with translation.override("zh-hans"):
        response = client.post(f"/cms/pages/add/portal/articlepage/{own.section.pk}/", data)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not ArticlePage.objects.filter(slug="news-with-image").exists()
    # The same image is the Kashgar site's own: there it would be accepted.
    body = ArticlePage(title="x", date=own.article.date).body.stream_block.to_python(
        [{"type": "image", "value": other.image.pk}, {"type": "image", "value": own.image.pk}]
    )
    assert foreign_media(ArticlePage, {"body": body}, own.portal_site.collection.path) == [
        str(other.image.pk)
    ]
    assert foreign_media(ArticlePage, {"body": body}, other.portal_site.collection.path) == [
        str(own.image.pk)
    ]


def test_a_syndicated_copy_keeps_its_sources_media_but_takes_no_new_ones(client, world, tree, sites, no_mfa):
    """The accepted copy refers to the source site's image: editing it must not lose that (the
    reviewer accepted it, provenance is kept), but a third site's file is still refused."""
    from edugov.portal.actions.syndication import do_accept_syndication, do_offer_syndication
    from edugov.portal.tests.sites_world import publish

    own, other = world["own"], world["other"]
    source = other.article
    source.body = [("image", other.image), ("paragraph", RichText("<p>正文</p>"))]
    publish(source)
    ks_reviewer = make_user("ks_rev", unit=tree.kashgar, role="site_reviewer")
    wlmq_reviewer = make_user("wlmq_rev", unit=tree.urumqi, role="site_reviewer")
    offer = do_offer_syndication(source, target_site=sites.urumqi, acting_user=ks_reviewer)
    copy = do_accept_syndication(offer, section=own.section, acting_user=wlmq_reviewer)
    copy = ArticlePage.objects.get(pk=copy.pk)
    client.force_login(world["editor"])

    kept = post_body(
        client, copy, streamfield([("image", other.image.pk), ("paragraph", rich_text("<p>改</p>"))])
    )
    assert kept.status_code == 302
    assert (
        ArticlePage.objects.get(pk=copy.pk).get_latest_revision_as_object().body[0].value.pk == other.image.pk
    )

    third = fill_site(sites.province, "JYT")
    refused = post_body(client, copy, streamfield([("image", third.image.pk)]))
    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
