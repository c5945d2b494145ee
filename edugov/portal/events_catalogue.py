"""Audit events of the disclosure catalogue and annual report, and the signals it listens to.

Imported from ``PortalConfig.ready``:

* office ``document_distributed`` → a draft catalogue item for documents marked 主动公开;
* Wagtail ``page_published`` for ``DisclosureItemPage`` → an audit entry with the index number.

It also registers the workspace navigation items of the catalogue and the annual report.
"""

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

from edugov.core.audit import register_event_labels


class CatalogueEvent(StrEnum):
    DISCLOSURE_MARKED = "portal.disclosure_marked"
    CATALOGUE_DRAFT_CREATED = "portal.catalogue_draft_created"
    CATALOGUE_ITEM_PUBLISHED = "portal.catalogue_item_published"
    ANNUAL_FIGURES_SAVED = "portal.annual_figures_saved"
    ANNUAL_REPORT_DRAFTED = "portal.annual_report_drafted"


register_event_labels(
    {
        CatalogueEvent.DISCLOSURE_MARKED: _("Document's disclosure attribute set"),
        CatalogueEvent.CATALOGUE_DRAFT_CREATED: _("Disclosure catalogue item drafted"),
        CatalogueEvent.CATALOGUE_ITEM_PUBLISHED: _("Disclosure catalogue item published"),
        CatalogueEvent.ANNUAL_FIGURES_SAVED: _("Annual disclosure report figures saved"),
        CatalogueEvent.ANNUAL_REPORT_DRAFTED: _("Annual disclosure report drafted for the site"),
    }
)


def _register_navigation() -> None:
    from edugov.core.navigation import register_nav_item, register_nav_section

    register_nav_section("portal", _("Public portal"), 30)
    register_nav_item(
        "portal",
        _("Disclosure catalogue: to publish"),
        "portal:catalogue_todo",
        permission="portal.portalsite.view",
        order=40,
    )
    register_nav_item(
        "portal",
        _("Annual disclosure report"),
        "portal:annual_report_index",
        permission="portal.case.view",
        order=41,
    )


def _document_distributed(sender: Any, *, document: Any, acting_user: Any, **kwargs: Any) -> None:
    from edugov.portal.actions.catalogue import on_document_distributed

    on_document_distributed(document, acting_user=acting_user)


def _page_published(sender: Any, *, instance: Any, revision: Any = None, **kwargs: Any) -> None:
    from edugov.portal.actions.catalogue import on_item_published

    on_item_published(instance, revision=revision)


def _connect() -> None:
    from wagtail.signals import page_published

    from edugov.office.signals import document_distributed
    from edugov.portal.models import DisclosureItemPage

    document_distributed.connect(_document_distributed, dispatch_uid="portal_catalogue_document_distributed")
    page_published.connect(
        _page_published, sender=DisclosureItemPage, dispatch_uid="portal_catalogue_item_published"
    )


_connect()
_register_navigation()
