"""Editorial review, scheduled publishing, published-page snapshots and cache invalidation.

Review (PUB-1): every site has a Wagtail workflow "<site> 审核发布" attached to its home page
(and the home page's translations). Nobody holds Wagtail's ``publish_page`` permission: a page
goes live only when the last step of its workflow is approved, through
:func:`publish_workflow_state` (``WAGTAIL_FINISH_WORKFLOW_ACTION``). An approved revision with a
``go_live_at`` in the future becomes scheduled; the periodic job ``portal.scheduled_publishing``
publishes and expires pages on time (:func:`run_scheduled_publishing`).

Tamper check (PUB-11): on every publish the page is rendered exactly as an anonymous visitor of
its site receives it, and :class:`~edugov.portal.models.PublishedSnapshot` keeps the SHA-256 of
that HTML and of the published revision's content. :func:`check_pages` compares live pages with
their snapshots (``manage.py check_published``).

Cache (BEYOND B.5): publishing, unpublishing, moving and deleting pages drop the cached pages of
the page's site (:mod:`edugov.portal.cache`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.handlers.base import BaseHandler
from django.db import transaction
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from django.test import RequestFactory
from django.urls import get_urlconf, reverse, set_urlconf
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.models import (
    GroupPagePermission,
    Page,
    Revision,
    Site,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.signals import page_published, page_unpublished, post_page_move

from edugov.core.calendar import add_working_days
from edugov.core.todos import Todo, TodoProvider, register_todo_provider
from edugov.portal import cache as page_cache
from edugov.portal.models.publishing import DEFAULT_DUE_WORKING_DAYS, PublishedSnapshot, SiteReviewTask

logger = logging.getLogger(__name__)

WORKFLOW_NAME = "{site} 审核发布"
DEFAULT_STEP_NAME = "审核"


# --- review workflow ----------------------------------------------------------------------


def workflow_name(portal_site: Any) -> str:
    return WORKFLOW_NAME.format(site=portal_site.organization.name)


def site_home_pages(portal_site: Any) -> list[Page]:
    """The site's home page and its translations (each is the root of one language's tree)."""
    home = portal_site.site.root_page
    return list(Page.objects.filter(translation_key=home.translation_key, depth=home.depth))


def site_workflow(portal_site: Any) -> Workflow | None:
    link = (
        WorkflowPage.objects.filter(page_id=portal_site.site.root_page_id).select_related("workflow").first()
    )
    return link.workflow if link else None


def attach_workflow(portal_site: Any, workflow: Workflow) -> None:
    for home in site_home_pages(portal_site):
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})


def remove_publish_permissions(portal_site: Any) -> None:
    """Nobody publishes directly: only the workflow's last approval does."""
    GroupPagePermission.objects.filter(
        page__in=site_home_pages(portal_site), permission__codename__in=["publish_page", "bulk_delete_page"]
    ).delete()


@transaction.atomic
def ensure_site_workflow(portal_site: Any) -> Workflow:
    """The site's review workflow (one step for its reviewers group when it has none yet)."""
    remove_publish_permissions(portal_site)
    workflow = site_workflow(portal_site)
    if workflow is None:
        workflow = Workflow.objects.create(name=workflow_name(portal_site))
        task = SiteReviewTask.objects.create(
            name=DEFAULT_STEP_NAME, portal_site=portal_site, due_working_days=DEFAULT_DUE_WORKING_DAYS
        )
        task.groups.set([portal_site.reviewers_group])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    attach_workflow(portal_site, workflow)
    # The new site's home page is live from the start: give it a published revision, so that
    # it has a snapshot like every other live page.
    home = portal_site.site.root_page.specific
    if home.live and home.live_revision_id is None:
        home.save_revision(log_action=False).publish(skip_permission_checks=True, log_action=False)
    return workflow


@receiver(post_save, sender="portal.PortalSite", dispatch_uid="portal_publishing_site_created")
def _site_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if created:
        ensure_site_workflow(instance)
    page_cache.invalidate_sites([instance.site_id])


