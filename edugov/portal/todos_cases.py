"""To-dos and the navigation item of citizens' cases (PUB-8; BEYOND A.5, B.2).

As elsewhere (office supervision, registry transfers), "the user's units" are the units of
their grants themselves plus the unit they are working for now, not every unit below a
grant: a province supervisor is not handed every school's letters. The case inbox, with
its filters, shows everything in scope.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edugov.core.models import Organization
from edugov.core.navigation import register_nav_item
from edugov.core.permissions.scopes import own_unit_ids
from edugov.core.todos import Todo, TodoProvider, register_todo_provider
from edugov.portal.actions.case_handling import EVENT_REQUESTER_UPDATE
from edugov.portal.choices import OPEN_CASE_STATUSES, CaseStatus
from edugov.portal.models import Case, CaseEvent, FollowUp, RatingAppeal, Rectification
from edugov.portal.models.ratings import AppealStatus, RectificationStatus

register_nav_item(
    "workspace",
    _("Citizens' letters and requests"),
    "portal:case_inbox",
    permission="portal.case.view",
    order=40,
)


def _case_todo(case: Case, title: str, *, due: Any = None) -> Todo:
    today = timezone.localdate()
    return Todo(
        title=title,
        url=reverse("portal:case_detail", args=[case.pk]),
        due=due if due is not None else case.due_on,
        detail=f"{case.get_kind_display()} · {case.handling_unit.name}",
        is_overdue=bool((due or case.due_on) and (due or case.due_on) < today),
    )


class _CaseProvider(TodoProvider):
    permission = "portal.case.handle"

    def queryset(self, user: Any, unit: Any) -> QuerySet[Case]:
        raise NotImplementedError

    def label(self, case: Case) -> str:
        return case.number

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        rows = self.queryset(user, unit).select_related("handling_unit").order_by("due_on", "pk")[:limit]
        return [_case_todo(case, self.label(case)) for case in rows]

    def count(self, user: Any, unit: Any) -> int:
        return self.queryset(user, unit).count()

    def _cases(self, user: Any, unit: Any) -> QuerySet[Case]:
        ids = own_unit_ids(user, unit, self.permission)
        if not ids:
            return Case.objects.none()
        return Case.objects.filter(handling_unit_id__in=ids)


@register_todo_provider
class CasesToAccept(_CaseProvider):
    key = "portal.cases_to_accept"
    title = _("New letters and requests to accept")

    def queryset(self, user: Any, unit: Any) -> QuerySet[Case]:
        return self._cases(user, unit).filter(status=CaseStatus.SUBMITTED)

    def label(self, case: Case) -> str:
        return gettext("Accept %(number)s") % {"number": case.number}


@register_todo_provider
class CasesOverdue(_CaseProvider):
    key = "portal.cases_overdue"
    title = _("Overdue letters and requests")

    def queryset(self, user: Any, unit: Any) -> QuerySet[Case]:
        return self._cases(user, unit).filter(status__in=OPEN_CASE_STATUSES, due_on__lt=timezone.localdate())

    def label(self, case: Case) -> str:
        return gettext("%(number)s is overdue") % {"number": case.number}


@register_todo_provider
class CasesReopened(_CaseProvider):
    key = "portal.cases_reopened"
    title = _("Cases reopened by the requester")

    def queryset(self, user: Any, unit: Any) -> QuerySet[Case]:
        return self._cases(user, unit).filter(status=CaseStatus.REOPENED)

    def label(self, case: Case) -> str:
        return gettext("Answer %(number)s again (reopened)") % {"number": case.number}


@register_todo_provider
class CasesWithRequesterUpdates(_CaseProvider):
    """What the requester added (also after closing) and no one has acted on since."""

    key = "portal.cases_requester_updates"
    title = _("New information from requesters")

    def queryset(self, user: Any, unit: Any) -> QuerySet[Case]:
        last_update = (
            CaseEvent.objects.filter(case=OuterRef("pk"), kind=EVENT_REQUESTER_UPDATE)
            .order_by("-at")
            .values("at")[:1]
        )
        cases = self._cases(user, unit).annotate(
            last_update=last_update,
            last_staff=Max(
                "events__at", filter=Q(events__actor__isnull=False) & ~Q(events__kind=EVENT_REQUESTER_UPDATE)
            ),
        )
        return cases.filter(last_update__isnull=False).filter(
            Q(last_staff__isnull=True) | Q(last_staff__lt=F("last_update"))
        )

    def label(self, case: Case) -> str:
        return gettext("Read the requester's message on %(number)s") % {"number": case.number}


@register_todo_provider
class OpenRectifications(TodoProvider):
    """整改 after a bad rating, for those who approve cases of the rated unit; and the 回访."""

    key = "portal.rectifications"
    title = _("Rectifications after bad ratings 差评整改")

    def queryset(self, user: Any, unit: Any) -> QuerySet[Rectification]:
        ids = own_unit_ids(user, unit, "portal.case.approve")
        if not ids:
            return Rectification.objects.none()
        followed = FollowUp.objects.filter(rectification=OuterRef("pk"))
        return (
            Rectification.objects.filter(unit_id__in=ids)
            .annotate(followed=Exists(followed))
            .filter(
                Q(status=RectificationStatus.OPEN)
                | (Q(status=RectificationStatus.DONE, followed=False) & ~Q(case__status=CaseStatus.CLOSED))
            )
            .select_related("case", "case__handling_unit")
        )

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        result = []
        for rect in self.queryset(user, unit).order_by("due_on", "pk")[:limit]:
            if rect.status == RectificationStatus.OPEN:
                title = gettext("Rectify %(number)s (bad rating)") % {"number": rect.case.number}
            else:
                title = gettext("Record the follow-up call 回访 on %(number)s") % {"number": rect.case.number}
            result.append(_case_todo(rect.case, title, due=rect.due_on))
        return result

    def count(self, user: Any, unit: Any) -> int:
        return self.queryset(user, unit).count()


@register_todo_provider
class RatingAppealsToDecide(TodoProvider):
    key = "portal.rating_appeals"
    title = _("Appeals against ratings to review 申诉复核")

    def queryset(self, user: Any, unit: Any) -> QuerySet[RatingAppeal]:
        ids = own_unit_ids(user, unit, "portal.case.approve")
        if not ids:
            return RatingAppeal.objects.none()
        # Children of the user's units (the parent decides); a root unit decides its own.
        paths = list(Organization.objects.filter(pk__in=ids).values_list("path", "depth"))
        q = Q()
        for path, depth in paths:
            q |= Q(rating__unit__path__startswith=path, rating__unit__depth=depth + 1)
        q |= Q(rating__unit_id__in=ids, rating__unit__depth=1)
        return (
            RatingAppeal.objects.filter(q, status=AppealStatus.PENDING)
            .exclude(filed_by=user)
            .select_related("rating__case", "rating__case__handling_unit")
        )

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        return [
            _case_todo(
                appeal.rating.case,
                gettext("Review the appeal on %(number)s") % {"number": appeal.rating.case.number},
                due=None,
            )
            for appeal in self.queryset(user, unit).order_by("filed_at")[:limit]
        ]

    def count(self, user: Any, unit: Any) -> int:
        return self.queryset(user, unit).count()
