"""Site isolation of the website group (PUB-2, BEYOND A.8, complaint B.4).

Every unit's site is a tenant: an editor reaches the pages, revisions, images and documents of
the sites whose unit they hold ``portal.portalsite.edit`` or ``.publish`` on (the grant's own
unit only; a county editor does not edit the school sites below), and nothing else.

``SiteIsolationMiddleware`` guards three URL spaces:

* ``/cms/`` (Wagtail's admin): deny by default. A route answers only when its URL name is in
  ``NEUTRAL_ROUTES`` (no object in the URL; listings filtered by ``wagtail_hooks``) or in
  ``OBJECT_ROUTES`` (every id in the URL and the id-like query parameters belongs to one of the
  user's sites). Everything else (users, groups, sites, locales, collections, workflows and
  tasks, reports, settings, snippets, Wagtail's own sign-in and password pages) is a plain 404
  for everyone, exactly like a missing object. A signed-in user with no edit/publish grant on
  any site gets 404 for all of ``/cms/``; ``is_superuser`` is switched off for the request (it
  grants nothing in edugov). The user's Wagtail groups are synced from their grants first.
* ``/documents/<id>/<name>``: a document is served on the host of the site whose collection
  holds it (or a site it was syndicated to), or to a signed-in editor of its site.
* ``/api/portal/v2/``: only pages of the requesting host's site (the API's queryset filters too).

A new Wagtail admin route (an upgrade, another area's ``register_admin_urls``) is therefore 404
until it is classified here, and ``test_sites_isolation_routes`` fails until it is covered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

EDIT = "portal.portalsite.edit"
PUBLISH = "portal.portalsite.publish"

CMS_PREFIX = "/cms/"
DOCUMENTS_PREFIX = "/documents/"
API_PREFIX = "/api/portal/v2/"

_SCOPE_ATTR = "_portal_site_scope"


# --- which sites a user edits ---------------------------------------------------------------


def site_unit_ids(user: Any, permission: str) -> set[int]:
    """Units whose own site ``permission`` covers for ``user`` (grant on that unit, not above)."""
    from edugov.core.permissions.scopes import entries_for

    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {e.organization_id for e in entries_for(user, permission)}


@dataclass
class SiteScope:
    """The sites a user edits, with the tree paths that identify their pages and media."""

    site_ids: frozenset[int] = frozenset()
    page_paths: tuple[str, ...] = ()
    collection_paths: tuple[str, ...] = ()
    collection_ids: frozenset[int] = frozenset()  # the sites' collections and those below them
    sites: list[Any] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.site_ids)

    def has_page_path(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.page_paths)

    def has_collection_path(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.collection_paths)

    def pages_q(self, prefix: str = "") -> Q:
        """Pages inside the sites (``prefix`` e.g. ``"page__"`` for a relation)."""
        if not self.page_paths:
            return Q(pk__in=[])
        q = Q()
        for path in self.page_paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    def collections_q(self, prefix: str = "") -> Q:
        """Images or documents in the sites' collections (by id: search backends filter on it)."""
        return Q(**{f"{prefix}collection__in": sorted(self.collection_ids)})


def scope_for_sites(portal_sites: list[Any]) -> SiteScope:
    """Page and collection paths of ``portal_sites`` (site root pages with their translations)."""
    from wagtail.models import Collection, Page

    if not portal_sites:
        return SiteScope()
    roots = [ps.site.root_page for ps in portal_sites]
    keys = [root.translation_key for root in roots]
    page_paths = set(Page.objects.filter(translation_key__in=keys).values_list("path", flat=True))
    page_paths.update(root.path for root in roots)
    collection_paths = sorted(ps.collection.path for ps in portal_sites)
    collection_q = Q()
    for path in collection_paths:
        collection_q |= Q(path__startswith=path)
    return SiteScope(
        site_ids=frozenset(ps.pk for ps in portal_sites),
        page_paths=tuple(sorted(page_paths)),
        collection_paths=tuple(collection_paths),
        collection_ids=frozenset(Collection.objects.filter(collection_q).values_list("pk", flat=True)),
        sites=list(portal_sites),
    )


