"""Anonymous portal pages come from the cache; publishing drops the site's pages (BEYOND B.5)."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from edugov.portal.cache import HIT_HEADER
from edugov.portal.models import ArticlePage, SectionPage
from edugov.portal.tests.publishing_helpers import (
    draft_article,
    edit_form_data,
    editor_of,
    publish_directly,
    reviewer_of,
)

pytestmark = pytest.mark.django_db

#: Queries to render a news page that is not cached yet (site, route, page, restrictions, …).
UNCACHED_QUERY_BUDGET = 15


@pytest.fixture(autouse=True)
def _empty_page_cache() -> None:
    caches["portal_pages"].clear()


@pytest.fixture
def reviewer(sites):
    return reviewer_of(sites.province, "p_reviewer")


@pytest.fixture
def news(sites, reviewer):
    article = draft_article(sites.province, "全区中小学开学", user=reviewer, summary="开学工作安排")
    publish_directly(article, reviewer)
    return ArticlePage.objects.get(pk=article.pk)


def path_of(page) -> str:
    return page.get_url_parts()[2]


def get(client, path, host="jyt.test", **extra):
    return client.get(path, HTTP_HOST=host, **extra)


def test_second_request_is_answered_from_the_cache_without_queries(client, news, django_assert_num_queries):
    first = get(client, path_of(news))
    assert first.status_code == 200
    assert first[HIT_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = get(client, path_of(news))
    assert second.status_code == 200
    assert second[HIT_HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second
    assert second["X-Request-Id"] != first["X-Request-Id"]


def test_head_is_answered_from_the_cache_without_a_body(client, news, django_assert_num_queries):
    first = get(client, path_of(news))
    with django_assert_num_queries(0):
        head = client.head(path_of(news), HTTP_HOST="jyt.test")
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(first.content))


def test_home_page_is_cached_too(client, news, django_assert_num_queries):
    assert get(client, "/").status_code == 200
    with django_assert_num_queries(0):
        assert get(client, "/")[HIT_HEADER] == "hit"


def test_uncached_news_page_stays_within_the_query_budget(client, news, django_assert_max_num_queries):
    with django_assert_max_num_queries(UNCACHED_QUERY_BUDGET):
        assert get(client, path_of(news)).status_code == 200


def test_each_host_has_its_own_entries(client, sites, news):
    assert get(client, "/")[HIT_HEADER] == "miss"
    other = get(client, "/", host="wlmq.test")
    assert other[HIT_HEADER] == "miss"
    assert "乌鲁木齐市教育局" in other.content.decode()
    assert "乌鲁木齐市教育局" not in get(client, "/").content.decode()


def test_publishing_a_new_version_invalidates_the_site(client, sites, news, reviewer):
    get(client, path_of(news))
    get(client, "/")
    get(client, "/", host="wlmq.test")
    news.title = "全区中小学开学（更新）"
    news.save_revision(user=reviewer)
    publish_directly(news, reviewer)
    page = get(client, path_of(news))
    assert page[HIT_HEADER] == "miss"
    assert "全区中小学开学（更新）" in page.content.decode()
    assert get(client, "/")[HIT_HEADER] == "miss"
    # Another site keeps its cached pages.
    assert get(client, "/", host="wlmq.test")[HIT_HEADER] == "hit"


def test_publishing_a_new_page_shows_it_in_the_cached_listing(client, sites, reviewer):
    home = sites.province.site.root_page.specific
    section = SectionPage(title="新闻动态", slug="news", live=False)
    home.add_child(instance=section)
    section.save_revision(user=reviewer)
    publish_directly(section, reviewer)
    listing = get(client, path_of(section))
    assert listing.status_code == 200
    assert "另一条新闻" not in listing.content.decode()
    assert get(client, path_of(section))[HIT_HEADER] == "hit"
    other = draft_article(sites.province, "另一条新闻", user=reviewer, parent=section)
    publish_directly(other, reviewer)
    assert "另一条新闻" in get(client, path_of(section)).content.decode()


def test_unpublishing_removes_the_page_from_the_cache(client, news):
    assert get(client, path_of(news)).status_code == 200
    news.unpublish()
    assert get(client, path_of(news)).status_code == 404


def test_signed_in_editor_never_gets_nor_fills_the_cache(client, sites, news, no_mfa):
    editor = editor_of(sites.province, "p_editor")
    signed_in = Client()
    signed_in.force_login(editor)
    # Cached for visitors first: the editor still gets a fresh rendering.
    get(client, path_of(news))
    response = get(signed_in, path_of(news))
    assert response.status_code == 200
    assert response.get(HIT_HEADER) is None
    # An editor's request is not stored: the next visitor is a miss.
    caches["portal_pages"].clear()
    get(signed_in, path_of(news))
    assert get(client, path_of(news))[HIT_HEADER] == "miss"


def test_preview_is_never_cached(client, sites, news, reviewer, no_mfa):
    signed_in = Client()
    signed_in.force_login(reviewer)
    preview_url = f"/cms/pages/{news.pk}/edit/preview/"
    data = edit_form_data(news, "action-preview", title="预览中的标题")
    data.pop("action-preview")
    assert signed_in.post(preview_url, data, HTTP_HOST="jyt.test").status_code == 200
    preview = signed_in.get(preview_url, HTTP_HOST="jyt.test")
    assert preview.status_code == 200
    assert "预览中的标题" in preview.content.decode()
    assert preview.get(HIT_HEADER) is None
    visitor = get(client, path_of(news))
    assert visitor[HIT_HEADER] == "miss"
    assert "预览中的标题" not in visitor.content.decode()


def test_query_strings_and_session_cookies_bypass_the_cache(client, news):
    get(client, path_of(news))
    assert get(client, path_of(news) + "?utm=1").get(HIT_HEADER) != "hit"
    client.cookies["sessionid"] = "stale"
    assert get(client, path_of(news)).get(HIT_HEADER) != "hit"


def test_staff_and_service_paths_are_never_cached(client, sites):
    for path in ("/services/ping", "/en/services/ping"):
        get(client, path)
        response = get(client, path)
        assert response.status_code == 200
        assert response.get(HIT_HEADER) is None


def test_missing_pages_are_not_cached(client, sites, django_assert_max_num_queries):
    assert get(client, "/no-such-page/").status_code == 404
    assert get(client, "/no-such-page/").get(HIT_HEADER) is None


def test_renaming_the_unit_refreshes_its_site_name(client, sites, news):
    assert "新疆维吾尔自治区教育厅" in get(client, path_of(news)).content.decode()
    unit = sites.province.organization
    unit.name = "自治区教育厅（新）"
    unit.save()
    assert "自治区教育厅（新）" in get(client, path_of(news)).content.decode()


def test_ping_answers_ok(client, sites):
    response = get(client, "/services/ping")
    assert response.status_code == 200
    assert response.content == b"ok"
