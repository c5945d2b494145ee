"""Approved pages with a go-live time wait for it; expired pages go offline (PUB-1)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.cache import caches
from wagtail.models import Revision

from edugov.core.periodic import jobs
from edugov.portal.models import ArticlePage, PublishedSnapshot
from edugov.portal.publishing import run_scheduled_publishing
from edugov.portal.tests.publishing_helpers import (
    draft_article,
    editor_of,
    publish_directly,
    reviewer_of,
    submit,
)

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _empty_page_cache() -> None:
    caches["portal_pages"].clear()


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def test_scheduled_publishing_is_a_periodic_job():
    job = jobs()["portal.scheduled_publishing"]
    assert job.func_path == "edugov.portal.publishing.run_scheduled_publishing"
    assert job.every == dt.timedelta(minutes=1)


def test_approved_page_with_a_future_go_live_time_is_published_on_time(client, sites):
    with time_machine.travel(at(2, 9), tick=False):
        editor = editor_of(sites.province, "p_editor")
        reviewer = reviewer_of(sites.province, "p_reviewer")
        article = draft_article(sites.province, "招生政策发布", user=editor, go_live_at=at(3, 8))
        submit(article, editor)
        from edugov.portal.tests.publishing_helpers import approve

        approve(article, reviewer)
        article = ArticlePage.objects.get(pk=article.pk)
        assert not article.live
        assert Revision.objects.filter(object_id=str(article.pk), approved_go_live_at=at(3, 8)).exists()
        path = article.get_url_parts()[2]
        assert client.get(path, HTTP_HOST="jyt.test").status_code == 404
        run_scheduled_publishing()
        assert not ArticlePage.objects.get(pk=article.pk).live

    with time_machine.travel(at(3, 8, 1), tick=False):
        run_scheduled_publishing()
        article = ArticlePage.objects.get(pk=article.pk)
        assert article.live
        assert PublishedSnapshot.objects.filter(page=article, revision=article.live_revision).exists()
        # The visitor who got the 404 before (cached nowhere: 404s are not stored) sees it now.
        assert client.get(path, HTTP_HOST="jyt.test").status_code == 200


def test_expired_page_goes_offline_and_leaves_the_cache(client, sites):
    with time_machine.travel(at(2, 9), tick=False):
        reviewer = reviewer_of(sites.province, "p_reviewer")
        article = draft_article(sites.province, "限时公示", user=reviewer, expire_at=at(9, 18))
        publish_directly(article, reviewer)
        article = ArticlePage.objects.get(pk=article.pk)
        path = article.get_url_parts()[2]
        assert article.live
        assert client.get(path, HTTP_HOST="jyt.test").status_code == 200
        assert client.get(path, HTTP_HOST="jyt.test")["X-Portal-Cache"] == "hit"

    with time_machine.travel(at(9, 18, 1), tick=False):
        run_scheduled_publishing()
        article = ArticlePage.objects.get(pk=article.pk)
        assert not article.live
        assert article.expired
        assert not PublishedSnapshot.objects.filter(page=article).exists()
        assert client.get(path, HTTP_HOST="jyt.test").status_code == 404
