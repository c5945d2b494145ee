"""Every admin, document and pages-API route, tried against another site's objects (BEYOND A.8).

The URL patterns are enumerated from the resolver, so a route added by a Wagtail upgrade or
by another area is tried too: it must either be classified in ``edugov.portal.isolation`` or
answer 404. An editor (and reviewer, and ``is_superuser``) of the Ürümqi site fills every
id-like kwarg with an object of another site; the answer must be 404 and nothing may change.
Routes without an object in the URL must not show another site's titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from edugov.platform.testing.fixtures import make_user
from edugov.portal.isolation import NEUTRAL_ROUTES, OBJECT_ROUTES
from edugov.portal.testing.fixtures import PROVINCE_HOST, URUMQI_HOST
from edugov.portal.tests.sites_world import (
    editing_session_of,
    fill_site,
    snapshot,
    start_review,
    uploaded_file_of,
    use_file_storage,
)

pytestmark = pytest.mark.django_db

PREFIXES = ("cms/", "documents/", "api/portal/v2/")


@dataclass
class Route:
    path: str  # the pattern, for messages
    view_name: str
    kwargs: list[str]
    positional: int


def _kwarg_names(pattern: Any) -> tuple[list[str], int]:
    inner = pattern.pattern
    regex = getattr(inner, "regex", None)
    if hasattr(inner, "converters") and inner.converters:
        return list(inner.converters), 0
    if regex is not None:
        named = list(regex.groupindex)
        return named, (regex.groups - len(named)) if not named else 0
    return [], 0


def enumerate_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, ns: str, kwargs: list[str], positional: int) -> None:
        for p in resolver.url_patterns:
            names, pos = _kwarg_names(p)
            if isinstance(p, URLResolver):
                child_ns = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
                walk(p, prefix + str(p.pattern), child_ns, kwargs + names, positional + pos)
            elif isinstance(p, URLPattern):
                full = prefix + str(p.pattern)
                if not full.lstrip("^").startswith(PREFIXES):
                    continue
                name = f"{ns}:{p.name}" if ns and p.name else (p.name or "")
                routes.append(Route(full, name, kwargs + names, positional + pos))

    walk(get_resolver(), "", "", [], 0)
    return routes


class World:
    """Site A (Ürümqi, the editor's) and site B (another), with B's objects to aim at."""

    def __init__(self, tree: Any, sites: Any, other: str) -> None:
        from wagtail.models import Locale

        self.a = fill_site(sites.urumqi, "WLMQMARK")
        b_site = getattr(sites, other)
        self.b = fill_site(b_site, "OTHERMARK")
        b_unit = b_site.organization
        self.b_editor = make_user(
            "other_reviewer", unit=b_unit, role="site_reviewer", include_descendants=False
        )
        self.b_review = start_review(self.b, self.b_editor)
        self.b_upload = uploaded_file_of(self.b_editor)
        self.b_session = editing_session_of(self.b_editor, self.b.article)
        self.locale = Locale.get_default()
        self.editor = make_user("wlmq_reviewer", unit=tree.urumqi, role="site_reviewer")
        self.editor.is_superuser = True  # grants nothing in edugov, and must not in the CMS either
        self.editor.save(update_fields=["is_superuser"])

    def pk_for(self, view_name: str) -> Any:
        namespace = view_name.rsplit(":", 1)[0]
        return {
            "wagtaildocs_chooser": self.b.document.pk,
            "wagtailimages_chooser": self.b.image.pk,
            "wagtailadmin_collections": self.b.portal_site.collection_id,
            "wagtailsites": self.b.portal_site.site_id,
            "wagtailusers_users": self.b_editor.pk,
            "wagtailusers_groups": self.b.portal_site.editors_group_id,
            "wagtaillocales": self.locale.pk,
        }.get(namespace, self.b_review.workflow.pk if "workflows" in namespace else self.b.article.pk)

    def value(self, view_name: str, name: str) -> Any:
        b = self.b
        if "workflows" in view_name and name == "pk" and "task" in view_name:
            return self.b_review.task.pk
        values = {
            "page_id": b.article.pk,
            "page_pk": b.home.pk,
            "parent_page_id": b.section.pk,
            "page_to_move_id": b.article.pk,
            "destination_id": b.section.pk,
            "object_id": b.article.pk,
            "revision_id": b.revision.pk,
            "revision_id_a": b.revision.pk,
            "revision_id_b": b.revision.pk,
            "image_id": b.image.pk,
            "document_id": b.document.pk,
            "doc_id": b.document.pk,
            "collection_id": b.portal_site.collection_id,
            "workflow_pk": self.b_review.workflow.pk,
            "workflow_state_id": self.b_review.workflow_state.pk,
            "task_state_id": self.b_review.task_state.pk,
            "task_id": self.b_review.task.pk,
            "uploaded_file_id": self.b_upload.pk,
            "session_id": self.b_session.pk,
            "restriction_id": 1,
            "app_label": "wagtailcore",
            "model_name": "page",
            "content_type_app_name": "portal",
            "content_type_model_name": "articlepage",
            "app_name": "wagtailimages",
            "action_name": "approve" if "workflow" in view_name else "publish",
            "action": "delete",
            "filter_spec": "original",
            "uidb64": "MQ",
            "token": "x",
        }
        if name == "pk":
            return self.pk_for(view_name)
        if name not in values:
            raise AssertionError(f"{view_name}: no test value for kwarg {name!r}; add one and a check")
        return values[name]

    def url(self, route: Route) -> str:
        if route.view_name == "wagtaildocs_serve":
            return f"/documents/{self.b.document.pk}/{self.b.document.filename}"
        if route.view_name.startswith("portal_api:"):
            kwargs = dict.fromkeys(route.kwargs, self.b.article.pk)
            return reverse(route.view_name, kwargs=kwargs)
        if not route.view_name or "." in route.view_name:  # unnamed: Wagtail's test 404 and catch-all
            return "/" + re.sub(r"[\^$]|\.\*", "", route.path).replace("//", "/x/")
        kwargs = {name: self.value(route.view_name, name) for name in route.kwargs}
        return reverse(route.view_name, kwargs=kwargs)


def _assert_no_leak(response: Any, url: str) -> None:
    body = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
    assert "othermark" not in body.lower(), f"{url} shows another site's objects"


@pytest.mark.parametrize("other", ["province", "school"])
def test_every_admin_route_refuses_another_sites_objects(client, tree, sites, no_mfa, other):
    world = World(tree, sites, other)
    client.force_login(world.editor)
    routes = enumerate_routes()
    assert len(routes) > 150, "the admin URLconf was not enumerated"
    before = snapshot(world.b)
    seen = set()
    for route in routes:
        if route.view_name.startswith("portal_api:"):
            continue  # anonymous API: see test_pages_api_* below
        url = world.url(route)
        seen.add(route.view_name)
        if route.view_name in NEUTRAL_ROUTES:
            response = client.get(url, HTTP_HOST=URUMQI_HOST)
            assert response.status_code != 500, url
            _assert_no_leak(response, url)
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url, HTTP_HOST=URUMQI_HOST)
            assert response.status_code == 404, (
                f"{method.upper()} {url} ({route.view_name}) answered {response.status_code}"
            )
        assert snapshot(world.b) == before, f"{url} changed another site's objects"
    assert OBJECT_ROUTES <= seen, f"classified routes that do not exist: {OBJECT_ROUTES - seen}"
    assert set(NEUTRAL_ROUTES) <= seen, f"classified routes that do not exist: {set(NEUTRAL_ROUTES) - seen}"


def test_query_string_ids_of_another_site_are_refused(client, tree, sites, no_mfa):
    world = World(tree, sites, "province")
    client.force_login(world.editor)
    b = world.b
    urls = [
        f"/cms/bulk/wagtailcore/page/delete/?id={b.article.pk}",
        f"/cms/bulk/wagtailimages/image/delete/?id={b.image.pk}",
        f"/cms/bulk/wagtaildocs/document/delete/?id={b.document.pk}",
        f"/cms/bulk/wagtailcore/page/delete/?id=all&childOf={b.section.pk}",
        f"/cms/bulk/core/user/delete/?id={world.b_editor.pk}",
        f"/cms/choose-page/chosen-multiple/?id={b.article.pk}",
        f"/cms/images/chooser/chosen-multiple/?id={b.image.pk}",
        f"/cms/documents/chooser/chosen-multiple/?id={b.document.pk}",
        f"/cms/api/main/pages/?child_of={b.section.pk}",
        f"/cms/api/main/pages/?descendant_of={b.home.pk}",
        f"/cms/images/?collection_id={b.portal_site.collection_id}",
        f"/cms/documents/?collection_id={b.portal_site.collection_id}",
    ]
    before = snapshot(b)
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert snapshot(b) == before
    # Positive controls: the same routes with the editor's own objects.
    a = world.a
    assert client.get(f"/cms/bulk/wagtailcore/page/delete/?id={a.article.pk}").status_code == 200
    assert client.get(f"/cms/images/?collection_id={a.portal_site.collection_id}").status_code == 200
    assert client.get(f"/cms/api/main/pages/?child_of={a.section.pk}").status_code == 200


def test_own_site_routes_open(client, tree, sites, no_mfa):
    world = World(tree, sites, "province")
    client.force_login(world.editor)
    a = world.a
    for url in [
        reverse("wagtailadmin_explore", args=[a.home.pk]),
        reverse("wagtailadmin_pages:edit", args=[a.article.pk]),
        reverse("wagtailadmin_pages:revisions_index", args=[a.article.pk]),
        reverse("wagtailadmin_pages:history", args=[a.article.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[a.section.pk]),
        reverse("wagtailimages:edit", args=[a.image.pk]),
        reverse("wagtaildocs:edit", args=[a.document.pk]),
        reverse("wagtailimages_chooser:chosen", args=[a.image.pk]),
        f"/cms/api/main/pages/{a.article.pk}/",
    ]:
        assert client.get(url, follow=True).status_code == 200, url
    # and an edit is saved
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[a.article.pk]),
        {
            "title": "WLMQMARK 修改后",
            "slug": a.article.slug,
            "kind": "news",
            "date": "2026-03-02",
            "source": "",
            "summary": "",
            "body-count": "0",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    a.article.refresh_from_db()
    assert a.article.get_latest_revision().as_object().title == "WLMQMARK 修改后"


def test_documents_are_served_on_their_own_site_only(client, tree, sites, settings, tmp_path):
    use_file_storage(settings, tmp_path)
    world = World(tree, sites, "province")
    a_doc, b_doc = world.a.document, world.b.document
    own = client.get(f"/documents/{a_doc.pk}/{a_doc.filename}", HTTP_HOST=URUMQI_HOST)
    assert own.status_code == 200
    assert client.get(f"/documents/{b_doc.pk}/{b_doc.filename}", HTTP_HOST=URUMQI_HOST).status_code == 404
    assert client.get(f"/documents/{b_doc.pk}/{b_doc.filename}", HTTP_HOST=PROVINCE_HOST).status_code == 200
    assert client.get(f"/documents/{a_doc.pk}/{a_doc.filename}", HTTP_HOST="unknown.test").status_code == 404
    # An editor of the document's site downloads it from the admin host as well.
    client.force_login(world.editor)
    assert client.get(f"/documents/{a_doc.pk}/{a_doc.filename}", HTTP_HOST="unknown.test").status_code == 200
    assert client.get(f"/documents/{b_doc.pk}/{b_doc.filename}", HTTP_HOST="unknown.test").status_code == 404


def test_pages_api_lists_only_the_hosts_site(client, tree, sites):
    world = World(tree, sites, "province")
    listing = client.get("/api/portal/v2/pages/", HTTP_HOST=URUMQI_HOST)
    assert listing.status_code == 200
    ids = {item["id"] for item in listing.json()["items"]}
    assert world.a.article.pk in ids
    assert world.b.article.pk not in ids
    assert "OTHERMARK" not in listing.content.decode()
    # Wagtail's own ?site= switch does not reach another host's pages.
    other = client.get(f"/api/portal/v2/pages/?site={PROVINCE_HOST}", HTTP_HOST=URUMQI_HOST)
    assert "OTHERMARK" not in other.content.decode()
    assert client.get(f"/api/portal/v2/pages/{world.b.article.pk}/", HTTP_HOST=URUMQI_HOST).status_code == 404
    assert client.get(f"/api/portal/v2/pages/{world.a.article.pk}/", HTTP_HOST=URUMQI_HOST).status_code == 200
    assert (
        client.get(f"/api/portal/v2/pages/{world.b.article.pk}/", HTTP_HOST=PROVINCE_HOST).status_code == 200
    )
    assert client.get("/api/portal/v2/pages/", HTTP_HOST="unknown.test").status_code == 404


def test_pages_api_hides_drafts(client, tree, sites):
    world = World(tree, sites, "province")
    from edugov.portal.models import ArticlePage

    draft = ArticlePage(title="WLMQMARK draft only", slug="draft-only", date="2026-03-03", live=False)
    world.a.section.add_child(instance=draft)
    listing = client.get("/api/portal/v2/pages/", HTTP_HOST=URUMQI_HOST)
    assert draft.pk not in {item["id"] for item in listing.json()["items"]}
    assert client.get(f"/api/portal/v2/pages/{draft.pk}/", HTTP_HOST=URUMQI_HOST).status_code == 404
