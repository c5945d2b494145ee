"""Reads by id of archive records and loans: Http404 for both "missing" and "not allowed"."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from edugov.core.permissions.scopes import scope_q
from edugov.office.models.archives import ArchiveLoan, ArchiveRecord


def access_archive_record(user: Any, record_id: Any, *, action: str = "view") -> ArchiveRecord:
    """The record, if ``user`` holds ``office.archiverecord.<action>`` on its unit."""
    try:
        return (
            ArchiveRecord.objects.restrict(user, action)
            .select_related("organization", "document", "archived_by")
            .get(pk=int(record_id))
        )
    except (ArchiveRecord.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Archive record not found.")) from None


def visible_loans(user: Any) -> QuerySet[ArchiveLoan]:
    """Loans the user borrowed, or of records whose loans they decide (lend or approve)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ArchiveLoan.objects.none()
    q = Q(borrower=user)
    for permission in ("office.archiverecord.lend", "office.archiverecord.approve"):
        scope = scope_q(user, permission, field="record__organization")
        if scope is not None:
            q |= scope
    return ArchiveLoan.objects.filter(q)


def access_loan(user: Any, loan_id: Any, *, action: str = "view") -> ArchiveLoan:
    """A loan the user may see (``view``), decide as lender (``lend``) or read as its borrower
    (``borrower``)."""
    if action == "view":
        qs = visible_loans(user)
    elif action == "borrower":
        qs = (
            ArchiveLoan.objects.filter(borrower=user)
            if user is not None and user.is_authenticated and user.is_active
            else ArchiveLoan.objects.none()
        )
    else:
        qs = ArchiveLoan.objects.restrict(user, action)
    try:
        return qs.select_related("record__organization", "record__document", "borrower", "unit").get(
            pk=int(loan_id)
        )
    except (ArchiveLoan.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Loan not found.")) from None
