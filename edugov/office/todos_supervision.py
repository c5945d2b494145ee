"""To-do providers of supervision (IN-3): reminders for the owners, escalations for the supervisors.

An item is the owners' to-do once the daily job has reminded them (due within the amber
horizon, or overdue) and until it is closed or given a new deadline. It is the
supervising unit's to-do while it is escalated. As with transfers, "the user's units"
are the units of their grants themselves and the unit they are working for now, not
every unit below a grant: a province leader is not handed every county's items.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edugov.core.choices import OrganizationKind
from edugov.core.models import Organization
from edugov.core.permissions.scopes import own_unit_ids
from edugov.core.todos import Todo, TodoProvider, register_todo_provider
from edugov.office.access_supervision import MANAGE, REPORT
from edugov.office.models import SupervisionItem, SupervisionStatus


def reminded_items(user: Any, unit: Any) -> QuerySet[SupervisionItem]:
    """Open items the daily job reminded the user's lead or co-owner units of."""
    ids = own_unit_ids(user, unit, REPORT)
    if not ids:
        return SupervisionItem.objects.none()
    mine = SupervisionItem.objects.filter(Q(owner_unit_id__in=ids) | Q(co_units__in=ids)).values("pk")
    return (
        SupervisionItem.objects.filter(status=SupervisionStatus.OPEN, reminded_on__isnull=False, pk__in=mine)
        .select_related("owner_unit")
        .order_by("due_on", "pk")
    )


def escalated_items(user: Any, unit: Any) -> QuerySet[SupervisionItem]:
    """Open escalated items for the leaders of the supervising unit.

    Those who manage items on the supervising unit itself, and the leaders of the bureau
    whose department (e.g. the office's 督查室) supervises: a grant on the bureau covers the
    departments directly under it.
    """
    ids = own_unit_ids(user, unit, MANAGE)
    if not ids:
        return SupervisionItem.objects.none()
    scope = Q(organization_id__in=ids)
    for path in Organization.objects.filter(pk__in=ids).values_list("path", flat=True):
        scope |= Q(
            organization__path__startswith=path,
            organization__depth=len(path) // Organization.steplen + 1,
            organization__kind=OrganizationKind.DEPARTMENT,
        )
    return (
        SupervisionItem.objects.filter(scope, status=SupervisionStatus.OPEN, escalation_level__gt=0)
        .select_related("owner_unit")
        .order_by("due_on", "pk")
    )


def _todo(item: SupervisionItem, detail: str) -> Todo:
    return Todo(
        title=item.title,
        url=reverse("office:supervision_detail", args=[item.pk]),
        due=item.due_on,
        detail=detail,
        is_overdue=item.due_on < timezone.localdate(),
    )


@register_todo_provider
class SupervisionReminders(TodoProvider):
    key = "office.supervision_reminders"
    title = _("Supervision items due 督办提醒")

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        if limit < 1:
            return []
        return [_todo(item, item.owner_unit.name) for item in reminded_items(user, unit)[:limit]]

    def count(self, user: Any, unit: Any) -> int:
        return reminded_items(user, unit).count()


@register_todo_provider
class SupervisionEscalations(TodoProvider):
    key = "office.supervision_escalations"
    title = _("Escalated supervision items 督办升级")

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        if limit < 1:
            return []
        return [
            _todo(
                item,
                gettext("%(unit)s · level %(level)s")
                % {"unit": item.owner_unit.name, "level": item.escalation_level},
            )
            for item in escalated_items(user, unit)[:limit]
        ]

    def count(self, user: Any, unit: Any) -> int:
        return escalated_items(user, unit).count()
