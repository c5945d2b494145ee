"""Shared set-up for the portal's browser tests: a province site on jyt.localhost with translations."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

HOST = "jyt.localhost"


def ensure_wagtail_roots() -> None:
    """Wagtail's tree roots, locales and the platform's reference state, as after migrate
    (a transactional test's flush removes what Wagtail's data migrations made)."""
    from edugov.portal.bootstrap import prepare_wagtail

    prepare_wagtail()


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