@receiver(post_save, sender="portal.HomePage", dispatch_uid="portal_publishing_home_translated")
def _home_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A new translation of a site's home page gets the site's workflow too."""
    if raw or not created:
        return
    from edugov.portal.models import PortalSite

    portal_site = (
        PortalSite.objects.filter(site__root_page__translation_key=instance.translation_key)
        .select_related("site", "organization")
        .first()
    )
    if portal_site is not None and portal_site.site.root_page_id != instance.pk:
        workflow = site_workflow(portal_site)
        if workflow is not None:
            WorkflowPage.objects.update_or_create(page_id=instance.pk, defaults={"workflow": workflow})
        remove_publish_permissions(portal_site)


@receiver(post_save, sender="core.Organization", dispatch_uid="portal_publishing_unit_saved")
def _unit_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    # The unit's name is the site name on every page of its site.
    if raw:
        return
    from edugov.portal.models import PortalSite

    site_ids = list(PortalSite.objects.filter(organization=instance).values_list("site_id", flat=True))
    if site_ids:
        page_cache.invalidate_sites(site_ids)


@receiver(post_save, sender=Site, dispatch_uid="portal_publishing_site_row_saved")
def _wagtail_site_saved(sender: Any, instance: Site, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        page_cache.invalidate_sites([instance.pk])


def run_scheduled_publishing() -> None:
    """Periodic job: publish approved revisions whose time has come, unpublish expired pages."""
    from django.core.management import call_command

    call_command("publish_scheduled", verbosity=0)


# --- to-dos: pages waiting for my review ------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    task_state: Any
    page: Any
    step: SiteReviewTask
    started_on: dt.date
    due_on: dt.date
    assignees: list[str]

    @property
    def is_overdue(self) -> bool:
        return self.due_on < timezone.localdate()


def review_items(user: Any) -> list[ReviewItem]:
    """Pages on a review step this user may approve, overdue first, then by due date."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    states = (
        TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            task__in=SiteReviewTask.objects.filter(groups__in=user.groups.all()).values("pk"),
            workflow_state__status="in_progress",
        )
        .select_related("workflow_state", "task")
        .order_by("started_at")
    )
    items: list[ReviewItem] = []
    steps: dict[int, SiteReviewTask] = {}
    for state in states:
        step = steps.get(state.task_id)
        if step is None:
            step = steps[state.task_id] = (
                SiteReviewTask.objects.select_related("portal_site__organization")
                .prefetch_related("groups__user_set")
                .get(pk=state.task_id)
            )
        if not step._user_in_groups(user):
            continue
        page = Page.objects.filter(pk=state.workflow_state.object_id).first()
        if page is None:
            continue
        started_on = timezone.localdate(state.started_at)
        due_on = add_working_days(started_on, step.due_working_days).result
        assignees = sorted(
            {member.real_name or member.username for g in step.groups.all() for member in g.user_set.all()}
        )
        items.append(ReviewItem(state, page, step, started_on, due_on, assignees))
    today = timezone.localdate()
    items.sort(key=lambda item: (item.due_on >= today, item.due_on, item.started_on))
    return items


@register_todo_provider
class PagesToReview(TodoProvider):
    key = "portal.pages_to_review"
    title = gettext_lazy("Pages waiting for my review")

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        return [
            Todo(
                title=item.page.title,
                url=reverse("wagtailadmin_pages:edit", args=[item.page.pk]),
                due=item.due_on,
                detail=_("%(site)s · step %(step)s · reviewers: %(names)s")
                % {
                    "site": item.step.portal_site.organization.name,
                    "step": item.step.name,
                    "names": ", ".join(item.assignees),
                },
                is_overdue=item.is_overdue,
            )
            for item in review_items(user)[:limit]
        ]

    def count(self, user: Any, unit: Any) -> int:
        return len(review_items(user))


# --- rendering as served, snapshots -------------------------------------------------------------

_HANDLER: BaseHandler | None = None

# Fields every page type shares that are part of its published content (the tree position,
# status flags and bookkeeping columns are not: they change without a new revision).
PAGE_CONTENT_FIELDS = ("title", "slug", "seo_title", "search_description", "show_in_menus")


def _handler() -> BaseHandler:
    global _HANDLER
    if _HANDLER is None:
        handler = BaseHandler()
        handler.load_middleware()
        _HANDLER = handler
    return _HANDLER


@dataclass
class PageAddress:
    site: Site
    host: str
    path: str
    secure: bool

    @property
    def url(self) -> str:
        return f"{'https' if self.secure else 'http'}://{self.host}{self.path}"


