"""Workspace navigation: apps register items; each request sees only what it may use.

    register_nav_item("organisation", _("Units"), "workspace:org_list", permission="core.organization.view")

An item shows when the user holds ``permission`` anywhere (or ``check(request)`` is true).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from edugov.core.permissions.scopes import has_permission


@dataclass
class NavItem:
    title: Any
    url_name: str
    permission: str | None = None
    check: Callable[[HttpRequest], bool] | None = None
    badge: Callable[[HttpRequest], int] | None = None
    order: int = 100


@dataclass
class NavSection:
    key: str
    title: Any
    order: int
    items: list[NavItem] = field(default_factory=list)


SECTIONS: dict[str, NavSection] = {}


def register_nav_section(key: str, title: Any, order: int) -> None:
    SECTIONS.setdefault(key, NavSection(key, title, order))


def register_nav_item(section: str, title: Any, url_name: str, **options: Any) -> None:
    items = SECTIONS[section].items
    if any(item.url_name == url_name for item in items):
        return
    items.append(NavItem(title, url_name, **options))
    items.sort(key=lambda item: item.order)


register_nav_section("workspace", _("Workspace"), 10)
register_nav_section("organisation", _("Organisation"), 50)
register_nav_section("security", _("Accounts and security"), 80)
register_nav_section("audit", _("Audit"), 90)
register_nav_section("reference", _("Reference data"), 95)


def _visible(item: NavItem, request: HttpRequest) -> bool:
    if item.check is not None and not item.check(request):
        return False
    if item.permission is not None and not has_permission(request.user, item.permission):  # type: ignore[arg-type]
        return False
    return True


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    sections = []
    for section in sorted(SECTIONS.values(), key=lambda s: s.order):
        items = []
        for item in section.items:
            if not _visible(item, request):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append(
                {
                    "title": item.title,
                    "url": url,
                    "active": request.path == url or (url != "/workspace/" and request.path.startswith(url)),
                    "badge": item.badge(request) if item.badge else 0,
                }
            )
        if items:
            sections.append({"title": section.title, "items": items})
    return sections
