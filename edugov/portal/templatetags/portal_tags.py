from __future__ import annotations

from typing import Any

from django import template

from edugov.portal.sites import current_portal_site, current_site

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_context(context: Any) -> dict[str, Any]:
    """The site the page is served for: its name and home address (no per-user data: pages are cached)."""
    request = context.get("request")
    portal_site = current_portal_site(request) if request is not None else None
    site = current_site(request) if request is not None else None
    name = portal_site.organization.name if portal_site else (site.site_name if site else "")
    return {"site": site, "portal_site": portal_site, "site_name": name, "home_url": "/"}