def page_address(page: Page) -> PageAddress | None:
    """Where an anonymous visitor finds the page (host with port, path with the language prefix)."""
    parts = page.get_url_parts()
    if parts is None:
        return None
    site_id, _root_url, path = parts
    site = Site.objects.filter(pk=site_id).first()
    if site is None or path is None:
        return None
    secure = site.port == 443
    host = site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}"
    return PageAddress(site=site, host=host, path=path, secure=secure)


def render_as_served(address: PageAddress) -> tuple[int, bytes]:
    """Status and body of the page as the whole middleware stack serves it to an anonymous GET."""
    request = RequestFactory().get(address.path, HTTP_HOST=address.host, secure=address.secure)
    language = translation.get_language()
    urlconf = get_urlconf()
    try:
        with page_cache.cache_bypassed():
            response = _handler().get_response(request)
        return response.status_code, response.content
    finally:
        set_urlconf(urlconf)
        if language:
            translation.activate(language)
        else:
            translation.deactivate()


def fetch_over_http(base_url: str, address: PageAddress, timeout: float = 15.0) -> tuple[int, bytes]:
    """Status and body of the page from a front server or mirror at ``base_url`` (Host: the site's)."""
    if not base_url.startswith(("http://", "https://")):
        raise ValueError("the base URL must be http:// or https://")
    url = base_url.rstrip("/") + address.path
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url, headers={"Host": address.host, "User-Agent": "edugov-check-published"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - operator's URL
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def content_fields(page_class: type[Page]) -> list[str]:
    page_columns = {f.name for f in Page._meta.concrete_fields}
    own = [
        f.name
        for f in page_class._meta.concrete_fields
        if f.name not in page_columns and not f.name.endswith("_ptr")
    ]
    return [*PAGE_CONTENT_FIELDS, *own]


def content_of(page: Page) -> dict[str, Any]:
    """The published content of a page object (the live row, or a revision's ``as_object()``)."""
    from modelcluster.models import get_all_child_relations

    data = page.serializable_data()
    keys = content_fields(type(page))
    keys += [rel.get_accessor_name() for rel in get_all_child_relations(type(page))]
    keys = [k for k in keys if k not in ("comments", "wagtail_admin_comments")]
    return {key: data.get(key) for key in keys}


def content_hash(page: Page) -> str:
    return sha256(json.dumps(content_of(page), sort_keys=True, ensure_ascii=False, default=str))


def revision_content_hash(revision: Revision) -> str:
    return content_hash(revision.as_object())


def take_snapshot(page: Page) -> PublishedSnapshot | None:
    """Render the live page as served and record its hashes (None when it has no address)."""
    page = page.specific
    address = page_address(page)
    if address is None or page.live_revision_id is None:
        PublishedSnapshot.objects.filter(page=page).delete()
        return None
    status, html = render_as_served(address)
    revision = Revision.objects.get(pk=page.live_revision_id)
    snapshot, _created = PublishedSnapshot.objects.update_or_create(
        page=page,
        defaults={
            "site": address.site,
            "revision": revision,
            "language": page.locale.language_code,
            "url": address.url,
            "html_sha256": sha256(html) if status == 200 else f"status:{status}",
            "content_sha256": revision_content_hash(revision),
            "created_at": timezone.now(),
        },
    )
    return snapshot


def _sites_of(page: Page) -> list[int]:
    site = page.get_site()
    return [site.pk] if site else list(Site.objects.values_list("pk", flat=True))


def _invalidate_for(page: Page) -> None:
    site_ids = _sites_of(page)
    page_cache.invalidate_sites(site_ids)
    # Again after commit: a request racing the transaction may have cached the old page.
    transaction.on_commit(lambda: page_cache.invalidate_sites(site_ids))


def pages_showing(page: Page) -> list[Page]:
    """Live pages of the site whose HTML shows ``page``: the ancestors that list it, or every
    page when it is the home page or a top-level section (those are in every page's header)."""
    site = page.get_site()
    if site is None:
        return []
    root = site.root_page
    if page.depth <= root.depth + 1:
        return list(Page.objects.live().descendant_of(root, inclusive=True).exclude(pk=page.pk))
    return list(page.get_ancestors().live().filter(depth__gte=root.depth))


def _snapshot_quietly(pages: Iterable[Page]) -> None:
    for page in pages:
        try:
            with transaction.atomic():
                take_snapshot(page)
        except Exception:  # publishing must not fail because a snapshot could not be taken
            logger.exception("no published snapshot for page %s", page.pk)


@receiver(page_published, dispatch_uid="portal_publishing_published")
def _page_published(sender: Any, instance: Page, revision: Any = None, **kwargs: Any) -> None:
    _invalidate_for(instance)
    _snapshot_quietly([instance, *pages_showing(instance)])


@receiver(page_unpublished, dispatch_uid="portal_publishing_unpublished")
def _page_unpublished(sender: Any, instance: Page, **kwargs: Any) -> None:
    _invalidate_for(instance)
    PublishedSnapshot.objects.filter(page_id=instance.pk).delete()
    _snapshot_quietly(pages_showing(instance))


@receiver(post_page_move, dispatch_uid="portal_publishing_moved")
def _page_moved(sender: Any, instance: Page, url_path_before: str = "", **kwargs: Any) -> None:
    page_cache.invalidate_all_sites()  # it may have left one site for another
    transaction.on_commit(page_cache.invalidate_all_sites)
    _snapshot_quietly(Page.objects.live().descendant_of(instance, inclusive=True))


@receiver(pre_delete, sender=Page, dispatch_uid="portal_publishing_deleted")
def _page_deleted(sender: Any, instance: Page, **kwargs: Any) -> None:
    if instance.depth > 1:
        _invalidate_for(instance)


@hooks.register("before_serve_page")
def _mark_cacheable(page: Any, request: Any, serve_args: Any, serve_kwargs: Any) -> None:
    page_cache.mark_cacheable(page, request, serve_args, serve_kwargs)


def register() -> None:
    """Called from the app's ``ready()``: the signal receivers, hooks and to-do provider above
    are registered by importing this module; this also imports the audit events."""
    from edugov.portal import events_publishing  # noqa: F401


# --- the check ----------------------------------------------------------------------------------

CHECK_MISSING = "snapshot-missing"
CHECK_REVISION = "revision"
CHECK_CONTENT = "content"
CHECK_HTML = "html"
CHECK_STATUS = "status"


@dataclass
class Mismatch:
    page_id: int
    site: str
    url: str
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"page {self.page_id} site {self.site} url {self.url} failed: {', '.join(self.failed)}"


def live_pages(hostname: str | None = None) -> Iterable[Page]:
    pages = Page.objects.live().filter(depth__gt=1).order_by("path")
    if hostname:
        site = Site.objects.filter(hostname=hostname.lower()).first()
        if site is None:
            return []
        root = site.root_page
        roots = Page.objects.filter(translation_key=root.translation_key, depth=root.depth)
        selected = Page.objects.none()
        for home in roots:
            selected |= pages.descendant_of(home, inclusive=True)
        pages = selected.order_by("path")
    return pages.specific()


def check_page(
    page: Page, fetch: Callable[[PageAddress], tuple[int, bytes]] | None = None
) -> Mismatch | None:
    """Compare one live page with its snapshot and its live revision; None when all agree."""
    address = page_address(page)
    if address is None:
        return None
    mismatch = Mismatch(page.pk, address.site.hostname, address.url)
    snapshot = PublishedSnapshot.objects.filter(page_id=page.pk).first()
    if snapshot is None:
        mismatch.failed.append(CHECK_MISSING)
    elif snapshot.revision_id != page.live_revision_id:
        mismatch.failed.append(CHECK_REVISION)
    live_revision = (
        Revision.objects.filter(pk=page.live_revision_id).first() if page.live_revision_id else None
    )
    current = content_hash(page)
    if (
        live_revision is None
        or current != revision_content_hash(live_revision)
        or (snapshot is not None and current != snapshot.content_sha256)
    ):
        mismatch.failed.append(CHECK_CONTENT)
    status, html = (fetch or render_as_served)(address)
    if status != 200:
        mismatch.failed.append(CHECK_STATUS)
    elif snapshot is not None and sha256(html) != snapshot.html_sha256:
        mismatch.failed.append(CHECK_HTML)
    return mismatch if mismatch.failed else None


def check_pages(
    hostname: str | None = None, fetch: Callable[[PageAddress], tuple[int, bytes]] | None = None
) -> list[Mismatch]:
    return [m for page in live_pages(hostname) if (m := check_page(page, fetch)) is not None]
