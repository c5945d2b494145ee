"""Reads by id of the disclosure catalogue's staff pages; 404 for both "missing" and "not allowed"."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from edugov.core.models import Organization
from edugov.core.permissions.scopes import has_permission, scope_q

# Who works the catalogue (documents marked for disclosure, drafts) and who sees the annual report.
CATALOGUE_VIEW = "portal.portalsite.view"
CATALOGUE_EDIT = "portal.portalsite.edit"
REPORT_VIEW = "portal.case.view"
REPORT_EDIT = "portal.case.handle"


def units_for(user: Any, permission: str) -> QuerySet[Organization]:
    q = scope_q(user, permission, field="") if user.is_authenticated else None
    if q is None:
        return Organization.objects.none()
    return Organization.objects.filter(q)


def access_report_unit(user: Any, unit_id: Any, *, permission: str = REPORT_VIEW) -> Organization:
    try:
        return units_for(user, permission).get(pk=int(unit_id))
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Unit not found.")) from None


def candidates_for(user: Any, permission: str = CATALOGUE_VIEW) -> QuerySet:
    from edugov.portal.models import DisclosureCandidate

    q = scope_q(user, permission, field="unit") if user.is_authenticated else None
    if q is None:
        return DisclosureCandidate.objects.none()
    return DisclosureCandidate.objects.filter(q)


def access_document_to_mark(user: Any, document_id: Any) -> Any:
    """An outgoing document the user may see in the office and whose unit's site they edit."""
    from edugov.office.access import access_document

    document = access_document(user, document_id)
    if not has_permission(user, CATALOGUE_EDIT, document.organization):
        raise Http404(_("Document not found."))
    return document
