"""Syndication between sites (推送 / 转载): offer, accept into a section as a draft, decline, withdraw.

Only reviewers act: a reviewer of the source site offers one of its live articles; a reviewer of
the receiving site accepts (a DRAFT copy in one of its sections, which then goes through that
site's own review) or declines. "Reviewer" means ``portal.portalsite.publish`` on the site's own
unit. Every step is audited; the ``Syndication`` row keeps the provenance.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, Revision

from edugov.core.audit import log_event
from edugov.portal.events_sites import SitesEvent
from edugov.portal.isolation import PUBLISH, portal_site_of_page, site_unit_ids
from edugov.portal.models import (
    ArticlePage,
    HomePage,
    PortalSite,
    SectionPage,
    Syndication,
    SyndicationStatus,
)


class SyndicationErrorCode(StrEnum):
    NOT_REVIEWER = "not_reviewer"
    NOT_AN_ARTICLE = "not_an_article"
    NOT_LIVE = "not_live"
    SAME_SITE = "same_site"
    ALREADY_OFFERED = "already_offered"
    NOT_OPEN = "not_open"
    WRONG_SECTION = "wrong_section"
    SOURCE_GONE = "source_gone"


def _require_reviewer(user: Any, portal_site: PortalSite) -> None:
    if portal_site.organization_id not in site_unit_ids(user, PUBLISH):
        raise ValidationError(
            _("Only a reviewer of this site may do this."), code=SyndicationErrorCode.NOT_REVIEWER
        )


@transaction.atomic
def do_offer_syndication(
    page: Page, *, target_site: PortalSite, acting_user: Any, note: str = ""
) -> Syndication:
    """Offer the live article ``page`` of the acting reviewer's site to ``target_site``."""
    article = page.specific
    if not isinstance(article, ArticlePage):
        raise ValidationError(
            _("Only articles can be offered to another site."), code=SyndicationErrorCode.NOT_AN_ARTICLE
        )
    source_site = portal_site_of_page(article)
    if source_site is None:
        raise ValidationError(_("This page belongs to no site."), code=SyndicationErrorCode.NOT_AN_ARTICLE)
    _require_reviewer(acting_user, source_site)
    if not article.live or article.live_revision_id is None:
        raise ValidationError(
            _("Only a published article can be offered."), code=SyndicationErrorCode.NOT_LIVE
        )
    if target_site.pk == source_site.pk:
        raise ValidationError(
            _("Choose another site to offer the article to."), code=SyndicationErrorCode.SAME_SITE
        )
    if Syndication.objects.filter(
        source_page_ref=article.pk, target_site=target_site, status=SyndicationStatus.OFFERED
    ).exists():
        raise ValidationError(
            _("This article is already offered to that site."), code=SyndicationErrorCode.ALREADY_OFFERED
        )
    syndication = Syndication.objects.create(
        source_site=source_site,
        target_site=target_site,
        source_page=article,
        source_page_ref=article.pk,
        source_revision_ref=article.live_revision_id,
        source_title=article.title[:255],
        source_url=(article.get_full_url() or article.url_path)[:500],
        note=note[:200],
        offered_by=acting_user,
    )
    log_event(
        SitesEvent.SYNDICATION_OFFERED,
        acting_user=acting_user,
        target=syndication,
        organization=source_site.organization,
        extra={
            "source_site_id": source_site.pk,
            "target_site_id": target_site.pk,
            "source_page_id": article.pk,
            "source_revision_id": article.live_revision_id,
        },
    )
    return syndication


def _unique_slug(section: Page, slug: str) -> str:
    taken = set(section.get_children().values_list("slug", flat=True))
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _source_article(syndication: Syndication) -> ArticlePage | None:
    """The article as it was when offered (its live revision then), or the page now."""
    revision = Revision.objects.filter(pk=syndication.source_revision_ref).first()
    if revision is not None:
        obj = revision.as_object()
        if isinstance(obj, ArticlePage):
            return obj
    if syndication.source_page is not None and isinstance(syndication.source_page.specific, ArticlePage):
        return syndication.source_page.specific
    return None


