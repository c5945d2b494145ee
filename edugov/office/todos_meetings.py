"""To-do providers of meetings and duty rosters (imported from OfficeConfig.ready)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from edugov.core.todos import Todo, TodoProvider, register_todo_provider
from edugov.office.models.meetings import AttendeeResponse, MeetingAttendee, MeetingStatus
from edugov.office.models.rosters import DutySlot, DutySwap, SwapStatus


def meetings_to_answer(user: Any) -> Any:  # noqa: ANN401 - a MeetingAttendee queryset
    """Invitations the user has not answered, for meetings still to come."""
    return MeetingAttendee.objects.filter(
        user=user,
        response=AttendeeResponse.PENDING,
        meeting__status=MeetingStatus.SCHEDULED,
        meeting__ends_at__gt=timezone.now(),
    )


@register_todo_provider
class MeetingsToAnswer(TodoProvider):
    key = "office.meetings"
    title = gettext_lazy("Meetings: confirm attendance")

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        rows = meetings_to_answer(user).select_related("meeting").order_by("meeting__starts_at")[:limit]
        result = []
        for row in rows:
            start = timezone.localtime(row.meeting.starts_at)
            detail = gettext("Starts %(when)s") % {"when": start.strftime("%Y-%m-%d %H:%M")}
            if row.reminder_count:
                detail += " · " + gettext("reminded %(n)s times") % {"n": row.reminder_count}
            result.append(
                Todo(
                    title=gettext("Confirm attendance: %(title)s") % {"title": row.meeting.title},
                    url=reverse("office:meeting_respond", args=[row.meeting_id]),
                    due=start.date(),
                    detail=detail,
                )
            )
        return result

    def count(self, user: Any, unit: Any) -> int:
        return meetings_to_answer(user).count()


def swaps_to_approve(user: Any) -> Any:  # noqa: ANN401 - a DutySwap queryset
    return (
        DutySwap.objects.restrict(user, "approve")
        .filter(status=SwapStatus.PENDING, slot_from__date__gte=timezone.localdate())
        .exclude(requested_by=user)
    )


@register_todo_provider
class SwapsToApprove(TodoProvider):
    key = "office.duty_swaps"
    title = gettext_lazy("Duty swaps to approve")

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        rows = (
            swaps_to_approve(user)
            .select_related("slot_from", "slot_from__roster", "requested_by")
            .order_by("slot_from__date", "pk")[:limit]
        )
        return [
            Todo(
                title=gettext("Duty swap asked by %(name)s: %(roster)s")
                % {"name": row.requested_by.get_full_name(), "roster": row.slot_from.roster.title},
                url=reverse("office:swap_list"),
                due=row.slot_from.date,
                detail=row.reason,
            )
            for row in rows
        ]

    def count(self, user: Any, unit: Any) -> int:
        return swaps_to_approve(user).count()


def my_duties_tomorrow(user: Any) -> Any:  # noqa: ANN401 - a DutySlot queryset
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return DutySlot.objects.filter(person=user, date=tomorrow, roster__published_at__isnull=False)


@register_todo_provider
class DutyTomorrow(TodoProvider):
    key = "office.duty_tomorrow"
    title = gettext_lazy("My duty tomorrow")

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        rows = my_duties_tomorrow(user).select_related("roster").order_by("shift", "pk")[:limit]
        return [
            Todo(
                title=gettext("On duty tomorrow: %(roster)s (%(shift)s)")
                % {"roster": row.roster.title, "shift": row.get_shift_display()},
                url=reverse("office:roster_detail", args=[row.roster_id]),
                due=row.date,
                detail=gettext("Leader on duty 带班领导") if row.is_leader else "",
            )
            for row in rows
        ]

    def count(self, user: Any, unit: Any) -> int:
        return my_duties_tomorrow(user).count()
