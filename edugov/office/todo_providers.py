"""To-do providers of the office: the open tasks of the processes (待办)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from edugov.core.todos import Todo, TodoProvider, register_todo_provider
from edugov.office.models import WorkTask


def open_tasks_for(user: Any):  # noqa: ANN201 - a WorkTask queryset
    """Open tasks the user may act on (as assignee, lane member or delegate)."""
    return WorkTask.objects.open_for(user)


def office_task_badge(request: HttpRequest) -> int:
    return open_tasks_for(request.user).count()


@register_todo_provider
class OfficeTasks(TodoProvider):
    key = "office.tasks"
    title = gettext_lazy("Office tasks 待办")

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        tasks = open_tasks_for(user).select_related("document").order_by("due_at", "-created_at")[:limit]
        return [
            Todo(
                title=f"{task.title}：{task.document.title}" if task.document else task.title,
                url=reverse("office:task_detail", args=[task.pk]),
                due=task.due_at.date() if task.due_at else None,
            )
            for task in tasks
        ]

    def count(self, user: Any, unit: Any) -> int:
        return open_tasks_for(user).count()
