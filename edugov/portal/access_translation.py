"""Reading translated pages by id for the CMS's translation-status view (404 for missing and not allowed)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from edugov.portal.models.translation import source_page


def access_translated_page(user: Any, page_id: Any) -> Any:
    """A page in a language other than Chinese that ``user`` may edit in the CMS (its specific instance)."""
    from wagtail.models import Page

    try:
        page = Page.objects.filter(pk=int(page_id)).select_related("locale").first()
    except (ValueError, TypeError):
        page = None
    if page is None or not page.permissions_for_user(user).can_edit() or source_page(page) is None:
        raise Http404(_("Page not found."))
    return page.specific
