"""To-dos of the archives (IN-5): loans to decide or hand out, and loans due or overdue.

A loan is an archivist's (or leader's) to-do when its record belongs to a unit on which they
hold the deciding grant directly, or to the unit they are working for now: units merely
below a grant are not included (a province archivist is not asked to decide every county's
loans). Reminders recorded by the daily job (2 working days before the due date, and when
overdue) show here for the borrower and for the archivist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edugov.core.permissions.scopes import own_unit_ids
from edugov.core.todos import Todo, TodoProvider, register_todo_provider
from edugov.office.models.archives import (
    ApprovalStep,
    ArchiveLoan,
    ArchiveLoanApproval,
    LoanKind,
    LoanStatus,
)

LEND = "office.archiverecord.lend"
APPROVE = "office.archiverecord.approve"


def _approved(step: str, by: Any = None) -> Exists:
    approvals = ArchiveLoanApproval.objects.filter(loan=OuterRef("pk"), step=step)
    if by is not None:
        approvals = approvals.filter(decided_by=by)
    return Exists(approvals)


def loans_to_handle(user: Any, unit: Any) -> QuerySet[ArchiveLoan]:
    """Loans waiting for this user: decisions of either step, paper to hand out, paper due back
    soon (reminded) or overdue."""
    lend_ids = own_unit_ids(user, unit, LEND)
    approve_ids = own_unit_ids(user, unit, APPROVE)
    if not lend_ids and not approve_ids:
        return ArchiveLoan.objects.none()
    q = Q(pk__in=[])
    if lend_ids:
        q |= Q(record__organization_id__in=lend_ids) & (
            (Q(status=LoanStatus.REQUESTED) & ~_approved(ApprovalStep.ARCHIVIST))
            | Q(status=LoanStatus.APPROVED, kind=LoanKind.PAPER)
            | Q(status=LoanStatus.OVERDUE)
            | Q(status=LoanStatus.LENT, kind=LoanKind.PAPER, due_soon_reminded_on__isnull=False)
        )
    if approve_ids:
        q |= Q(
            record__organization_id__in=approve_ids,
            status=LoanStatus.REQUESTED,
            steps_required__gt=1,
        ) & (
            _approved(ApprovalStep.ARCHIVIST)
            & ~_approved(ApprovalStep.LEADER)
            & ~_approved(ApprovalStep.ARCHIVIST, by=user)
        )
    return (
        ArchiveLoan.objects.filter(q)
        .exclude(borrower=user)
        .select_related("record", "borrower", "unit")
        .order_by("due_on", "created_at", "pk")
    )


def my_reminded_loans(user: Any) -> QuerySet[ArchiveLoan]:
    """The borrower's loans due soon (reminded) or overdue."""
    if user is None or not user.is_authenticated:
        return ArchiveLoan.objects.none()
    return (
        ArchiveLoan.objects.filter(borrower=user)
        .filter(
            Q(status=LoanStatus.OVERDUE)
            | Q(status=LoanStatus.LENT, kind=LoanKind.PAPER, due_soon_reminded_on__isnull=False)
        )
        .select_related("record")
        .order_by("due_on", "pk")
    )


def _loan_url(loan: ArchiveLoan) -> str:
    return reverse("office:loan_detail", args=[loan.pk])


@register_todo_provider
class ArchiveLoansToHandle(TodoProvider):
    key = "office.archive_loans"
    title = _("Archive loans 档案借阅")

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        if limit < 1:
            return []
        today = timezone.localdate()
        todos = []
        for loan in loans_to_handle(user, unit)[:limit]:
            who = loan.borrower.real_name or loan.borrower.username
            if loan.status == LoanStatus.OVERDUE:
                title = gettext("Overdue: %(who)s has not returned %(number)s %(title)s")
            elif loan.status == LoanStatus.LENT:
                title = gettext("Due back soon from %(who)s: %(number)s %(title)s")
            elif loan.status == LoanStatus.APPROVED:
                title = gettext("Hand out %(number)s %(title)s to %(who)s")
            else:
                title = gettext("Loan request of %(who)s: %(number)s %(title)s")
            todos.append(
                Todo(
                    title=title
                    % {"who": who, "number": loan.record.archive_number, "title": loan.record.title},
                    url=_loan_url(loan),
                    due=loan.due_on,
                    detail=loan.unit.name,
                    is_overdue=bool(loan.due_on and loan.due_on < today),
                )
            )
        return todos

    def count(self, user: Any, unit: Any) -> int:
        return loans_to_handle(user, unit).count()


@register_todo_provider
class ArchiveLoansToReturn(TodoProvider):
    key = "office.archive_loans_mine"
    title = _("Archive records to return")

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        if limit < 1:
            return []
        today = timezone.localdate()
        return [
            Todo(
                title=gettext("Return %(number)s %(title)s")
                % {"number": loan.record.archive_number, "title": loan.record.title},
                url=_loan_url(loan),
                due=loan.due_on,
                is_overdue=bool(loan.due_on and loan.due_on < today),
            )
            for loan in my_reminded_loans(user)[:limit]
        ]

    def count(self, user: Any, unit: Any) -> int:
        return my_reminded_loans(user).count()
