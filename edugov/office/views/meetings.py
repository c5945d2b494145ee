"""Meeting pages (IN-6): lists, calling a meeting, answering, minutes, rooms and their week."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edugov.core.access import units_with_permission
from edugov.core.permissions.scopes import has_permission
from edugov.office.access_meetings import (
    access_decision,
    access_meeting,
    access_room,
    may_run_meeting,
    visible_rooms,
)
from edugov.office.actions.meetings import (
    RoomClash,
    attendance_counts,
    do_add_decision,
    do_approve_minutes,
    do_call_meeting,
    do_cancel_meeting,
    do_check_in_attendee,
    do_create_room,
    do_record_minutes,
    do_remind_attendees,
    do_respond_to_meeting,
    do_supervise_decision,
    supervision_available,
)
from edugov.office.errors import OfficeError
from edugov.office.forms.meetings import (
    DecisionForm,
    MeetingForm,
    MinutesForm,
    ReasonForm,
    RespondForm,
    RoomForm,
    meeting_units,
)
from edugov.office.models.meetings import (
    AttendeeResponse,
    Meeting,
    MeetingAttendee,
    MeetingMinutes,
    MeetingStatus,
)
from edugov.office.views.common import flash_result, form_result

PAGE_SIZE = 30


def _try(form: Any, write: Any, *, clash_field: str | None = None) -> Any:
    """Run an action; put its refusal on the form (next to ``clash_field`` for a room clash)."""
    return form_result(
        form, write, field_for=lambda error: clash_field if isinstance(error, RoomClash) else None
    )


_flash = flash_result


def _has_meetings_at_all(user: Any) -> bool:
    return has_permission(user, "office.meeting.view") or MeetingAttendee.objects.filter(user=user).exists()


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _has_meetings_at_all(user):
        raise Http404(_("Meeting not found."))
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    mine = request.GET.get("mine") == "1"
    now = timezone.now()
    qs = Meeting.objects.visible_to(user)
    if mine:
        qs = qs.filter(
            Q(called_by=user) | Q(pk__in=MeetingAttendee.objects.filter(user=user).values("meeting_id"))
        )
    qs = (
        qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        if when == "past"
        else qs.filter(ends_at__gte=now).order_by("starts_at", "pk")
    )
    qs = qs.select_related("organization", "room").annotate(
        n_accepted=Count("attendees", filter=Q(attendees__response=AttendeeResponse.ACCEPTED)),
        n_declined=Count("attendees", filter=Q(attendees__response=AttendeeResponse.DECLINED)),
        n_pending=Count("attendees", filter=Q(attendees__response=AttendeeResponse.PENDING)),
        n_attendees=Count("attendees"),
        my_response=Subquery(
            MeetingAttendee.objects.filter(meeting=OuterRef("pk"), user=user).values("response")[:1]
        ),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "office/meetings/list.html",
        {
            "page": page,
            "when": when,
            "mine": mine,
            "can_add": has_permission(user, "office.meeting.add"),
            "responses": AttendeeResponse,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    units = meeting_units(user)
    if not units.exists():
        raise Http404(_("Meeting not found."))
    initial: dict[str, Any] = {}
    if request.method == "GET":
        room = request.GET.get("room")
        if room:
            initial["room"] = access_room(user, room)
        start = parse_date(request.GET.get("date") or "")
        if start:
            initial["starts_at"] = dt.datetime.combine(start, dt.time(9, 0))
            initial["ends_at"] = dt.datetime.combine(start, dt.time(10, 0))
    form = MeetingForm(
        request.POST or None, initial=initial, user=user, units=units, rooms=visible_rooms(user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = _try(
            form,
            lambda: do_call_meeting(
                organization=data["organization"],
                title=data["title"],
                kind=data["kind"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                room=data["room"],
                place=data["place"],
                remote_url=data["remote_url"],
                remote_meeting_id=data["remote_meeting_id"],
                remote_passcode=data["remote_passcode"],
                notes=data["notes"],
                agenda=data["agenda"],
                attendees=list(data["attendees"]),
                optional_attendees=list(data["optional_attendees"]),
                acting_user=user,
            ),
            clash_field="room",
        )
        if meeting is not None:
            messages.success(request, _("Meeting called; the attendees have been asked to confirm."))
            return redirect("office:meeting_detail", pk=meeting.pk)
    return render(request, "office/meetings/form.html", {"form": form})


def _minutes_of(meeting: Meeting) -> MeetingMinutes | None:
    return MeetingMinutes.objects.filter(meeting=meeting).select_related("recorded_by", "approved_by").first()


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    attendees = list(
        meeting.attendees.select_related("user", "unit", "delegate", "delegated_from__user").order_by(
            "role", "unit__path", "pk"
        )
    )
    mine = next((a for a in attendees if a.user_id == request.user.pk), None)
    minutes = _minutes_of(meeting)
    decisions = list(minutes.decisions.select_related("owner_unit")) if minutes else []
    runner = may_run_meeting(request.user, meeting)
    return render(
        request,
        "office/meetings/detail.html",
        {
            "meeting": meeting,
            "agenda": list(meeting.agenda_items.all()),
            "attendees": attendees,
            "counts": attendance_counts(meeting),
            "mine": mine,
            "minutes": minutes,
            "decisions": decisions,
            "runner": runner,
            "is_open": meeting.status == MeetingStatus.SCHEDULED and meeting.ends_at > timezone.now(),
            "has_started": meeting.starts_at <= timezone.now(),
            "cancel_form": ReasonForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_respond(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    attendee = (
        MeetingAttendee.objects.filter(meeting=meeting, user=request.user).select_related("unit").first()
    )
    if attendee is None:
        raise Http404(_("Meeting not found."))
    initial = {"response": attendee.response} if attendee.response != AttendeeResponse.PENDING else {}
    form = RespondForm(request.POST or None, attendee=attendee, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _try(
            form,
            lambda: do_respond_to_meeting(
                meeting,
                response=data["response"],
                reason=data["reason"],
                delegate=data["delegate"],
                acting_user=request.user,
            ),
        )
        if done is not None:
            messages.success(request, _("Your answer has been sent to the caller."))
            return redirect("office:meeting_detail", pk=meeting.pk)
    return render(
        request, "office/meetings/respond.html", {"meeting": meeting, "attendee": attendee, "form": form}
    )


def _runner_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = access_meeting(request.user, pk)
    if not may_run_meeting(request.user, meeting):
        raise Http404(_("Meeting not found."))
    return meeting


@login_required
@require_POST
def meeting_remind(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _runner_meeting(request, pk)
    try:
        count = do_remind_attendees(meeting, acting_user=request.user)
    except (OfficeError, PermissionDenied) as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(n)s attendees reminded.") % {"n": count})
    return redirect("office:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _runner_meeting(request, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _flash(
        request,
        lambda: do_cancel_meeting(meeting, reason=reason, acting_user=request.user),
        _("Meeting cancelled."),
    )
    return redirect("office:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_check_in(request: HttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    attendee = meeting.attendees.filter(pk=attendee_pk).select_related("meeting").first()
    if attendee is None or (
        attendee.user_id != request.user.pk and not may_run_meeting(request.user, meeting)
    ):
        raise Http404(_("Meeting not found."))
    _flash(request, lambda: do_check_in_attendee(attendee, acting_user=request.user), _("Checked in."))
    return redirect("office:meeting_detail", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _runner_meeting(request, pk)
    minutes = _minutes_of(meeting)
    minutes_form = MinutesForm(initial={"text": minutes.text} if minutes else None)
    decision_form = DecisionForm(user=request.user, meeting=meeting)
    if request.method == "POST":
        if request.POST.get("part") == "decision":
            decision_form = DecisionForm(request.POST, user=request.user, meeting=meeting)
            if minutes is None:
                decision_form.add_error(None, _("Record the minutes first."))
            elif decision_form.is_valid():
                data = decision_form.cleaned_data
                done = _try(
                    decision_form,
                    lambda: do_add_decision(
                        minutes,
                        text=data["text"],
                        owner_unit=data["owner_unit"],
                        due_on=data["due_on"],
                        acting_user=request.user,
                    ),
                )
                if done is not None:
                    messages.success(request, _("Decision added."))
                    return redirect("office:meeting_minutes", pk=meeting.pk)
        else:
            minutes_form = MinutesForm(request.POST)
            if minutes_form.is_valid():
                done = _try(
                    minutes_form,
                    lambda: do_record_minutes(
                        meeting, text=minutes_form.cleaned_data["text"], acting_user=request.user
                    ),
                )
                if done is not None:
                    messages.success(request, _("Minutes saved."))
                    return redirect("office:meeting_minutes", pk=meeting.pk)
    return render(
        request,
        "office/meetings/minutes.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "decisions": list(minutes.decisions.select_related("owner_unit")) if minutes else [],
            "minutes_form": minutes_form,
            "decision_form": decision_form,
            "has_started": meeting.starts_at <= timezone.now(),
            "can_approve": minutes is not None
            and minutes.approved_at is None
            and (
                meeting.called_by_id == request.user.pk
                or has_permission(request.user, "office.meeting.manage", meeting.organization)
            ),
            "can_supervise": supervision_available(),
        },
    )


@login_required
@require_POST
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _runner_meeting(request, pk)
    minutes = _minutes_of(meeting)
    if minutes is None:
        raise Http404(_("Meeting not found."))
    _flash(request, lambda: do_approve_minutes(minutes, acting_user=request.user), _("Minutes approved."))
    return redirect("office:meeting_minutes", pk=meeting.pk)


@login_required
@require_POST
def decision_supervise(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access_decision(request.user, pk)
    meeting = _runner_meeting(request, decision.minutes.meeting_id)
    _flash(
        request,
        lambda: do_supervise_decision(decision, acting_user=request.user),
        _("The decision is now a supervision item 督办."),
    )
    return redirect("office:meeting_minutes", pk=meeting.pk)


# --- Rooms ---------------------------------------------------------------------------------


@login_required
@require_GET
def room_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (has_permission(user, "office.meeting.view") or has_permission(user, "office.meeting.add")):
        raise Http404(_("Meeting room not found."))
    rooms = (
        visible_rooms(user)
        .select_related("organization")
        .order_by("-is_active", "organization__path", "name")
    )
    return render(
        request,
        "office/meetings/room_list.html",
        {
            "rooms": rooms,
            "can_manage": has_permission(user, "office.meeting.manage"),
            "can_book": has_permission(user, "office.meeting.add"),
        },
    )


def _week_start(value: str | None) -> dt.date:
    day = parse_date(value or "") if value else None
    day = day or timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


@login_required
@require_GET
def room_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    room = access_room(request.user, pk)
    try:
        monday = _week_start(request.GET.get("week"))
    except ValueError:
        monday = _week_start(None)
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=7)
    bookings = list(
        Meeting.objects.filter(room=room, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("organization")
        .order_by("starts_at", "pk")
    )
    visible = set(
        Meeting.objects.visible_to(request.user)
        .filter(pk__in=[b.pk for b in bookings])
        .values_list("pk", flat=True)
    )
    columns = []
    for day in days:
        day_start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        day_end = day_start + dt.timedelta(days=1)
        items = [
            {
                "meeting": b,
                "visible": b.pk in visible,
                "starts": max(timezone.localtime(b.starts_at), day_start),
                "ends": min(timezone.localtime(b.ends_at), day_end),
            }
            for b in bookings
            if b.starts_at < day_end and b.ends_at > day_start
        ]
        columns.append({"date": day, "items": items, "is_today": day == timezone.localdate()})
    return render(
        request,
        "office/meetings/room_schedule.html",
        {
            "room": room,
            "columns": columns,
            "monday": monday,
            "previous": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "can_book": room.is_active and has_permission(request.user, "office.meeting.add"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_new(request: HttpRequest) -> HttpResponse:
    units = units_with_permission(request.user, "office.meeting.manage").order_by("path")
    if not units.exists():
        raise Http404(_("Meeting room not found."))
    form = RoomForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        room = _try(
            form,
            lambda: do_create_room(
                organization=data["organization"],
                name=data["name"],
                location=data["location"],
                capacity=data["capacity"],
                equipment=data["equipment"],
                has_video=data["has_video"],
                acting_user=request.user,
            ),
        )
        if room is not None:
            messages.success(request, _("Room %(name)s added.") % {"name": room.name})
            return redirect("office:room_schedule", pk=room.pk)
    return render(request, "office/meetings/room_form.html", {"form": form})