def editable_sites(user: Any) -> list[Any]:
    """The ``PortalSite`` rows whose unit the user holds edit or publish on (exactly that unit)."""
    from edugov.portal.models import PortalSite

    units = site_unit_ids(user, EDIT) | site_unit_ids(user, PUBLISH)
    if not units:
        return []
    return list(
        PortalSite.objects.filter(organization_id__in=units).select_related(
            "organization", "site", "site__root_page", "collection"
        )
    )


def editable_scope(user: Any) -> SiteScope:
    """The user's ``SiteScope``, computed once per user object (that is, once per request)."""
    cached = getattr(user, _SCOPE_ATTR, None)
    if cached is not None:
        return cached
    scope = scope_for_sites(editable_sites(user))
    if user is not None and getattr(user, "is_authenticated", False):
        setattr(user, _SCOPE_ATTR, scope)
    return scope


def clear_scope_cache(user: Any) -> None:
    if hasattr(user, _SCOPE_ATTR):
        delattr(user, _SCOPE_ATTR)


def site_scope(portal_site: Any) -> SiteScope:
    return scope_for_sites([portal_site] if portal_site is not None else [])


# --- object checks --------------------------------------------------------------------------


def _as_int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def page_in_scope(scope: SiteScope, page_id: Any, *, allow_root: bool = False) -> bool:
    from wagtail.models import Page

    pk = _as_int(page_id)
    if pk is None:
        return False
    row = Page.objects.filter(pk=pk).values_list("path", "depth").first()
    if row is None:
        return False
    path, depth = row
    if depth == 1:
        return allow_root
    return scope.has_page_path(path)


def collection_in_scope(scope: SiteScope, collection_id: Any) -> bool:
    from wagtail.models import Collection

    pk = _as_int(collection_id)
    if pk is None:
        return False
    path = Collection.objects.filter(pk=pk).values_list("path", flat=True).first()
    return path is not None and scope.has_collection_path(path)


def _media_in_scope(model: Any, scope: SiteScope, object_id: Any) -> bool:
    pk = _as_int(object_id)
    if pk is None:
        return False
    path = model.objects.filter(pk=pk).values_list("collection__path", flat=True).first()
    return path is not None and scope.has_collection_path(path)


def image_in_scope(scope: SiteScope, image_id: Any) -> bool:
    from wagtail.images import get_image_model

    return _media_in_scope(get_image_model(), scope, image_id)


def document_in_scope(scope: SiteScope, document_id: Any) -> bool:
    from wagtail.documents import get_document_model

    return _media_in_scope(get_document_model(), scope, document_id)


def _content_object_in_scope(scope: SiteScope, content_type_id: int, object_id: str) -> bool:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is not None and issubclass(model, Page):
        return page_in_scope(scope, object_id)
    return False


def revision_in_scope(scope: SiteScope, revision_id: Any) -> bool:
    from wagtail.models import Revision

    if str(revision_id) in {"live", "earliest", "latest"}:
        return True
    pk = _as_int(revision_id)
    row = (
        Revision.objects.filter(pk=pk).values_list("base_content_type_id", "object_id").first()
        if pk
        else None
    )
    return row is not None and _content_object_in_scope(scope, row[0], row[1])


def workflow_state_in_scope(scope: SiteScope, state_id: Any) -> bool:
    from wagtail.models import WorkflowState

    pk = _as_int(state_id)
    row = (
        WorkflowState.objects.filter(pk=pk).values_list("base_content_type_id", "object_id").first()
        if pk
        else None
    )
    return row is not None and _content_object_in_scope(scope, row[0], row[1])


def task_state_in_scope(scope: SiteScope, state_id: Any) -> bool:
    from wagtail.models import TaskState

    pk = _as_int(state_id)
    workflow_state_id = (
        TaskState.objects.filter(pk=pk).values_list("workflow_state_id", flat=True).first() if pk else None
    )
    return workflow_state_id is not None and workflow_state_in_scope(scope, workflow_state_id)


