"""Wagtail hooks that keep every listing and chooser inside the editor's own sites (BEYOND A.8).

The routes themselves are guarded by ``edugov.portal.isolation.SiteIsolationMiddleware``; these
hooks filter what routes without an object id list, and hide the management areas the platform
replaces with its own pages (users, groups, sites, locales, collections, workflows, reports).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from wagtail import hooks

from edugov.portal.isolation import document_served_on, editable_scope, page_in_scope

# Main-menu entries editors keep; everything else (settings, reports, snippets, help) goes.
MAIN_MENU_KEPT = frozenset({"explorer", "search", "images", "documents"})


@hooks.register("construct_explorer_page_queryset")
def explorer_pages_of_own_sites(parent_page: Any, pages: Any, request: Any) -> Any:
    return pages.filter(editable_scope(request.user).pages_q())


@hooks.register("construct_page_chooser_queryset")
def chooser_pages_of_own_sites(pages: Any, request: Any) -> Any:
    return pages.filter(editable_scope(request.user).pages_q())


@hooks.register("construct_image_chooser_queryset")
def chooser_images_of_own_sites(images: Any, request: Any) -> Any:
    return images.filter(editable_scope(request.user).collections_q())


@hooks.register("construct_document_chooser_queryset")
def chooser_documents_of_own_sites(documents: Any, request: Any) -> Any:
    return documents.filter(editable_scope(request.user).collections_q())


@hooks.register("construct_main_menu")
def keep_editing_menu_items(request: Any, menu_items: list) -> None:
    menu_items[:] = [item for item in menu_items if item.name in MAIN_MENU_KEPT]


@hooks.register("construct_settings_menu")
def no_settings_menu(request: Any, menu_items: list) -> None:
    menu_items[:] = []


@hooks.register("construct_reports_menu")
def no_reports_menu(request: Any, menu_items: list) -> None:
    menu_items[:] = []


@hooks.register("construct_help_menu")
def no_help_menu(request: Any, menu_items: list) -> None:
    menu_items[:] = []  # links to wagtail.org, outside the network


@hooks.register("before_move_page")
def move_within_own_sites(request: Any, page: Any, destination: Any) -> None:
    if not page_in_scope(editable_scope(request.user), destination.pk):
        raise Http404


@hooks.register("before_serve_document")
def serve_document_on_its_site(document: Any, request: Any) -> None:
    # The middleware checked already; this keeps the rule if the download is reached another way.
    if not document_served_on(request, document.pk):
        raise Http404


@hooks.register("register_page_header_buttons")
def take_down_button(page: Any, user: Any, view_name: str = "", next_url: Any = None) -> Any:
    """撤稿 in the page's menu for the reviewers of its site: nobody holds Wagtail's unpublish,
    so a live page comes down through the platform's own take-down page (reason, audit)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from wagtail.admin.widgets import Button

    from edugov.portal.actions.publishing import takedown_candidates
    from edugov.portal.isolation import PUBLISH, site_unit_ids
    from edugov.portal.models import PortalSite

    if not page.live:
        return
    reviewed = site_unit_ids(user, PUBLISH)
    if not reviewed:
        return
    for portal_site in PortalSite.objects.filter(organization_id__in=reviewed).select_related("site"):
        if takedown_candidates(portal_site).filter(pk=page.pk).exists():
            yield Button(
                _("Take down 撤稿"),
                url=reverse("portal:take_down_page", args=[portal_site.pk, page.pk]),
                icon_name="download",
                priority=60,
            )
            return
