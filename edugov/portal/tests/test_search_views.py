"""/services/search/: one search box finds live pages of every portal site, labelled by site (PUB-9)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from edugov.portal.models import ArticlePage
from edugov.portal.testing.fixtures import KASHGAR_HOST, PROVINCE_HOST, URUMQI_HOST

pytestmark = pytest.mark.django_db

URL = "/services/search/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def publish(portal_site, title, *, text="", slug, day=datetime.date(2026, 3, 1), live=True):
    page = ArticlePage(
        title=title,
        slug=slug,
        date=day,
        body=json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}]),
        live=False,
    )
    portal_site.site.root_page.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    page.refresh_from_db()
    return page


def test_the_url_name_is_portal_public_search():
    assert reverse("portal_public:search") == URL


def test_search_on_one_site_finds_pages_of_another_labelled_with_its_site(client, sites):
    publish(sites.kashgar, "2026年义务教育招生入学工作通知", slug="zs", text="适龄儿童入学登记")
    publish(sites.urumqi, "教师节表彰大会", slug="jsj")
    response = client.get(URL, {"q": "招生"}, HTTP_HOST=PROVINCE_HOST)
    assert response.status_code == 200
    hits = response.context["results"].hits
    assert [hit.site_name for hit in hits] == ["喀什地区教育局"]
    html = response.content.decode()
    assert "喀什地区教育局" in html
    assert "<mark>招生</mark>" in html
    assert "http://ks.test/zs/" in html
    assert "教师节" not in html
    assert 'datetime="2026-03-01"' in html


def test_this_site_filter_keeps_only_the_current_sites_pages(client, sites):
    publish(sites.kashgar, "喀什招生计划", slug="a")
    publish(sites.urumqi, "乌鲁木齐招生计划", slug="b")
    response = client.get(URL, {"q": "招生", "site": "wlmq"}, HTTP_HOST=URUMQI_HOST)
    assert [hit.site_slug for hit in response.context["results"].hits] == ["wlmq"]
    everywhere = client.get(URL, {"q": "招生", "site": ""}, HTTP_HOST=URUMQI_HOST)
    assert {hit.site_slug for hit in everywhere.context["results"].hits} == {"ks", "wlmq"}
    assert 'value="wlmq"' in everywhere.content.decode()  # the "this site only" choice


def test_unpublished_pages_are_never_found(client, sites):
    publish(sites.province, "招生草稿", slug="draft", live=False)
    page = publish(sites.province, "招生公告", slug="live")
    page.unpublish()
    response = client.get(URL, {"q": "招生"}, HTTP_HOST=PROVINCE_HOST)
    assert response.context["results"].total == 0
    assert "招生草稿" not in response.content.decode()


def test_results_are_paginated(client, sites):
    for n in range(13):
        publish(sites.province, f"招生通知第{n}号", slug=f"n{n}", day=datetime.date(2026, 1, 1 + n))
    first = client.get(URL, {"q": "招生"}, HTTP_HOST=PROVINCE_HOST)
    assert first.context["results"].total == 13
    assert len(first.context["results"].hits) == 10
    assert first.context["next_url"]
    second = client.get(URL, {"q": "招生", "page": "2"}, HTTP_HOST=PROVINCE_HOST)
    assert len(second.context["results"].hits) == 3
    assert second.context["previous_url"]
    junk = client.get(URL, {"q": "招生", "page": "x"}, HTTP_HOST=PROVINCE_HOST)
    assert junk.status_code == 200
    assert junk.context["number"] == 1


def test_markup_in_the_query_is_refused_and_never_echoed(client, sites):
    response = client.get(URL, {"q": "<script>alert(1)</script>"}, HTTP_HOST=PROVINCE_HOST)
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.content.decode()


def test_an_empty_query_shows_the_box_only(client, sites):
    response = client.get(URL, HTTP_HOST=KASHGAR_HOST)
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert response.context["results"].total == 0


def test_search_has_a_generous_rate_limit(client, sites, settings):
    from edugov.portal.views import search as view

    for _ in range(view.SEARCH_LIMIT):
        assert client.get(URL, {"q": "招生"}, HTTP_HOST=PROVINCE_HOST).status_code == 200
    refused = client.get(URL, {"q": "招生"}, HTTP_HOST=PROVINCE_HOST)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(view.SEARCH_PERIOD)


def test_every_page_header_has_the_search_box(client, sites):
    html = client.get("/", HTTP_HOST=URUMQI_HOST).content.decode()
    assert f'action="{URL}"' in html
    assert 'name="q"' in html