# --- the route table ------------------------------------------------------------------------

# Routes with no object in the URL. What they list is filtered by the page/collection
# permissions of the user's own site groups and by the hooks in ``wagtail_hooks``.
NEUTRAL_ROUTES: dict[str, str] = {
    "wagtailadmin_home": "dashboard; its panels list pages through the user's site permissions",
    "wagtailadmin_account": "the user's own CMS preferences (language, theme, notifications)",
    "wagtailadmin_logout": "signs the user out of the platform session",
    "wagtailadmin_dismissibles": "remembers which hints the user dismissed",
    "wagtailadmin_sprite": "icon sprite, static",
    "wagtailadmin_javascript_catalog": "translations for the admin scripts, static",
    "wagtailadmin_block_preview": "renders a block from the posted value, no stored object",
    "wagtailadmin_explore_root": "redirects to the user's explorable root page",
    "wagtailadmin_pages:search": "searches explorable pages only (the user's sites)",
    "wagtailadmin_pages:search_results": "searches explorable pages only (the user's sites)",
    "wagtailadmin_pages:choose_parent": "offers only pages the user may add to",
    "wagtailadmin_choose_page": "page chooser, filtered by construct_page_chooser_queryset",
    "wagtailadmin_choose_page_search": "page chooser search, filtered by construct_page_chooser_queryset",
    "wagtailadmin_choose_page_chosen_multiple": "ids in the query string are checked",
    "wagtailadmin_choose_page_external_link": "link form, no stored object",
    "wagtailadmin_choose_page_email_link": "link form, no stored object",
    "wagtailadmin_choose_page_phone_link": "link form, no stored object",
    "wagtailadmin_choose_page_anchor_link": "link form, no stored object",
    "wagtailadmin_api:pages:listing": "explorable pages only; child_of/descendant_of are checked",
    "wagtailadmin_api:pages:find": "finds among explorable pages only, then redirects to a checked detail",
    "wagtaildocs:index": "documents of collections the user holds permissions on (own site)",
    "wagtaildocs:index_results": "documents of collections the user holds permissions on (own site)",
    "wagtaildocs:add": "collection choices are the user's permitted collections",
    "wagtaildocs:add_multiple": "collection choices are the user's permitted collections",
    "wagtailimages:index": "images of collections the user holds permissions on (own site)",
    "wagtailimages:index_results": "images of collections the user holds permissions on (own site)",
    "wagtailimages:add": "collection choices are the user's permitted collections",
    "wagtailimages:add_multiple": "collection choices are the user's permitted collections",
    "wagtaildocs_chooser:choose": "filtered by construct_document_chooser_queryset",
    "wagtaildocs_chooser:choose_results": "filtered by construct_document_chooser_queryset",
    "wagtaildocs_chooser:chosen_multiple": "ids in the query string are checked",
    "wagtaildocs_chooser:create": "upload into a permitted collection",
    "wagtailimages_chooser:choose": "filtered by construct_image_chooser_queryset",
    "wagtailimages_chooser:choose_results": "filtered by construct_image_chooser_queryset",
    "wagtailimages_chooser:chosen_multiple": "ids in the query string are checked",
    "wagtailimages_chooser:create": "upload into a permitted collection",
    "wagtail_bulk_action": "only pages, images and documents; every id in the query string is checked",
}

