"""Writes of the disclosure catalogue (PUB-3): index numbers, documents marked for disclosure,
draft catalogue items from office documents, the annual report's figures and its draft page.

Catalogue items are Wagtail pages: product code only ever creates them as drafts and hands
them to the site's review workflow (``submit_for_review``); they go live when a reviewer
publishes them, which is when ``DisclosureItemPage.save`` takes the index number.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.rich_text import RichText

from edugov.core.audit import log_event
from edugov.portal.events_catalogue import CatalogueEvent
from edugov.portal.models import (
    AnnualReportFigures,
    DisclosureCandidate,
    DisclosureIndexPage,
    DisclosureIndexSequence,
    DisclosureItemPage,
    PortalSite,
)
from edugov.portal.models.catalogue import DisclosureAttribute, DisclosureCategory

logger = logging.getLogger(__name__)


class CatalogueErrorCode(StrEnum):
    NOT_OUTGOING = "not_outgoing"
    REASON_REQUIRED = "reason_required"
    NO_CATALOGUE = "no_catalogue"
    INVALID_FIGURES = "invalid_figures"


# --- Index numbers ----------------------------------------------------------------------------


def unit_code(unit: Any) -> str:
    """The first part of an index number (see ``edugov.portal.models.catalogue``)."""
    return unit.credit_code or unit.school_code or f"U{unit.pk:08d}"


def unit_of_page(page: Page) -> Any:
    """The unit whose site holds ``page`` (site home pages sit right below the root)."""
    home_path = page.path[: Page.steplen * 2]
    portal_site = (
        PortalSite.objects.select_related("organization").filter(site__root_page__path=home_path).first()
    )
    return portal_site.organization if portal_site else None


def assign_index_number(page: DisclosureItemPage) -> None:
    """Give ``page`` the next number of its unit and publication year (caller saves, in a transaction)."""
    day = page.published_on or timezone.localdate()
    page.published_on = day
    DisclosureIndexSequence.objects.get_or_create(unit_id=page.unit_id, year=day.year)
    sequence = DisclosureIndexSequence.objects.select_for_update().get(unit_id=page.unit_id, year=day.year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    page.index_year = day.year
    page.index_seq = sequence.last
    page.index_number = f"{unit_code(page.unit)}/{day.year}-{sequence.last:05d}"


def on_item_published(page: DisclosureItemPage, *, revision: Any = None) -> None:
    log_event(
        CatalogueEvent.CATALOGUE_ITEM_PUBLISHED,
        acting_user=getattr(revision, "user", None),
        target=page,
        organization=page.unit,
        extra={"page": page.pk, "index_number": page.index_number},
    )


# --- Catalogue pages --------------------------------------------------------------------------


def catalogue_for_unit(unit: Any) -> DisclosureIndexPage | None:
    """The unit's site catalogue (the one nearest the home page), or None."""
    portal_site = PortalSite.objects.select_related("site__root_page").filter(organization=unit).first()
    if portal_site is None:
        return None
    return (
        DisclosureIndexPage.objects.descendant_of(portal_site.site.root_page)
        .order_by("depth", "path")
        .first()
    )


def submit_for_review(page: Page, user: Any) -> Any:
    """Save a revision of ``page`` and start the site's review workflow on it, if one applies."""
    revision = page.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None and workflow.active:
        workflow.start(page, user)
    return revision


def _unique_slug(parent: Page, base: str) -> str:
    slug, n = base, 1
    siblings = parent.get_children()
    while siblings.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _text_to_rich_text(text: str) -> RichText:
    paragraphs = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return RichText("".join(f"<p>{escape(p)}</p>" for p in paragraphs))


def _wagtail_document(*, title: str, filename: str, data: bytes, portal_site: PortalSite, user: Any) -> Any:
    from wagtail.documents import get_document_model

    document = get_document_model()(title=title, collection=portal_site.collection, uploaded_by_user=user)
    document.file.save(filename, ContentFile(data), save=False)
    document._set_document_file_metadata()
    document.save()
    return document


# --- Documents marked for disclosure ------------------------------------------------------------


