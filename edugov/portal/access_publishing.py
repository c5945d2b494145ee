"""Reads by id for editorial review pages (404 for missing and not allowed alike)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from edugov.portal.models import PortalSite


def access_portal_site(user: Any, portal_site_id: Any, *, action: str = "view") -> PortalSite:
    try:
        return (
            PortalSite.objects.restrict(user, action)
            .select_related("organization", "site")
            .get(pk=int(portal_site_id))
        )
    except (PortalSite.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Site not found.")) from None