# Routes whose URL names objects: every id-like kwarg must belong to one of the user's sites.
# Not here, so 404: the "usage" listings (they name the objects of whatever site refers to
# the page, image or document, e.g. a syndicated copy) and page privacy (portal pages are
# public; its group list would name every site's groups).
OBJECT_ROUTES: frozenset[str] = frozenset(
    {
        "wagtailadmin_explore",
        "wagtailadmin_explore_results",
        "wagtailadmin_choose_page_child",
        "wagtailadmin_api:pages:detail",
        "wagtailadmin_api:pages:action",
        "wagtailadmin_pages:add",
        "wagtailadmin_pages:preview_on_add",
        "wagtailadmin_pages:edit",
        "portal_translation_status",  # the translation status of a page (portal.translation_hooks)
        "wagtailadmin_pages:preview_on_edit",
        "wagtailadmin_pages:view_draft",
        "wagtailadmin_pages:add_subpage",
        "wagtailadmin_pages:delete",
        "wagtailadmin_pages:unpublish",
        "wagtailadmin_pages:convert_alias",
        "wagtailadmin_pages:move",
        "wagtailadmin_pages:move_confirm",
        "wagtailadmin_pages:set_page_position",
        "wagtailadmin_pages:copy",
        "wagtailadmin_pages:workflow_action",
        "wagtailadmin_pages:collect_workflow_action_data",
        "wagtailadmin_pages:confirm_workflow_cancellation",
        "wagtailadmin_pages:workflow_preview",
        "wagtailadmin_pages:lock",
        "wagtailadmin_pages:unlock",
        "wagtailadmin_pages:revisions_index",
        "wagtailadmin_pages:revisions_view",
        "wagtailadmin_pages:revisions_revert",
        "wagtailadmin_pages:revisions_unschedule",
        "wagtailadmin_pages:revisions_compare",
        "wagtailadmin_pages:workflow_history",
        "wagtailadmin_pages:workflow_history_detail",
        "wagtailadmin_pages:history",
        "wagtailadmin_pages:history_results",
        "wagtailadmin_editing_sessions:ping",
        "wagtailadmin_editing_sessions:release",
        "simple_translation:submit_page_translation",
        "wagtaildocs:edit",
        "wagtaildocs:delete",
        "wagtaildocs:edit_multiple",
        "wagtaildocs:create_multiple_from_uploaded_document",
        "wagtaildocs:delete_multiple",
        "wagtaildocs:delete_upload_multiple",
        "wagtaildocs_chooser:chosen",
        "wagtailimages:edit",
        "wagtailimages:delete",
        "wagtailimages:url_generator",
        "wagtailimages:url_generator_output",
        "wagtailimages:preview",
        "wagtailimages:edit_multiple",
        "wagtailimages:create_multiple_from_uploaded_image",
        "wagtailimages:delete_multiple",
        "wagtailimages:delete_upload_multiple",
        "wagtailimages_chooser:chosen",
        "wagtailimages_chooser:select_format",
    }
)

# The explorer and the page chooser may open the tree root (its children are filtered).
ROOT_BROWSING_ROUTES = frozenset(
    {"wagtailadmin_explore", "wagtailadmin_explore_results", "wagtailadmin_choose_page_child"}
)

# Kwargs that name no object.
PLAIN_KWARGS = frozenset(
    {
        "action_name",
        "action",
        "app_label",
        "model_name",
        "content_type_app_name",
        "content_type_model_name",
        "filter_spec",
    }
)

PAGE_KWARGS = frozenset({"page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk"})


def _uploaded_file_of_user(request: HttpRequest, value: Any) -> bool:
    from wagtail.models import UploadedFile

    pk = _as_int(value)
    return pk is not None and UploadedFile.objects.filter(pk=pk, uploaded_by_user=request.user).exists()


def _editing_session_of_user(request: HttpRequest, value: Any) -> bool:
    from wagtail.admin.models import EditingSession

    pk = _as_int(value)
    return pk is not None and EditingSession.objects.filter(pk=pk, user=request.user).exists()


def _workflow_task_exists(request: HttpRequest, value: Any) -> bool:
    # Tasks are shared configuration; the page in the same URL is what is checked.
    from wagtail.models import Task

    pk = _as_int(value)
    return pk is not None and Task.objects.filter(pk=pk).exists()


