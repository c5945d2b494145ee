"""Grants → Wagtail groups: who is in each site's editors and reviewers group.

Wagtail's page and collection permissions speak Django groups; the platform speaks grants.
A user holding ``portal.portalsite.edit`` on a unit (a grant on that very unit) is in that
unit's site ``editors_group``; ``portal.portalsite.publish`` puts them in ``reviewers_group``.
A grant covers only the site of its own unit, never the sites of the units below.

Membership is derived state, re-computed (and corrected) on sign-in, whenever a grant is
created, changed or deleted, when a site is created, and at the start of every ``/cms/``
request (``SiteIsolationMiddleware``); the grant changes themselves are what is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from edugov.portal.isolation import EDIT, PUBLISH, clear_scope_cache, site_unit_ids

_PERMISSION_CACHES = (
    "_perm_cache",
    "_user_perm_cache",
    "_group_perm_cache",
    "_page_permission_cache",
    "_explorable_root_page_cache",
    "_collection_permission_cache",
)


def wanted_site_groups(user: Any) -> set[int]:
    """Ids of the site groups the user's grants call for."""
    from edugov.portal.models import PortalSite

    if not user.is_active:
        return set()
    edit_units = site_unit_ids(user, EDIT)
    publish_units = site_unit_ids(user, PUBLISH)
    wanted: set[int] = set()
    rows = PortalSite.objects.filter(organization_id__in=edit_units | publish_units).values_list(
        "organization_id", "editors_group_id", "reviewers_group_id"
    )
    for unit_id, editors_id, reviewers_id in rows:
        if unit_id in edit_units:
            wanted.add(editors_id)
        if unit_id in publish_units:
            wanted.add(reviewers_id)
    return wanted


def current_site_groups(user: Any) -> set[int]:
    """Ids of the site groups the user is in now."""
    from edugov.portal.models import PortalSite

    group_ids = list(user.groups.values_list("pk", flat=True))
    if not group_ids:
        return set()
    current: set[int] = set()
    rows = PortalSite.objects.filter(
        Q(editors_group_id__in=group_ids) | Q(reviewers_group_id__in=group_ids)
    ).values_list("editors_group_id", "reviewers_group_id")
    for editors_id, reviewers_id in rows:
        current.update(pk for pk in (editors_id, reviewers_id) if pk in group_ids)
    return current


def sync_site_groups(user: Any) -> bool:
    """Put ``user`` in exactly the site groups their grants call for; True when that changed.

    Reads only when nothing changed (the common case: every /cms/ request calls this).
    """
    if user is None or user.pk is None:
        return False
    wanted = wanted_site_groups(user)
    current = current_site_groups(user)
    if wanted == current:
        return False
    with transaction.atomic():
        if current - wanted:
            user.groups.remove(*(current - wanted))
        if wanted - current:
            user.groups.add(*(wanted - current))
    for name in _PERMISSION_CACHES:
        if hasattr(user, name):
            delattr(user, name)
    clear_scope_cache(user)
    return True


def sync_site_groups_for_users(users: Any) -> int:
    """Sync each of ``users`` (fresh rows, so no stale grant cache); how many changed."""
    return sum(1 for user in users if sync_site_groups(user))


def _holders_of(grant: Any) -> Any:
    from edugov.core.models import User

    if grant.user_id is not None:
        return User.objects.filter(pk=grant.user_id)
    if grant.group_id is not None:
        return User.objects.filter(groups=grant.group_id)
    return User.objects.none()


def sync_site_groups_for_grant(grant: Any) -> int:
    """After a grant changed: sync everyone it reaches (its user, or its group's members)."""
    return sync_site_groups_for_users(_holders_of(grant))


def sync_site_groups_for_site(portal_site: Any) -> int:
    """After a site was set up: sync everyone holding a grant on its unit."""
    from edugov.core.models import Grant, User

    grants = Grant.objects.active().filter(organization_id=portal_site.organization_id)
    users = User.objects.filter(
        Q(pk__in=grants.values("user_id")) | Q(groups__in=grants.values("group_id"))
    ).distinct()
    return sync_site_groups_for_users(users)


@receiver(post_save, sender="core.Grant", dispatch_uid="portal_sites_sync_grant_saved")
@receiver(post_delete, sender="core.Grant", dispatch_uid="portal_sites_sync_grant_deleted")
def _grant_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    sync_site_groups_for_grant(instance)


@receiver(post_save, sender="portal.PortalSite", dispatch_uid="portal_sites_sync_site_created")
def _site_created(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        sync_site_groups_for_site(instance)


@receiver(user_logged_in, dispatch_uid="portal_sites_sync_sign_in")
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    sync_site_groups(user)