@transaction.atomic
def do_accept_syndication(syndication: Syndication, *, section: Page, acting_user: Any) -> ArticlePage:
    """Accept an offer: a draft copy of the article in ``section`` of the receiving site."""
    locked = (
        Syndication.objects.select_for_update()
        .select_related("source_site", "target_site")
        .get(pk=syndication.pk)
    )
    if locked.status != SyndicationStatus.OFFERED:
        raise ValidationError(_("This offer is no longer open."), code=SyndicationErrorCode.NOT_OPEN)
    _require_reviewer(acting_user, locked.target_site)
    section = section.specific
    section_site = portal_site_of_page(section)
    if (
        not isinstance(section, SectionPage | HomePage)
        or section_site is None
        or section_site.pk != locked.target_site_id
    ):
        raise ValidationError(
            _("Choose a section of your own site."), code=SyndicationErrorCode.WRONG_SECTION
        )
    source = _source_article(locked)
    if source is None:
        raise ValidationError(
            _("The offered article no longer exists."), code=SyndicationErrorCode.SOURCE_GONE
        )
    copy = ArticlePage(
        title=source.title,
        slug=_unique_slug(section, source.slug),
        kind=source.kind,
        date=source.date,
        source=locked.source_site.organization.name[:100],
        summary=source.summary,
        body=list(source.body.raw_data),
        live=False,
        owner=acting_user,
        locale_id=section.locale_id,
    )
    section.add_child(instance=copy)
    copy.save_revision(user=acting_user)
    locked.status = SyndicationStatus.ACCEPTED
    locked.decided_by = acting_user
    locked.decided_at = timezone.now()
    locked.copy_page = copy
    locked.save(update_fields=["status", "decided_by", "decided_at", "copy_page"])
    log_event(
        SitesEvent.SYNDICATION_ACCEPTED,
        acting_user=acting_user,
        target=locked,
        organization=locked.target_site.organization,
        extra={
            "copy_page_id": copy.pk,
            "section_id": section.pk,
            "source_revision_id": locked.source_revision_ref,
        },
    )
    return copy


def _close(
    syndication: Syndication, *, acting_user: Any, status: str, event: SitesEvent, as_target: bool, note: str
) -> Syndication:
    locked = (
        Syndication.objects.select_for_update()
        .select_related("source_site", "target_site")
        .get(pk=syndication.pk)
    )
    if locked.status != SyndicationStatus.OFFERED:
        raise ValidationError(_("This offer is no longer open."), code=SyndicationErrorCode.NOT_OPEN)
    site = locked.target_site if as_target else locked.source_site
    _require_reviewer(acting_user, site)
    locked.status = status
    locked.decided_by = acting_user
    locked.decided_at = timezone.now()
    if note:
        locked.note = note[:200]
    locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
    log_event(event, acting_user=acting_user, target=locked, organization=site.organization)
    return locked


@transaction.atomic
def do_decline_syndication(syndication: Syndication, *, acting_user: Any, note: str = "") -> Syndication:
    """The receiving site's reviewer declines the offer."""
    return _close(
        syndication,
        acting_user=acting_user,
        status=SyndicationStatus.DECLINED,
        event=SitesEvent.SYNDICATION_DECLINED,
        as_target=True,
        note=note,
    )


@transaction.atomic
def do_withdraw_syndication(syndication: Syndication, *, acting_user: Any) -> Syndication:
    """The offering site's reviewer takes the offer back before it is decided."""
    return _close(
        syndication,
        acting_user=acting_user,
        status=SyndicationStatus.WITHDRAWN,
        event=SitesEvent.SYNDICATION_WITHDRAWN,
        as_target=False,
        note="",
    )
