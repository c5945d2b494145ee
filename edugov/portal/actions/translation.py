"""Recording how far a translated page can be trusted (PUB-10, BEYOND A.9)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission

from edugov.core.audit import log_event
from edugov.portal.error_codes import PortalErrorCode
from edugov.portal.events_translation import TranslationEvent
from edugov.portal.models import PageTranslation, PortalSite, TranslationStatus
from edugov.portal.models.translation import source_page


def _organization(page: Any) -> Any:
    site = page.get_site()
    portal_site = (
        PortalSite.objects.select_related("organization").filter(site=site).first() if site else None
    )
    return portal_site.organization if portal_site else None


def record_translation_copy(source: Any, translated: Any) -> PageTranslation:
    """A page was just copied into another locale: a draft translation of the source's latest revision.

    Called from Wagtail's ``copy_for_translation_done`` signal (inside the copy's transaction).
    A site's home page is copied beside it (a new tree root), outside the page permissions
    the site's editor and reviewer groups hold on the Chinese home: the copy gets the same ones,
    so each site's editors (and only they) edit its translated editions.
    """
    if translated.depth == source.depth == 2:
        for grant in GroupPagePermission.objects.filter(page_id=source.pk):
            GroupPagePermission.objects.get_or_create(
                group_id=grant.group_id, page_id=translated.pk, permission_id=grant.permission_id
            )
    record, _created = PageTranslation.objects.update_or_create(
        page_id=translated.pk,
        defaults={"status": TranslationStatus.DRAFT, "translated_from_revision": source.latest_revision_id},
    )
    return record


@transaction.atomic
def do_set_translation_status(
    page: Any, *, status: str, acting_user: Any, translator: str = "", up_to_date: bool = True
) -> PageTranslation:
    """Set a translated page's status; ``up_to_date`` records that it matches the source's current text.

    Refuses pages in the language of record (they are sources, not translations) and users
    who may not edit the page in the CMS.
    """
    if not page.permissions_for_user(acting_user).can_edit():
        raise PermissionDenied
    if status not in TranslationStatus.values:
        raise ValidationError(
            _("Choose a translation status."), code=PortalErrorCode.INVALID_TRANSLATION_STATUS
        )
    source = source_page(page)
    if source is None:
        raise ValidationError(
            _("This page is not a translation of a Chinese page."), code=PortalErrorCode.NOT_A_TRANSLATION
        )
    record = PageTranslation.objects.select_for_update().filter(page_id=page.pk).first()
    before = (record.status, record.translated_from_revision) if record else None
    if record is None:
        record = PageTranslation(page_id=page.pk)
    record.status = status
    record.translator = translator.strip()[:100]
    if up_to_date or record.translated_from_revision is None:
        record.translated_from_revision = source.latest_revision_id
    record.save()
    log_event(
        TranslationEvent.STATUS_SET,
        acting_user=acting_user,
        target=record,
        organization=_organization(page),
        extra={
            "page": page.pk,
            "source": source.pk,
            "status": status,
            "previous_status": before[0] if before else None,
            "translated_from_revision": record.translated_from_revision,
        },
    )
    return record
