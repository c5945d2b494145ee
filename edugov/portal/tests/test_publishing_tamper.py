"""Published pages are snapshotted and checked for tampering (PUB-11)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.cache import caches
from django.core.management import call_command
from wagtail.models import Page

from edugov.core.models import AuditEntry
from edugov.portal import publishing
from edugov.portal.events_publishing import PublishingEvent
from edugov.portal.models import ArticlePage, PublishedSnapshot
from edugov.portal.tests.publishing_helpers import draft_article, editor_of, publish_directly, reviewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_page_cache() -> None:
    caches["portal_pages"].clear()


@pytest.fixture
def published(sites):
    reviewer = reviewer_of(sites.province, "p_reviewer")
    article = draft_article(
        sites.province, "教育厅召开全区教育工作会议", user=reviewer, summary="会议部署全年工作"
    )
    publish_directly(article, reviewer)
    return ArticlePage.objects.get(pk=article.pk)


def path_of(page) -> str:
    return publishing.page_address(page).path


def check(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_published", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_publishing_takes_a_snapshot_of_the_page_as_served(client, published):
    snapshot = PublishedSnapshot.objects.get(page=published)
    assert snapshot.revision_id == published.live_revision_id
    assert snapshot.language == "zh-hans"
    assert snapshot.url == f"http://jyt.test{path_of(published)}"
    served = client.get(path_of(published), HTTP_HOST="jyt.test")
    assert served.status_code == 200
    assert publishing.sha256(served.content) == snapshot.html_sha256


def test_every_new_site_home_page_has_a_snapshot(sites):
    for portal_site in (sites.province, sites.urumqi, sites.kashgar, sites.school):
        assert PublishedSnapshot.objects.filter(page_id=portal_site.site.root_page_id).exists()


def test_check_passes_when_nothing_was_touched(published):
    code, out = check()
    assert code == 0, out
    assert "all live pages match" in out


def test_direct_database_edit_is_reported(published, sites):
    ArticlePage.objects.filter(pk=published.pk).update(title="被篡改的标题")
    code, out = check()
    assert code == 1
    lines = out.strip().splitlines()
    edited = [line for line in lines if line.startswith(f"page {published.pk} ")]
    assert len(edited) == 1
    assert edited[0].startswith(f"page {published.pk} site jyt.test url http://jyt.test{path_of(published)}")
    assert "content" in edited[0]
    assert "html" in edited[0]  # the page now renders differently too
    # The pages that list it (the home page's latest news) now serve the forged title as well;
    # their own content is untouched, so only their HTML is reported.
    showing = {page.pk for page in publishing.pages_showing(published)}
    for line in lines:
        if line not in edited:
            assert int(line.split()[1]) in showing
            assert line.endswith("failed: html")
    assert AuditEntry.objects.filter(event_type=PublishingEvent.TAMPER_DETECTED).exists()
    # Only this site is affected.
    assert check("--site", "wlmq.test")[0] == 0


def test_edit_of_a_body_field_is_reported(published):
    ArticlePage.objects.filter(pk=published.pk).update(summary="改过的摘要")
    code, out = check()
    assert code == 1
    assert f"page {published.pk} " in out
    assert "content" in out


def test_live_revision_swapped_behind_the_workflow_is_reported(published):
    draft = published.save_revision()
    Page.objects.filter(pk=published.pk).update(live_revision=draft)
    code, out = check()
    assert code == 1
    assert "revision" in out


@pytest.fixture
def mirror() -> Iterator[dict[str, bytes]]:
    """A small HTTP server standing in for a front server: serves ``pages[path]``."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = pages.get(f"{self.headers['Host']}{self.path}")
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pages["__base__"] = f"http://127.0.0.1:{server.server_address[1]}".encode()
    try:
        yield pages
    finally:
        server.shutdown()
        server.server_close()


def _mirror_everything(mirror: dict[str, bytes], client) -> None:
    for page in Page.objects.live().filter(depth__gt=1).specific():
        address = publishing.page_address(page)
        mirror[address.host + address.path] = client.get(address.path, HTTP_HOST=address.host).content


def test_front_server_serving_the_published_html_passes(client, published, mirror):
    _mirror_everything(mirror, client)
    code, out = check("--base-url", mirror["__base__"].decode(), "--site", "jyt.test")
    assert code == 0, out


def test_defaced_front_server_is_reported(client, published, mirror):
    _mirror_everything(mirror, client)
    key = f"jyt.test{path_of(published)}"
    mirror[key] = mirror[key].replace("全区教育工作会议".encode(), "被挂马的页面".encode())
    code, out = check("--base-url", mirror["__base__"].decode(), "--site", "jyt.test")
    assert code == 1
    assert out.strip().splitlines() == [
        f"page {published.pk} site jyt.test url http://jyt.test{path_of(published)} failed: html"
    ]


def test_changed_template_is_reported_until_rebaselined(published, monkeypatch):
    real_render = publishing.render_as_served

    def new_template(address):
        status, html = real_render(address)
        return status, html.replace(b"</main>", b"<p>new footer</p></main>")

    monkeypatch.setattr(publishing, "render_as_served", new_template)
    code, out = check()
    assert code == 1
    assert "html" in out
    code, out = check("--rebaseline", "--reason", "模板升级")
    assert code == 0
    assert AuditEntry.objects.filter(event_type=PublishingEvent.SNAPSHOTS_REBASELINED).exists()
    assert check()[0] == 0


def test_unpublishing_drops_the_snapshot(published):
    published.unpublish()
    assert not PublishedSnapshot.objects.filter(page_id=published.pk).exists()
    assert check()[0] == 0


def test_snapshot_of_a_translated_page_uses_its_language_prefix(client, sites):
    from wagtail.models import Locale

    reviewer = reviewer_of(sites.province, "p_reviewer")
    editor_of(sites.province, "p_editor")
    english = Locale.objects.get(language_code="en")
    home = sites.province.site.root_page.specific
    home_en = home.copy_for_translation(english)
    home_en.save_revision().publish(skip_permission_checks=True)
    article = draft_article(sites.province, "开学", user=reviewer)
    translated = article.copy_for_translation(english)
    translated.title = "School opens"
    translated.save_revision(user=reviewer)
    publish_directly(translated, reviewer)
    snapshot = PublishedSnapshot.objects.get(page_id=translated.pk)
    assert snapshot.language == "en"
    assert "/en/" in snapshot.url
    response = client.get(snapshot.url.removeprefix("http://jyt.test"), HTTP_HOST="jyt.test")
    assert response.status_code == 200
    assert publishing.sha256(response.content) == snapshot.html_sha256