def _pk_check(view_name: str) -> Callable[[SiteScope, Any], bool] | None:
    namespace = view_name.rsplit(":", 1)[0]
    if namespace in {"wagtailadmin_api:pages", "wagtailadmin_pages"}:
        return page_in_scope
    if namespace == "wagtaildocs_chooser":
        return document_in_scope
    if namespace == "wagtailimages_chooser":
        return image_in_scope
    return None


def _kwarg_allowed(
    request: HttpRequest, scope: SiteScope, view_name: str, name: str, value: Any, kwargs: dict
) -> bool:
    if name in PLAIN_KWARGS:
        return True
    if name in PAGE_KWARGS:
        return page_in_scope(scope, value, allow_root=view_name in ROOT_BROWSING_ROUTES)
    if name == "pk":
        check = _pk_check(view_name)
        return check is not None and check(scope, value)
    if name in {"revision_id", "revision_id_a", "revision_id_b"}:
        return revision_in_scope(scope, value)
    if name in {"image_id"}:
        return image_in_scope(scope, value)
    if name in {"document_id", "doc_id"}:
        return document_in_scope(scope, value)
    if name == "collection_id":
        return collection_in_scope(scope, value)
    if name == "workflow_state_id":
        return workflow_state_in_scope(scope, value)
    if name == "task_state_id":
        return task_state_in_scope(scope, value)
    if name == "task_id":
        return _workflow_task_exists(request, value)
    if name == "uploaded_file_id":
        return _uploaded_file_of_user(request, value)
    if name == "session_id":
        return _editing_session_of_user(request, value)
    if name == "object_id":
        return _object_kwarg_allowed(scope, kwargs)
    return False  # an id we do not know how to check: closed


def _object_kwarg_allowed(scope: SiteScope, kwargs: dict) -> bool:
    from django.apps import apps
    from wagtail.models import Page

    try:
        model = apps.get_model(kwargs.get("app_label", ""), kwargs.get("model_name", ""))
    except (LookupError, ValueError):
        return False
    return issubclass(model, Page) and page_in_scope(scope, kwargs.get("object_id"))


# Query-string parameters that carry ids: (checker, allows the tree root).
def _query_allowed(request: HttpRequest, scope: SiteScope, view_name: str, kwargs: dict) -> bool:
    params = request.GET
    for name in ("child_of", "descendant_of", "ancestor_of", "parent_page_id", "childOf"):
        for value in params.getlist(name):
            if value == "root" and name == "child_of":
                continue
            if not page_in_scope(scope, value, allow_root=name in {"child_of", "childOf"}):
                return False
    for name in ("collection_id", "collection"):
        for value in params.getlist(name):
            if value and not collection_in_scope(scope, value):
                return False
    ids = params.getlist("id")
    if view_name == "wagtail_bulk_action":
        return _bulk_allowed(scope, kwargs, ids, params.getlist("childOf"))
    if view_name.endswith("chosen_multiple"):
        check = {
            "wagtailadmin_choose_page_chosen_multiple": page_in_scope,
            "wagtaildocs_chooser:chosen_multiple": document_in_scope,
            "wagtailimages_chooser:chosen_multiple": image_in_scope,
        }[view_name]
        return all(check(scope, value) for value in ids)
    return True


def _bulk_allowed(scope: SiteScope, kwargs: dict, ids: list[str], child_of: list[str]) -> bool:
    checks = {
        ("wagtailcore", "page"): page_in_scope,
        ("wagtailimages", "image"): image_in_scope,
        ("wagtaildocs", "document"): document_in_scope,
    }
    check = checks.get((kwargs.get("app_label"), kwargs.get("model_name")))
    if check is None:
        return False
    if "all" in ids:
        # "Select all" of a page listing acts on the children of ``childOf`` (checked above).
        return check is page_in_scope and bool(child_of)
    return all(check(scope, value) for value in ids)


