"""Reads by id for the website group: 404 for both "missing" and "not allowed".

Viewing a site follows the grant tree (``portal.portalsite.view`` on the unit or above). Editing,
reviewing and deciding on syndication offers follow the *site* rule: only a grant on the site's
own unit counts (see ``edugov.portal.isolation``).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from edugov.portal.isolation import PUBLISH, site_unit_ids
from edugov.portal.models import PortalSite, Syndication, SyndicationStatus

SITE_RELATED = ("organization", "site", "site__root_page", "collection")


def access_site(user: Any, site_id: Any, *, action: str = "view") -> PortalSite:
    """A site the user may ``action`` ("view"/"manage" down the tree; "edit"/"publish" own unit)."""
    try:
        pk = int(site_id)
        if action in {"edit", "publish"}:
            qs = PortalSite.objects.filter(
                organization_id__in=site_unit_ids(user, f"portal.portalsite.{action}")
            )
        else:
            qs = PortalSite.objects.restrict(user, action)
        return qs.select_related(*SITE_RELATED).get(pk=pk)
    except (PortalSite.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Site not found.")) from None


def reviewed_sites(user: Any) -> Any:
    """Sites whose own unit the user reviews (holds ``portal.portalsite.publish`` on)."""
    return PortalSite.objects.filter(organization_id__in=site_unit_ids(user, PUBLISH)).select_related(
        *SITE_RELATED
    )


def access_offer(user: Any, syndication_id: Any) -> Syndication:
    """An open offer addressed to a site the user reviews."""
    try:
        return (
            Syndication.objects.filter(
                status=SyndicationStatus.OFFERED,
                target_site__organization_id__in=site_unit_ids(user, PUBLISH),
            )
            .select_related("source_site__organization", "target_site__organization", "target_site__site")
            .get(pk=int(syndication_id))
        )
    except (Syndication.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Offer not found.")) from None


def access_own_offer(user: Any, syndication_id: Any) -> Syndication:
    """An open offer made by a site the user reviews (to withdraw it)."""
    try:
        return Syndication.objects.filter(
            status=SyndicationStatus.OFFERED,
            source_site__organization_id__in=site_unit_ids(user, PUBLISH),
        ).get(pk=int(syndication_id))
    except (Syndication.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Offer not found.")) from None
