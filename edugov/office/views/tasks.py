"""The office workspace: 待办 (my open tasks), 已办 (what I did), documents I follow.

The to-do list is one indexed join (TaskCandidate(user, is_open) → WorkTask) and pages of
50, so it stays fast for a clerk with thousands of open items (``todo_list_p95_ms``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from edugov.office.access import access_task
from edugov.office.choices import TaskStatus
from edugov.office.models import Document, FollowedDocument, WorkTask
from edugov.office.todo_providers import open_tasks_for

PAGE_SIZE = 50


class CountlessPaginator(Paginator):
    """Pages without ``COUNT(*)`` over the whole list: the count comes from the caller."""

    def __init__(self, object_list, per_page, count: int) -> None:  # noqa: ANN001
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = open_tasks_for(user)
    kind = request.GET.get("kind", "")
    if kind == "overdue":
        qs = qs.filter(due_at__lt=timezone.now())
    elif kind == "reminded":
        qs = qs.filter(reminded_at__isnull=False)
    qs = qs.select_related("document", "organization").order_by("due_at", "-created_at", "-id")
    total = qs.count()
    page = CountlessPaginator(qs, PAGE_SIZE, total).get_page(request.GET.get("page"))
    return render(
        request,
        "office/tasks/list.html",
        {"page": page, "total": total, "kind": kind, "now": timezone.now(), "tab": "todo"},
    )


@login_required
def done_list(request: HttpRequest) -> HttpResponse:
    qs = (
        WorkTask.objects.filter(completed_by=request.user, status=TaskStatus.DONE)
        .select_related("document", "organization")
        .order_by("-completed_at", "-id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "office/tasks/done.html", {"page": page, "tab": "done"})


@login_required
def followed_list(request: HttpRequest) -> HttpResponse:
    followed = FollowedDocument.objects.filter(user=request.user).values("document_id")
    qs = (
        Document.objects.restrict(request.user, "view")
        .filter(pk__in=followed)
        .select_related("organization")
        .order_by("-updated_at")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "office/tasks/followed.html", {"page": page, "tab": "followed"})


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id)
    if task.document_id:
        return redirect(reverse("office:document_detail", args=[task.document_id]) + f"#task-{task.pk}")
    if task.process.subject_ref.startswith("office.approvalrequest:"):
        return redirect("office:approval_detail", int(task.process.subject_ref.split(":", 1)[1]))
    return render(request, "office/tasks/detail.html", {"task": task})
