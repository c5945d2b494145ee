"""To-dos of disclosure requests (PUB-3).

* "Disclosure requests to confirm": submitted online, receipt not yet confirmed (handlers).
* "Disclosure requests due within 3 working days" (handlers of the handling unit).
* "Overdue disclosure requests": escalated by the daily job, for the case supervisors of the
  handling unit and of its parent unit.

As in the office's providers, "the user's units" are the units of their grants themselves and
the unit they work for now, not every unit below a grant: a province supervisor is not handed
every county's requests, only those of the units directly under the province.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edugov.core.calendar import add_working_days
from edugov.core.models import Organization
from edugov.core.permissions.scopes import own_unit_ids
from edugov.core.todos import Todo, TodoProvider, register_todo_provider
from edugov.portal.choices import OPEN_CASE_STATUSES, CaseKind, CaseStatus
from edugov.portal.models import Case

HANDLE = "portal.case.handle"
APPROVE = "portal.case.approve"
DUE_SOON_DAYS = 3


def _open_requests(user: Any) -> QuerySet[Case]:
    return (
        Case.objects.restrict(user, "view")
        .filter(kind=CaseKind.DISCLOSURE, status__in=OPEN_CASE_STATUSES)
        .select_related("handling_unit")
    )


def due_soon_requests(user: Any, unit: Any) -> QuerySet[Case]:
    """Open requests of the user's units due today or within the next 3 working days."""
    ids = own_unit_ids(user, unit, HANDLE)
    if not ids:
        return Case.objects.none()
    today = timezone.localdate()
    horizon = add_working_days(today, DUE_SOON_DAYS).result
    return (
        _open_requests(user)
        .filter(handling_unit_id__in=ids, due_on__range=(today, horizon))
        .order_by("due_on")
    )


def unconfirmed_requests(user: Any, unit: Any) -> QuerySet[Case]:
    ids = own_unit_ids(user, unit, HANDLE)
    if not ids:
        return Case.objects.none()
    return (
        _open_requests(user)
        .filter(handling_unit_id__in=ids, status=CaseStatus.SUBMITTED)
        .order_by("created_at")
    )


def overdue_requests_for(user: Any, unit: Any) -> QuerySet[Case]:
    """Escalated requests of the supervisor's units and of the units directly under them."""
    ids = own_unit_ids(user, unit, APPROVE)
    if not ids:
        return Case.objects.none()
    scope = Q(handling_unit_id__in=ids)
    for path, depth in Organization.objects.filter(pk__in=ids).values_list("path", "depth"):
        scope |= Q(handling_unit__path__startswith=path, handling_unit__depth=depth + 1)
    return _open_requests(user).filter(scope, escalated_at__isnull=False).order_by("due_on", "pk")


def _todo(case: Case) -> Todo:
    return Todo(
        title=f"{case.number} {case.subject[:40]}",
        url=reverse("portal:disclosure_detail", args=[case.pk]),
        due=case.due_on,
        detail=case.handling_unit.name,
        is_overdue=bool(case.due_on and case.due_on < timezone.localdate()),
    )


class _CaseTodos(TodoProvider):
    def query(self, user: Any, unit: Any) -> QuerySet[Case]:
        raise NotImplementedError

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        if limit < 1:
            return []
        return [_todo(case) for case in self.query(user, unit)[:limit]]

    def count(self, user: Any, unit: Any) -> int:
        return self.query(user, unit).count()


@register_todo_provider
class DisclosureToConfirm(_CaseTodos):
    key = "portal.disclosure_unconfirmed"
    title = _("Disclosure requests to confirm receipt of")

    def query(self, user: Any, unit: Any) -> QuerySet[Case]:
        return unconfirmed_requests(user, unit)


@register_todo_provider
class DisclosureDueSoon(_CaseTodos):
    key = "portal.disclosure_due_soon"
    title = _("Disclosure requests due within 3 working days")

    def query(self, user: Any, unit: Any) -> QuerySet[Case]:
        return due_soon_requests(user, unit)


@register_todo_provider
class DisclosureOverdue(_CaseTodos):
    key = "portal.disclosure_overdue"
    title = _("Overdue disclosure requests")

    def query(self, user: Any, unit: Any) -> QuerySet[Case]:
        return overdue_requests_for(user, unit)