def do_mark_for_disclosure(
    document: Any,
    *,
    attribute: str,
    acting_user: Any,
    category: str = DisclosureCategory.OTHER_DOCUMENTS,
    reason: str = "",
) -> DisclosureCandidate:
    """Record the 公开属性 of an outgoing document; 主动公开 drafts a catalogue item once distributed."""
    from edugov.office.choices import Direction, DocumentStatus

    document.refresh_from_db(fields=["status", "written_on", "direction", "organization"])
    if document.direction != Direction.OUTGOING:
        raise ValidationError(
            _("Only the unit's own outgoing documents are marked for disclosure."),
            code=CatalogueErrorCode.NOT_OUTGOING,
        )
    reason = (reason or "").strip()
    if attribute != DisclosureAttribute.PROACTIVE and not reason:
        raise ValidationError(
            _(
                "Give the reason (the article of the regulation) when a document "
                "is not disclosed proactively."
            ),
            code=CatalogueErrorCode.REASON_REQUIRED,
        )
    with transaction.atomic():
        candidate, created = DisclosureCandidate.objects.select_for_update().get_or_create(
            document=document,
            defaults={
                "unit": document.organization,
                "attribute": attribute,
                "category": category,
                "reason": reason[:500],
                "formed_on": document.written_on,
                "marked_by": acting_user,
            },
        )
        if not created:
            candidate.attribute = attribute
            candidate.category = category
            candidate.reason = reason[:500]
            candidate.formed_on = document.written_on or candidate.formed_on
            candidate.marked_by = acting_user
            candidate.save(update_fields=["attribute", "category", "reason", "formed_on", "marked_by"])
        log_event(
            CatalogueEvent.DISCLOSURE_MARKED,
            acting_user=acting_user,
            target=document,
            organization=document.organization,
            extra={"candidate": candidate.pk, "attribute": attribute, "category": category},
        )
    distributed = document.status in (DocumentStatus.DISTRIBUTED, DocumentStatus.ARCHIVED)
    if attribute == DisclosureAttribute.PROACTIVE and distributed and candidate.item_id is None:
        do_create_catalogue_draft(candidate, acting_user=acting_user)
        candidate.refresh_from_db()
    return candidate


def on_document_distributed(document: Any, *, acting_user: Any) -> None:
    """Receiver of office's ``document_distributed``: draft the item once the distribution is committed."""
    candidate = DisclosureCandidate.objects.filter(
        document=document, attribute=DisclosureAttribute.PROACTIVE, item__isnull=True
    ).first()
    if candidate is None:
        return
    candidate_id = candidate.pk

    def draft() -> None:
        try:
            do_create_catalogue_draft(
                DisclosureCandidate.objects.get(pk=candidate_id), acting_user=acting_user
            )
        except Exception:  # a failure here must never look like a failed distribution
            logger.exception("Could not draft the catalogue item of disclosure candidate %s", candidate_id)
            DisclosureCandidate.objects.filter(pk=candidate_id).update(
                problem=_("The catalogue item could not be drafted; draft it by hand.")[:200]
            )

    transaction.on_commit(draft)