def cms_route_allowed(request: HttpRequest, match: Any, scope: SiteScope) -> bool:
    """Whether the user whose ``scope`` this is may open the resolved admin route."""
    view_name = match.view_name
    if view_name not in NEUTRAL_ROUTES and view_name not in OBJECT_ROUTES:
        return False
    if not scope:
        return False
    for name, value in match.kwargs.items():
        if not _kwarg_allowed(request, scope, view_name, name, value, match.kwargs):
            return False
    return not match.args and _query_allowed(request, scope, view_name, match.kwargs)


# --- documents ------------------------------------------------------------------------------


def document_served_on(request: HttpRequest, document_id: Any) -> bool:
    """Whether ``/documents/<id>/…`` may answer on this host for this user."""
    from edugov.portal.sites import current_portal_site

    portal_site = current_portal_site(request)
    if portal_site is not None:
        if document_in_scope(site_scope(portal_site), document_id):
            return True
        if _document_syndicated_to(portal_site, document_id):
            return True
    user = request.user
    if getattr(user, "is_authenticated", False):
        return document_in_scope(editable_scope(user), document_id)
    return False


def _document_syndicated_to(portal_site: Any, document_id: Any) -> bool:
    """A document referenced by an accepted syndicated copy on ``portal_site``."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.documents import get_document_model
    from wagtail.models import Page, ReferenceIndex

    from edugov.portal.models import Syndication

    pk = _as_int(document_id)
    if pk is None:
        return False
    copy_ids = [
        str(i)
        for i in Syndication.objects.filter(target_site=portal_site, copy_page__isnull=False).values_list(
            "copy_page_id", flat=True
        )
    ]
    if not copy_ids:
        return False
    return ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=copy_ids,
        to_content_type=ContentType.objects.get_for_model(get_document_model()),
        to_object_id=str(pk),
    ).exists()


# --- the middleware -------------------------------------------------------------------------


class SiteIsolationMiddleware:
    """Answers 404 for anything under /cms/, /documents/ or the pages API outside the user's sites."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(CMS_PREFIX):
            self._guard_cms(request)
        elif path.startswith(DOCUMENTS_PREFIX):
            self._guard_documents(request)
        elif path.startswith(API_PREFIX):
            self._guard_api(request)
        return self.get_response(request)

    def _resolve(self, request: HttpRequest) -> Any:
        try:
            return resolve(request.path_info)
        except Resolver404:
            raise Http404 from None

    def _guard_cms(self, request: HttpRequest) -> None:
        match = self._resolve(request)
        if match.view_name not in NEUTRAL_ROUTES and match.view_name not in OBJECT_ROUTES:
            raise Http404
        user = request.user
        if not user.is_authenticated:
            return  # Wagtail sends the visitor to the platform's sign-in page
        # is_superuser grants nothing in edugov: Wagtail must see an ordinary editor.
        user.is_superuser = False
        from edugov.portal.actions.sites_sync import sync_site_groups

        sync_site_groups(user)
        if not cms_route_allowed(request, match, editable_scope(user)):
            raise Http404

    def _guard_documents(self, request: HttpRequest) -> None:
        match = self._resolve(request)
        if match.view_name != "wagtaildocs_serve":
            raise Http404  # password-protected collections are not used
        if not document_served_on(request, match.args[0] if match.args else None):
            raise Http404

    def _guard_api(self, request: HttpRequest) -> None:
        from edugov.portal.sites import current_portal_site

        match = self._resolve(request)
        portal_site = current_portal_site(request)
        if portal_site is None:
            raise Http404
        pk = match.kwargs.get("pk")
        if pk is not None and not page_in_scope(site_scope(portal_site), pk):
            raise Http404


def portal_site_of_page(page: Any) -> Any:
    """The ``PortalSite`` whose tree (or a translation of it) holds ``page``; None for the root."""
    from wagtail.models import Page

    from edugov.portal.models import PortalSite

    if page.depth < 2:
        return None
    home = Page.objects.filter(path=page.path[: Page.steplen * 2]).only("translation_key").first()
    if home is None:
        return None
    return (
        PortalSite.objects.filter(site__root_page__translation_key=home.translation_key)
        .select_related("organization", "site", "site__root_page", "collection")
        .first()
    )
