"""Shared set-up for the portal's browser tests: a province site on jyt.localhost with translations."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

HOST = "jyt.localhost"


def ensure_wagtail_roots() -> None:
    """Wagtail's root page and root collection come from its data migrations, which a
    transactional test's flush removes; put them back."""
    from wagtail.models import Collection, Locale, Page

    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")


def build_portal(live_server: Any) -> tuple[str, Any]:
    """(base URL on jyt.localhost, TranslatedSite) for the live server."""
    from edugov.platform.testing.fixtures import build_tree
    from edugov.portal.actions.sites import do_create_site
    from edugov.portal.testing.translations import build_translated_site

    ensure_wagtail_roots()
    port = urlsplit(live_server.url).port
    tree = build_tree()
    portal_site = do_create_site(tree.province, hostname=HOST, port=port, acting_user=None, slug="jyt")
    return f"http://{HOST}:{port}", build_translated_site(portal_site)
