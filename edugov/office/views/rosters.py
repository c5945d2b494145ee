"""Duty roster pages (IN-7): rosters, holiday rosters, swaps, duty logs and the duty phone list."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edugov.core.access import units_with_permission
from edugov.core.permissions.scopes import has_permission
from edugov.office.access_meetings import access_roster, access_slot, access_swap, visible_rosters
from edugov.office.actions.rosters import (
    do_add_slot,
    do_build_holiday_roster,
    do_build_roster,
    do_decide_swap,
    do_publish_roster,
    do_remove_slot,
    do_request_swap,
    do_write_duty_log,
    duty_phone_slots,
)
from edugov.office.forms.rosters import (
    DutyLogForm,
    HolidayRosterForm,
    RosterForm,
    SlotForm,
    SwapDecisionForm,
    SwapForm,
)
from edugov.office.models.rosters import DutyLog, DutySlot, DutySwap, SwapStatus
from edugov.office.views.common import flash_result, form_result

PAGE_SIZE = 30


def _not_found() -> Http404:
    return Http404(_("Duty roster not found."))


_try = form_result
_flash = flash_result


def _on_any_roster(user: Any) -> bool:
    return DutySlot.objects.filter(person=user, roster__published_at__isnull=False).exists()


def _change_units(user: Any) -> Any:
    units = units_with_permission(user, "office.roster.change").order_by("path")
    if not units.exists():
        raise _not_found()
    return units


@login_required
@require_GET
def roster_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_change = has_permission(user, "office.roster.change")
    if not (has_permission(user, "office.roster.view") or can_change or _on_any_roster(user)):
        raise _not_found()
    when = "past" if request.GET.get("when") == "past" else "current"
    today = timezone.localdate()
    qs = visible_rosters(user)
    qs = (
        qs.filter(ends_on__lt=today).order_by("-ends_on", "-pk")
        if when == "past"
        else qs.filter(ends_on__gte=today).order_by("starts_on", "pk")
    )
    qs = qs.select_related("organization").annotate(
        n_slots=Count("slots"), n_mine=Count("slots", filter=Q(slots__person=user))
    )
    return render(
        request,
        "office/rosters/list.html",
        {
            "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
            "when": when,
            "can_change": can_change,
            "can_approve": has_permission(user, "office.roster.approve"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def roster_new(request: HttpRequest) -> HttpResponse:
    units = _change_units(request.user)
    form = RosterForm(request.POST or None, user=request.user, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        roster = _try(
            form,
            lambda: do_build_roster(
                organization=data["organization"],
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                people=list(data["people"]),
                leaders=list(data["leaders"]),
                days=data["days"],
                shift=data["shift"],
                duty_phone=data["duty_phone"],
                shift_times=form.shift_times(),
                acting_user=request.user,
            ),
        )
        if roster is not None:
            messages.success(request, _("Roster drafted: check it, then publish it."))
            return redirect("office:roster_detail", pk=roster.pk)
    return render(request, "office/rosters/form.html", {"form": form, "holiday": False})


@login_required
@require_http_methods(["GET", "POST"])
def roster_holiday_new(request: HttpRequest) -> HttpResponse:
    units = _change_units(request.user)
    form = HolidayRosterForm(request.POST or None, user=request.user, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        roster = _try(
            form,
            lambda: do_build_holiday_roster(
                organization=data["organization"],
                year=data["year"],
                holiday_name_or_range=data["holiday_name_or_range"],
                people=list(data["people"]),
                leaders=list(data["leaders"]),
                title=data["title"],
                duty_phone=data["duty_phone"],
                acting_user=request.user,
            ),
        )
        if roster is not None:
            messages.success(
                request, _("Holiday roster drafted from the work calendar: check it, then publish it.")
            )
            return redirect("office:roster_detail", pk=roster.pk)
    return render(request, "office/rosters/form.html", {"form": form, "holiday": True})


@login_required
@require_GET
def roster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    roster = access_roster(user, pk)
    today = timezone.localdate()
    slots = list(roster.slots.select_related("person").order_by("date", "-is_leader", "shift", "pk"))
    pending = set()
    swapped = set()
    for swap in DutySwap.objects.filter(
        Q(slot_from__roster=roster) | Q(slot_to__roster=roster),
        status__in=[SwapStatus.PENDING, SwapStatus.APPROVED],
    ).values("slot_from_id", "slot_to_id", "status"):
        target = pending if swap["status"] == SwapStatus.PENDING else swapped
        target.update(filter(None, [swap["slot_from_id"], swap["slot_to_id"]]))
    days = []
    for date, group in groupby(slots, key=lambda s: s.date):
        group = list(group)
        days.append(
            {
                "date": date,
                "leaders": [s for s in group if s.is_leader],
                "others": [s for s in group if not s.is_leader],
                "is_today": date == today,
                "is_past": date < today,
            }
        )
    can_change = has_permission(user, "office.roster.change", roster.organization)
    return render(
        request,
        "office/rosters/detail.html",
        {
            "roster": roster,
            "days": days,
            "today": today,
            "pending": pending,
            "swapped": swapped,
            "can_change": can_change,
            "show_phones": can_change or has_permission(user, "office.roster.view", roster.organization),
            "slot_form": SlotForm(roster=roster) if can_change else None,
        },
    )


@login_required
@require_POST
def roster_publish(request: HttpRequest, pk: int) -> HttpResponse:
    roster = access_roster(request.user, pk, action="change")
    _flash(request, lambda: do_publish_roster(roster, acting_user=request.user), _("Roster published."))
    return redirect("office:roster_detail", pk=roster.pk)


@login_required
@require_POST
def slot_add(request: HttpRequest, pk: int) -> HttpResponse:
    roster = access_roster(request.user, pk, action="change")
    form = SlotForm(request.POST, roster=roster)
    if form.is_valid():
        data = form.cleaned_data
        _flash(
            request,
            lambda: do_add_slot(
                roster,
                date=data["date"],
                shift=data["shift"],
                person=data["person"],
                is_leader=data["is_leader"],
                phone=data["phone"],
                note=data["note"],
                acting_user=request.user,
            ),
            _("Duty added."),
        )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("office:roster_detail", pk=roster.pk)


@login_required
@require_POST
def slot_remove(request: HttpRequest, pk: int) -> HttpResponse:
    slot = access_slot(request.user, pk)
    roster = access_roster(request.user, slot.roster_id, action="change")
    _flash(request, lambda: do_remove_slot(slot, acting_user=request.user), _("Duty removed."))
    return redirect("office:roster_detail", pk=roster.pk)


# --- Swaps ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def swap_request(request: HttpRequest, pk: int) -> HttpResponse:
    slot = access_slot(request.user, pk)
    if slot.person_id != request.user.pk:
        raise Http404(_("Duty slot not found."))
    form = SwapForm(request.POST or None, slot=slot)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        swap = _try(
            form,
            lambda: do_request_swap(
                slot,
                slot_to=data["slot_to"],
                target_user=data["target_user"],
                reason=data["reason"],
                acting_user=request.user,
            ),
        )
        if swap is not None:
            messages.success(request, _("Swap requested; the unit's approver decides."))
            return redirect("office:roster_detail", pk=slot.roster_id)
    return render(request, "office/rosters/swap_form.html", {"slot": slot, "form": form})


def _swap_rows(qs: Any) -> Any:
    return qs.select_related(
        "slot_from",
        "slot_from__roster",
        "slot_from__roster__organization",
        "slot_from__person",
        "slot_to",
        "slot_to__person",
        "target_user",
        "requested_by",
        "decided_by",
    )


@login_required
@require_GET
def swap_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_approve = has_permission(user, "office.roster.approve")
    mine_qs = DutySwap.objects.filter(requested_by=user)
    if not (can_approve or has_permission(user, "office.roster.view") or mine_qs.exists()):
        raise _not_found()
    to_decide = _swap_rows(
        DutySwap.objects.restrict(user, "approve")
        .filter(status=SwapStatus.PENDING)
        .exclude(requested_by=user)
        .order_by("slot_from__date", "pk")
    )
    mine = _swap_rows(mine_qs.order_by("-created_at", "-pk"))[:50]
    return render(
        request,
        "office/rosters/swap_list.html",
        {"to_decide": to_decide, "mine": mine, "decision_form": SwapDecisionForm()},
    )


@login_required
@require_POST
def swap_decide(request: HttpRequest, pk: int) -> HttpResponse:
    swap = access_swap(request.user, pk, action="approve")
    form = SwapDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("office:swap_list")
    approve = form.cleaned_data["decision"] == "approve"
    _flash(
        request,
        lambda: do_decide_swap(
            swap, approve=approve, note=form.cleaned_data["note"], acting_user=request.user
        ),
        _("Swap approved: the duties have been exchanged.") if approve else _("Swap rejected."),
    )
    return redirect("office:swap_list")


# --- Duty logs and phones ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def duty_log(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    slot = access_slot(user, pk)
    may_write = slot.person_id == user.pk or has_permission(
        user, "office.roster.change", slot.roster.organization
    )
    if request.method == "POST" and not may_write:
        raise Http404(_("Duty slot not found."))
    form = DutyLogForm(request.POST or None, slot=slot) if may_write else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        entry = _try(
            form,
            lambda: do_write_duty_log(
                slot,
                text=data["text"],
                incidents=data["incidents"],
                handed_over_to=data["handed_over_to"],
                acting_user=user,
            ),
        )
        if entry is not None:
            messages.success(request, _("Log written."))
            return redirect("office:duty_log", pk=slot.pk)
    logs = (
        DutyLog.objects.filter(slot=slot)
        .select_related("author", "handed_over_to")
        .order_by("created_at", "pk")
    )
    return render(
        request,
        "office/rosters/duty_log.html",
        {
            "slot": slot,
            "logs": logs,
            "form": form,
            "may_write": may_write and slot.date <= timezone.localdate(),
        },
    )


@login_required
@require_GET
def duty_phones(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user, "office.roster.view"):
        raise _not_found()
    today = timezone.localdate()
    dates = [today, today + dt.timedelta(days=1)]
    slots = list(duty_phone_slots(user, dates))
    sections = []
    for date in dates:
        rows = [s for s in slots if s.date == date]
        units = []
        for _unit, group in groupby(rows, key=lambda s: s.roster.organization_id):
            group = list(group)
            units.append({"unit": group[0].roster.organization, "slots": group})
        sections.append({"date": date, "units": units, "is_today": date == today})
    return render(request, "office/rosters/duty_phones.html", {"sections": sections})
