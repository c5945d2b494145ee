"""The only way views fetch documents and tasks by id for a user.

"Missing" and "not allowed" raise the same Http404, so an id outside the caller's reach
reveals nothing. A document is reachable through a grant on its unit or because it was
routed to the user (a step or a circulation); see ``DocumentQuerySet.restrict``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from edugov.office.models import Document, NumberSeries, WorkTask


def access_document(user: Any, document_id: Any, *, action: str = "view") -> Document:
    try:
        return (
            Document.objects.restrict(user, action)
            .select_related("organization", "current_body", "series", "process", "sender_unit", "created_by")
            .get(pk=int(document_id))
        )
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Document not found.")) from None


def access_task(user: Any, task_id: Any) -> WorkTask:
    """A task the user may act on now or could see through its document."""
    try:
        task = WorkTask.objects.select_related("document", "process", "organization", "assignee").get(
            pk=int(task_id)  # scoped: checked against candidates or the document's scope below
        )
    except (WorkTask.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Task not found.")) from None
    if task.candidates.filter(user=user).exists() or task.completed_by_id == getattr(user, "pk", None):
        return task
    if task.document_id and Document.objects.restrict(user, "view").filter(pk=task.document_id).exists():
        return task
    raise Http404(_("Task not found."))


def access_series(user: Any, series_id: Any, *, action: str = "view") -> NumberSeries:
    try:
        return (
            NumberSeries.objects.restrict(user, action).select_related("organization").get(pk=int(series_id))
        )
    except (NumberSeries.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Number series not found.")) from None
