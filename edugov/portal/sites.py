"""Which portal site a request is for (by host name), cached on the request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from wagtail.models import Site


def current_site(request: HttpRequest) -> Site | None:
    if not hasattr(request, "_portal_wagtail_site"):
        request._portal_wagtail_site = Site.find_for_request(request)  # type: ignore[attr-defined]
    return request._portal_wagtail_site  # type: ignore[attr-defined]


def current_portal_site(request: HttpRequest) -> Any:
    """The ``PortalSite`` of the request's host, or None (no site set up for it)."""
    if not hasattr(request, "_portal_site"):
        from edugov.portal.models import PortalSite

        site = current_site(request)
        request._portal_site = (  # type: ignore[attr-defined]
            PortalSite.objects.select_related("organization", "site").filter(site=site).first()
            if site
            else None
        )
    return request._portal_site  # type: ignore[attr-defined]
