"""Forms of the duty roster pages. They only shape input: the actions check the rules again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edugov.core.calendar import year_days
from edugov.core.forms import BootstrapFormMixin, UnitChoiceField
from edugov.core.models import Organization, User
from edugov.office.forms.meetings import PeopleChoiceField, PersonChoiceField, people_in_scope, people_in_unit
from edugov.office.models.rosters import DutyRoster, DutySlot, Shift

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

DAY_CHOICES = [
    ("all", _("Every day")),
    ("rest", _("Weekends and holidays only")),
    ("working", _("Working days only")),
]


def _people_field(label: Any, size: int = 6) -> PeopleChoiceField:
    return PeopleChoiceField(
        label=label, queryset=User.objects.none(), widget=forms.SelectMultiple(attrs={"size": size})
    )


class RotationForm(BootstrapFormMixin, forms.Form):
    """The unit, the people and the leaders a roster rotates through."""

    organization = UnitChoiceField(label=_("Unit"), queryset=Organization.objects.none())
    people = _people_field(_("People on duty (taken in turn)"))
    leaders = _people_field(_("Leaders on duty 带班领导 (taken in turn)"), size=4)
    duty_phone = forms.CharField(
        label=_("Duty phone"),
        max_length=20,
        required=False,
        help_text=_("The duty room's line; empty: each person's own mobile phone."),
    )

    def __init__(self, *args: Any, user: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units
        if units.count() == 1:
            self.fields["organization"].initial = units.first()
        people = people_in_scope(user, "office.roster.change")
        self.fields["people"].queryset = people
        self.fields["leaders"].queryset = people


class RosterForm(RotationForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    starts_on = forms.DateField(label=_("First day"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE_WIDGET)
    days = forms.ChoiceField(label=_("Days"), choices=DAY_CHOICES, initial="all")
    shift = forms.ChoiceField(
        label=_("Shift of the people on duty"), choices=Shift.choices, initial=Shift.ALL_DAY
    )
    day_starts = forms.TimeField(label=_("Day shift starts"), required=False, widget=TIME_WIDGET)
    day_ends = forms.TimeField(label=_("Day shift ends"), required=False, widget=TIME_WIDGET)
    night_starts = forms.TimeField(label=_("Night shift starts"), required=False, widget=TIME_WIDGET)
    night_ends = forms.TimeField(
        label=_("Night shift ends (next morning)"), required=False, widget=TIME_WIDGET
    )

    field_order = ["organization", "title", "starts_on", "ends_on", "days", "shift", "people", "leaders"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day comes before the first day."))
        return data

    def shift_times(self) -> dict[str, dt.time]:
        names = ("day_starts", "day_ends", "night_starts", "night_ends")
        return {n: self.cleaned_data[n] for n in names if self.cleaned_data.get(n)}


def holiday_choices(today: dt.date) -> list[tuple[str, str]]:
    """Holidays of this year and next in the work calendar, ``"2026:国庆节"`` → ``"2026 国庆节 (10-01)"``."""
    choices: list[tuple[str, str]] = [("", "---------")]
    for year in (today.year, today.year + 1):
        seen: dict[str, dt.date] = {}
        for step in year_days(year):
            if step.category == "holiday" and step.name and step.name not in seen:
                seen[step.name] = step.date
        choices += [(f"{year}:{name}", f"{year} {name} ({first:%m-%d})") for name, first in seen.items()]
    return choices


class HolidayRosterForm(RotationForm):
    holiday = forms.ChoiceField(label=_("Holiday"), required=False)
    first_day = forms.DateField(
        label=_("…or from"), required=False, widget=DATE_WIDGET, help_text=_("Every rest day in the range.")
    )
    last_day = forms.DateField(label=_("to"), required=False, widget=DATE_WIDGET)
    title = forms.CharField(
        label=_("Title"), max_length=120, required=False, help_text=_("Empty: made up from the holiday.")
    )

    field_order = ["organization", "holiday", "first_day", "last_day", "title", "people", "leaders"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holiday"].choices = holiday_choices(timezone.localdate())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if data.get("holiday"):
            year, name = data["holiday"].split(":", 1)
            data["year"], data["holiday_name_or_range"] = int(year), name
        elif first and last:
            if last < first:
                self.add_error("last_day", _("The last day comes before the first day."))
            data["year"], data["holiday_name_or_range"] = first.year, (first, last)
        else:
            self.add_error("holiday", _("Choose a holiday, or give the first and the last day."))
        return data


class SlotForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    shift = forms.ChoiceField(label=_("Shift"), choices=Shift.choices, initial=Shift.ALL_DAY)
    person = PersonChoiceField(label=_("On duty"), queryset=User.objects.none())
    is_leader = forms.BooleanField(label=_("Leader on duty 带班领导"), required=False)
    phone = forms.CharField(label=_("Duty phone"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, roster: DutyRoster, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_in_unit(roster.organization)


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DutySlot) -> str:
        return f"{obj.date:%Y-%m-%d} {obj.get_shift_display()} · {obj.person.get_full_name()}"


class SwapForm(BootstrapFormMixin, forms.Form):
    slot_to = SlotChoiceField(label=_("Swap with"), queryset=DutySlot.objects.none(), required=False)
    target_user = PersonChoiceField(label=_("…or hand over to"), queryset=User.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, slot: DutySlot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot_to"].queryset = (
            DutySlot.objects.filter(
                roster_id=slot.roster_id, date__gte=timezone.localdate(), is_leader=slot.is_leader
            )
            .exclude(person_id=slot.person_id)
            .select_related("person")
            .order_by("date", "shift", "pk")
        )
        self.fields["target_user"].queryset = people_in_unit(slot.roster.organization).exclude(
            pk=slot.person_id
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("slot_to")) == bool(data.get("target_user")):
            self.add_error("slot_to", _("Choose either a duty to swap with or a person to hand over to."))
        return data


class SwapDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class DutyLogForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("What happened on duty"), widget=forms.Textarea(attrs={"rows": 4}))
    incidents = forms.CharField(
        label=_("Events and incidents"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    handed_over_to = PersonChoiceField(
        label=_("Handed over to"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, slot: DutySlot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handed_over_to"].queryset = people_in_unit(slot.roster.organization)
