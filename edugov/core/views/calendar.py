"""The work calendar pages: a year's special days, editing them, and the deadline calculator.

Anyone signed in may look and compute; editing needs ``core.calendarday.change`` and
answers 404 otherwise, like a missing day. The forms live here because they serve only
these views.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from edugov.core.actions.calendar import do_delete_calendar_day, do_mark_calendar_year, do_set_calendar_day
from edugov.core.calendar import DayStep, add_working_days, year_days
from edugov.core.choices import CalendarDayKind, Jurisdiction
from edugov.core.models import CalendarDay, CalendarYear
from edugov.core.permissions.scopes import has_root_permission

EDIT_PERMISSION = "core.calendarday.change"
MIN_YEAR, MAX_YEAR = 2000, 2099
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# --- Forms ------------------------------------------------------------------------------


class BootstrapFormMixin:
    """Give every widget its Bootstrap class."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class CalendarDayForm(BootstrapFormMixin, forms.Form):
    jurisdiction = forms.ChoiceField(label=gettext_lazy("Jurisdiction"), choices=Jurisdiction.choices)
    date = forms.DateField(label=gettext_lazy("Date"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CalendarDayKind.choices)
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=64,
        help_text=gettext_lazy("For example 国庆节, or 国庆节调休 for a make-up working day."),
    )

    def __init__(self, *args: Any, instance: CalendarDay | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            # The date and jurisdiction identify the day; to move it, delete it and add another.
            for name in ("jurisdiction", "date"):
                self.fields[name].disabled = True
                self.fields[name].initial = getattr(instance, name)
            self.fields["kind"].initial = instance.kind
            self.fields["name"].initial = instance.name

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        if not MIN_YEAR <= date.year <= MAX_YEAR:
            raise forms.ValidationError(
                _("Enter a date between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
            )
        return date

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        jurisdiction, date, kind = data.get("jurisdiction"), data.get("date"), data.get("kind")
        if not (jurisdiction and date and kind):
            return data
        taken = CalendarDay.objects.filter(jurisdiction=jurisdiction, date=date).exists()
        if self.instance is None and taken:
            self.add_error("date", _("This date already has an entry for this jurisdiction; edit that one."))
        weekday_workday = kind == CalendarDayKind.WORKDAY and date.weekday() < 5
        if weekday_workday and not self._overrides_national_holiday(data):
            self.add_error("kind", _("A make-up working day must fall on a Saturday or Sunday."))
        return data

    @staticmethod
    def _overrides_national_holiday(data: dict[str, Any]) -> bool:
        # A region may declare a national weekday holiday a working day for itself.
        return (
            data["jurisdiction"] != Jurisdiction.NATIONAL
            and CalendarDay.objects.filter(
                jurisdiction=Jurisdiction.NATIONAL, date=data["date"], kind=CalendarDayKind.HOLIDAY
            ).exists()
        )


class CalendarYearMarkForm(BootstrapFormMixin, forms.Form):
    jurisdiction = forms.ChoiceField(label=gettext_lazy("Jurisdiction"), choices=Jurisdiction.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class ComputeForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(label=gettext_lazy("Start date"), widget=DATE_WIDGET)
    n = forms.IntegerField(label=gettext_lazy("Working days"), min_value=0, max_value=1000)
    jurisdiction = forms.ChoiceField(
        label=gettext_lazy("Jurisdiction"),
        choices=Jurisdiction.choices,
        initial=Jurisdiction.NATIONAL,
        required=False,
    )


# --- Helpers ----------------------------------------------------------------------------


def _editor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only calendar editors get past; others see the same 404 as for a missing day."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_root_permission(request.user, EDIT_PERMISSION):  # type: ignore[arg-type]
            raise Http404(_("Calendar day not found."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _access_calendar_day(pk: int) -> CalendarDay:
    """A calendar day by id, or 404 (callers have already checked the edit permission)."""
    try:
        return CalendarDay.objects.get(pk=pk)  # scoped: the edit permission is checked by the decorator
    except CalendarDay.DoesNotExist:
        raise Http404(_("Calendar day not found.")) from None


def _calendar_url(year: int, jurisdiction: str) -> str:
    return f"{reverse('workspace:calendar')}?{urlencode({'year': year, 'jurisdiction': jurisdiction})}"


def _selected_year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return min(max(year, MIN_YEAR), MAX_YEAR)


def _selected_jurisdiction(request: HttpRequest) -> str:
    value = request.GET.get("jurisdiction", "")
    return value if value in Jurisdiction.values else Jurisdiction.NATIONAL


def _month_grids(days: list[DayStep]) -> list[dict[str, Any]]:
    """Twelve month grids (weeks of Monday–Sunday cells) for the year overview."""
    by_date = {step.date: step for step in days}
    year = days[0].date.year
    weeks_calendar = pycalendar.Calendar(firstweekday=0)
    return [
        {
            "name": MONTHS[month],
            "weeks": [
                [by_date.get(d) if d.month == month else None for d in week]
                for week in weeks_calendar.monthdatescalendar(year, month)
            ],
        }
        for month in range(1, 13)
    ]


# --- Views ------------------------------------------------------------------------------


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    """A year's special days for a jurisdiction, its coverage status and a month grid."""
    year, jurisdiction = _selected_year(request), _selected_jurisdiction(request)
    jurisdictions = {Jurisdiction.NATIONAL, jurisdiction}
    rows = CalendarDay.objects.filter(jurisdiction__in=jurisdictions, date__year=year).select_related(
        "updated_by"
    )
    coverage = {row.jurisdiction: row for row in CalendarYear.objects.filter(year=year)}
    can_edit = has_root_permission(request.user, EDIT_PERMISSION)  # type: ignore[arg-type]
    context = {
        "year": year,
        "jurisdiction": jurisdiction,
        "jurisdiction_label": Jurisdiction(jurisdiction).label,
        "jurisdictions": Jurisdiction.choices,
        "rows": _effective_rows(rows, jurisdiction),
        "coverage": coverage.get(Jurisdiction.NATIONAL),
        "regional_coverage": coverage.get(jurisdiction) if jurisdiction != Jurisdiction.NATIONAL else None,
        "months": _month_grids(year_days(year, jurisdiction)),
        "can_edit": can_edit,
        "weekday_headers": [WEEKDAYS_ABBR[i] for i in range(7)],
    }
    return render(request, "core/calendar/calendar.html", context)


def _effective_rows(rows: Any, jurisdiction: str) -> list[dict[str, Any]]:
    """Each date once: the regional row where there is one, flagging national rows it overrides."""
    national = {r.date: r for r in rows if r.jurisdiction == Jurisdiction.NATIONAL}
    regional = {r.date: r for r in rows if r.jurisdiction != Jurisdiction.NATIONAL}
    result = []
    for date in sorted(national.keys() | regional.keys()):
        row = regional.get(date) or national[date]
        overrides = national.get(date) if date in regional else None
        inherited = jurisdiction != Jurisdiction.NATIONAL and row.jurisdiction == Jurisdiction.NATIONAL
        result.append({"day": row, "overrides": overrides, "inherited": inherited})
    return result


@_editor_required
@require_http_methods(["GET", "POST"])
def calendar_day_add(request: HttpRequest) -> HttpResponse:
    initial = {"jurisdiction": _selected_jurisdiction(request), "date": request.GET.get("date") or None}
    form = CalendarDayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        day = do_set_calendar_day(**form.cleaned_data, acting_user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Saved %(date)s %(name)s.") % {"date": day.date, "name": day.name})
        return redirect(_calendar_url(day.date.year, day.jurisdiction))
    return render(request, "core/calendar/day_form.html", {"form": form, "day": None})


@_editor_required
@require_http_methods(["GET", "POST"])
def calendar_day_edit(request: HttpRequest, pk: int) -> HttpResponse:
    day = _access_calendar_day(pk)
    form = CalendarDayForm(request.POST or None, instance=day)
    if request.method == "POST" and form.is_valid():
        day = do_set_calendar_day(**form.cleaned_data, acting_user=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Saved %(date)s %(name)s.") % {"date": day.date, "name": day.name})
        return redirect(_calendar_url(day.date.year, day.jurisdiction))
    return render(request, "core/calendar/day_form.html", {"form": form, "day": day})


@_editor_required
@require_POST
def calendar_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    day = _access_calendar_day(pk)
    year, jurisdiction, label = day.date.year, day.jurisdiction, f"{day.date} {day.name}"
    do_delete_calendar_day(day, acting_user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Deleted %(day)s.") % {"day": label})
    return redirect(_calendar_url(year, jurisdiction))


@_editor_required
@require_POST
def calendar_year_mark(request: HttpRequest) -> HttpResponse:
    form = CalendarYearMarkForm(request.POST)
    if not form.is_valid():
        errors = form.errors.as_text()
        messages.error(request, _("The year could not be marked: %(errors)s") % {"errors": errors})
        return redirect("workspace:calendar")
    data = form.cleaned_data
    do_mark_calendar_year(
        jurisdiction=data["jurisdiction"],
        year=data["year"],
        note=data["note"],
        acting_user=request.user,  # type: ignore[arg-type]
    )
    messages.success(request, _("%(year)s is now marked as officially covered.") % {"year": data["year"]})
    return redirect(_calendar_url(data["year"], data["jurisdiction"]))


@login_required
def calendar_compute(request: HttpRequest) -> HttpResponse:
    """Deadline calculator: a GET form, so a result can be bookmarked and shared."""
    form = ComputeForm(request.GET or None)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        result = add_working_days(data["start"], data["n"], data["jurisdiction"] or Jurisdiction.NATIONAL)
    return render(request, "core/calendar/compute.html", {"form": form, "result": result})
