"""To-do provider: transfer steps awaiting a decision (see todo_providers.py).

A step is the user's to-do when its deciding unit is the unit they are working for now
(and they may decide there), or a unit on which they hold a grant to decide transfers
directly. Units merely *below* a grant are not included: a prefecture bureau's staff
are not asked to decide for every school of the prefecture.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edugov.core.permissions.scopes import own_unit_ids
from edugov.core.todos import Todo, TodoProvider, register_todo_provider
from edugov.registry.choices import StepStatus, TransferStatus
from edugov.registry.models import TransferStep

APPROVE = "registry.transfer.approve"


def deciding_unit_ids(user: Any, unit: Any) -> set[int]:
    """The units whose transfer decisions are this user's to take."""
    return own_unit_ids(user, unit, APPROVE)


def awaiting_steps(user: Any, unit: Any) -> QuerySet[TransferStep]:
    """Open steps awaiting a decision by the user's unit(s), earliest deadline first."""
    ids = deciding_unit_ids(user, unit)
    if not ids:
        return TransferStep.objects.none()
    return (
        TransferStep.objects.filter(
            organization_id__in=ids,
            status=StepStatus.PENDING,
            transfer__status=TransferStatus.PENDING,
        )
        .select_related("organization", "transfer__student", "transfer__from_school", "transfer__to_school")
        .order_by("due_on", "pk")
    )


def transfer_badge(request: Any) -> int:
    """The navigation badge: steps awaiting a decision by the user's unit(s)."""
    return awaiting_steps(request.user, getattr(request, "current_unit", None)).count()


@register_todo_provider
class TransferDecisionTodos(TodoProvider):
    key = "registry.transfers"
    title = _("Transfers to decide")

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        if limit < 1:
            return []
        today = timezone.localdate()
        todos = []
        for step in awaiting_steps(user, unit)[:limit]:
            transfer = step.transfer
            todos.append(
                Todo(
                    title=gettext("Transfer of %(name)s: %(from)s → %(to)s (%(step)s)")
                    % {
                        "name": transfer.student.name,
                        "from": transfer.from_school.name,
                        "to": transfer.to_school.name,
                        "step": step.get_kind_display(),
                    },
                    url=reverse("registry:transfer_detail", args=[transfer.pk]),
                    due=step.due_on,
                    detail=step.organization.name,
                    is_overdue=bool(step.due_on and step.due_on < today),
                )
            )
        return todos

    def count(self, user: Any, unit: Any) -> int:
        return awaiting_steps(user, unit).count()