def do_create_catalogue_draft(
    candidate: DisclosureCandidate, *, acting_user: Any
) -> DisclosureItemPage | None:
    """A draft item in the unit's catalogue with the document's metadata, handed to review.

    Returns None (and records why on the candidate) when the unit has no site or catalogue.
    """
    from edugov.office.choices import FileKind

    with transaction.atomic():
        candidate = (
            DisclosureCandidate.objects.select_for_update().select_related("document").get(pk=candidate.pk)
        )
        if candidate.item_id is not None:
            return candidate.item
        document = candidate.document
        candidate.formed_on = candidate.formed_on or document.written_on or timezone.localdate()
        catalogue = catalogue_for_unit(document.organization)
        if catalogue is None:
            candidate.problem = _("The unit has no site with a disclosure catalogue.")[:200]
            candidate.save(update_fields=["problem", "formed_on"])
            return None
        portal_site = PortalSite.objects.get(organization=document.organization)
        attachments = []
        signed = document.files.filter(kind=FileKind.SIGNED).order_by("-created_at", "-id").first()
        if signed is not None:
            with signed.file.open("rb") as handle:
                data = handle.read()
            attachments.append(
                (
                    "document",
                    _wagtail_document(
                        title=document.doc_number or document.title,
                        filename=f"document-{document.pk}.pdf",
                        data=data,
                        portal_site=portal_site,
                        user=acting_user,
                    ),
                )
            )
        body_text = document.current_body.text if document.current_body_id else ""
        item = DisclosureItemPage(
            title=document.title,
            slug=_unique_slug(catalogue, f"document-{document.pk}"),
            locale=catalogue.locale,
            live=False,
            owner=acting_user,
            category=candidate.category,
            document_number=document.doc_number,
            issued_on=document.written_on,
            body=[("paragraph", _text_to_rich_text(body_text))] if body_text.strip() else [],
            attachments=attachments,
        )
        catalogue.add_child(instance=item)
        candidate.item = item
        candidate.problem = ""
        candidate.save(update_fields=["item", "formed_on", "problem"])
        log_event(
            CatalogueEvent.CATALOGUE_DRAFT_CREATED,
            acting_user=acting_user,
            target=document,
            organization=document.organization,
            extra={"page": item.pk, "candidate": candidate.pk},
        )
        submit_for_review(item, acting_user)
    return item


# --- Annual report ------------------------------------------------------------------------------

FIGURE_FIELDS = (
    "licensing",
    "penalties",
    "coercion",
    "fees_10k_yuan",
    "overview",
    "problems",
    "other_matters",
)
REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")


def do_save_annual_figures(
    unit: Any, year: int, *, values: dict[str, Any], review_litigation: dict[str, list[int]], acting_user: Any
) -> AnnualReportFigures:
    """Store the hand-entered parts of the annual report (only the changed field names are audited)."""
    table = {}
    for group in REVIEW_GROUPS:
        row = [int(v) for v in review_litigation.get(group, [0] * 5)]
        if len(row) != 5 or any(v < 0 for v in row):
            raise ValidationError(
                _("Table four needs five figures per group."), code=CatalogueErrorCode.INVALID_FIGURES
            )
        table[group] = row
    with transaction.atomic():
        figures, _created = AnnualReportFigures.objects.select_for_update().get_or_create(
            unit=unit, year=year
        )
        changed = [
            name for name in FIGURE_FIELDS if name in values and getattr(figures, name) != values[name]
        ]
        for name in changed:
            setattr(figures, name, values[name])
        if figures.review_litigation != table:
            figures.review_litigation = table
            changed.append("review_litigation")
        figures.updated_by = acting_user
        figures.save()
        log_event(
            CatalogueEvent.ANNUAL_FIGURES_SAVED,
            acting_user=acting_user,
            target=figures,
            organization=unit,
            extra={"year": year, "fields": changed},
        )
    return figures


def do_draft_annual_report(unit: Any, year: int, *, acting_user: Any) -> DisclosureItemPage:
    """A draft catalogue item holding the report's tables, handed to the site's review."""
    from django.template.loader import render_to_string

    from edugov.portal.annual_report import build_annual_report

    catalogue = catalogue_for_unit(unit)
    if catalogue is None:
        raise ValidationError(
            _("The unit has no site with a disclosure catalogue to publish the report on."),
            code=CatalogueErrorCode.NO_CATALOGUE,
        )
    report = build_annual_report(unit, year)
    html = render_to_string(
        "portal/catalogue/annual_report_tables.html", {"report": report, "published": True}
    )
    with transaction.atomic():
        item = DisclosureItemPage(
            title=_("%(unit)s: government information disclosure annual report %(year)s")
            % {"unit": unit.name, "year": year},
            slug=_unique_slug(catalogue, f"annual-report-{year}"),
            locale=catalogue.locale,
            live=False,
            owner=acting_user,
            category=DisclosureCategory.ANNUAL_REPORT,
            issued_on=timezone.localdate(),
            body=[("tables", html)],
        )
        catalogue.add_child(instance=item)
        log_event(
            CatalogueEvent.ANNUAL_REPORT_DRAFTED,
            acting_user=acting_user,
            target=item,
            organization=unit,
            extra={"year": year, "page": item.pk},
        )
        submit_for_review(item, acting_user)
    return item
