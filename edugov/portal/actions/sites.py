"""Setting up a unit's portal site: Wagtail site, home page, media collection, editor groups."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Locale, Page, Site

from edugov.core.audit import log_event
from edugov.portal.error_codes import PortalErrorCode
from edugov.portal.events import PortalEvent
from edugov.portal.models import HomePage, PortalSite

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]
REVIEWER_PAGE_PERMISSIONS = EDITOR_PAGE_PERMISSIONS  # nobody publishes directly: see portal.publishing
MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def do_create_site(
    organization: Any, *, hostname: str, acting_user: Any, slug: str = "", port: int = 80
) -> PortalSite:
    """A new site for ``organization`` at ``hostname``, its home page in the default language."""
    hostname = hostname.strip().lower()
    if PortalSite.objects.filter(organization=organization).exists():
        raise ValidationError(_("This unit already has a portal site."), code=PortalErrorCode.WRONG_SITE)
    if Site.objects.filter(hostname=hostname, port=port).exists():
        raise ValidationError(_("Another site already uses this host name."), code=PortalErrorCode.WRONG_SITE)
    slug = slug or slugify(hostname.split(".")[0]) or f"site-{organization.pk}"
    root = Page.get_first_root_node()
    home = HomePage(title=organization.name, slug=slug, locale=Locale.get_default())
    root.add_child(instance=home)
    site = Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=organization.name)
    collection = Collection.get_first_root_node().add_child(name=f"{organization.name} ({hostname})")
    editors = Group.objects.create(name=f"portal:{slug}:editors")
    reviewers = Group.objects.create(name=f"portal:{slug}:reviewers")
    access_admin = _permission("wagtailadmin", "access_admin")
    for group, page_perms in ((editors, EDITOR_PAGE_PERMISSIONS), (reviewers, REVIEWER_PAGE_PERMISSIONS)):
        group.permissions.add(access_admin)
        for codename in page_perms:
            GroupPagePermission.objects.create(
                group=group, page=home, permission=_permission("wagtailcore", codename)
            )
        for app_label, codename in MEDIA_PERMISSIONS:
            GroupCollectionPermission.objects.create(
                group=group, collection=collection, permission=_permission(app_label, codename)
            )
    portal_site = PortalSite.objects.create(
        organization=organization,
        site=site,
        collection=collection,
        editors_group=editors,
        reviewers_group=reviewers,
        slug=slug,
    )
    log_event(
        PortalEvent.SITE_CREATED,
        acting_user=acting_user,
        target=portal_site,
        organization=organization,
        extra={"hostname": hostname},
    )
    return portal_site
