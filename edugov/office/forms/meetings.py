"""Forms of the meeting pages. They only shape input: the actions check the rules again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edugov.core.access import units_with_permission
from edugov.core.forms import BootstrapFormMixin, UnitChoiceField
from edugov.core.models import Membership, Organization, User
from edugov.core.permissions.scopes import scope_q
from edugov.office.actions.meetings import AgendaEntry
from edugov.office.models.meetings import (
    AttendeeResponse,
    Meeting,
    MeetingKind,
    MeetingRoom,
    remote_url_validator,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_WIDGET_ATTRS = {"type": "datetime-local"}


def datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs=DATETIME_WIDGET_ATTRS, format=DATETIME_FORMAT),
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MeetingRoom) -> str:
        seats = _("%(n)s seats") % {"n": obj.capacity} if obj.capacity else ""
        return " · ".join(
            filter(None, [obj.name, obj.location, seats, str(_("video")) if obj.has_video else ""])
        )


def people_in_scope(user: Any, permission: str) -> QuerySet[User]:
    """Active accounts with a membership in a unit where ``user`` holds ``permission``."""
    scope = scope_q(user, permission, field="organization")
    if scope is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, pk__in=Membership.objects.filter(scope).values("user_id")
    ).order_by("real_name", "username")


def people_in_unit(unit: Organization) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(organization__path__startswith=unit.path).values("user_id"),
    ).order_by("real_name", "username")


class RoomForm(BootstrapFormMixin, forms.Form):
    organization = UnitChoiceField(label=_("Unit"), queryset=Organization.objects.none())
    name = forms.CharField(label=_("Name"), max_length=80)
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    capacity = forms.IntegerField(label=_("Seats"), min_value=0, max_value=5000, initial=0)
    equipment = forms.CharField(label=_("Equipment"), max_length=200, required=False)
    has_video = forms.BooleanField(label=_("Video conferencing"), required=False)

    def __init__(self, *args: Any, units: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units
        if units.count() == 1:
            self.fields["organization"].initial = units.first()


class MeetingForm(BootstrapFormMixin, forms.Form):
    organization = UnitChoiceField(label=_("Calling unit"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices, initial=MeetingKind.IN_PERSON)
    starts_at = datetime_field(_("Starts at"))
    ends_at = datetime_field(_("Ends at"))
    room = RoomChoiceField(label=_("Room"), queryset=MeetingRoom.objects.none(), required=False)
    place = forms.CharField(label=_("Place (if not in a room)"), max_length=120, required=False)
    remote_url = forms.CharField(
        label=_("Video meeting link"),
        max_length=500,
        required=False,
        widget=forms.URLInput(),
        help_text=_("An http:// or https:// address."),
    )
    remote_meeting_id = forms.CharField(label=_("Video meeting number"), max_length=64, required=False)
    remote_passcode = forms.CharField(label=_("Video meeting passcode"), max_length=64, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item per line: item | presenter | minutes (presenter and minutes are optional)."),
    )
    attendees = PeopleChoiceField(
        label=_("Attendees"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    optional_attendees = PeopleChoiceField(
        label=_("Optional attendees"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, units: QuerySet, rooms: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units
        if units.count() == 1:
            self.fields["organization"].initial = units.first()
        self.fields["room"].queryset = rooms.filter(is_active=True).select_related("organization")
        people = people_in_scope(user, "office.meeting.view")
        self.fields["attendees"].queryset = people
        self.fields["optional_attendees"].queryset = people

    def clean_remote_url(self) -> str:
        value = self.cleaned_data["remote_url"].strip()
        if value:
            try:
                remote_url_validator(value)
            except forms.ValidationError:
                raise forms.ValidationError(_("Enter an http:// or https:// address.")) from None
        return value

    def clean_agenda(self) -> list[AgendaEntry]:
        entries = []
        for number, line in enumerate(self.cleaned_data["agenda"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            title, presenter, minutes = (parts + ["", ""])[:3]
            if not title or len(title) > 200 or len(presenter) > 64:
                raise forms.ValidationError(_("Line %(n)s of the agenda is not an item.") % {"n": number})
            if minutes and not minutes.isdigit():
                raise forms.ValidationError(_("Line %(n)s: minutes must be a whole number.") % {"n": number})
            entries.append(AgendaEntry(title, presenter, int(minutes) if minutes else None))
        return entries

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        kind = data.get("kind")
        if kind in (MeetingKind.REMOTE, MeetingKind.HYBRID) and not data.get("remote_url"):
            self.add_error("remote_url", _("A remote or hybrid meeting needs a video meeting link."))
        if (
            kind in (MeetingKind.IN_PERSON, MeetingKind.HYBRID)
            and not data.get("room")
            and not data.get("place")
        ):
            self.add_error("room", _("Choose a room or say where the meeting takes place."))
        return data


class RespondForm(BootstrapFormMixin, forms.Form):
    response = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (AttendeeResponse.ACCEPTED, _("I will attend")),
            (AttendeeResponse.DECLINED, _("I cannot attend")),
            (AttendeeResponse.DELEGATED, _("I send a delegate")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    delegate = PersonChoiceField(label=_("Delegate"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, attendee: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["response"].widget.attrs["class"] = "form-check-input"
        if attendee.unit is not None:
            self.fields["delegate"].queryset = people_in_unit(attendee.unit).exclude(pk=attendee.user_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        response = data.get("response")
        if response in (AttendeeResponse.DECLINED, AttendeeResponse.DELEGATED) and not data.get("reason"):
            self.add_error("reason", _("Give a reason when you decline or send a delegate."))
        if response == AttendeeResponse.DELEGATED and not data.get("delegate"):
            self.add_error("delegate", _("Choose who attends in your place."))
        return data


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class MinutesForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 10}))


class DecisionForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_unit = UnitChoiceField(
        label=_("Responsible unit"), queryset=Organization.objects.none(), required=False
    )
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, user: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        q = Q(path__startswith=meeting.organization.path)
        scope = scope_q(user, "office.meeting.view", field="")
        if scope is not None:
            q |= scope
        self.fields["owner_unit"].queryset = Organization.objects.filter(q, is_active=True).order_by("path")

    def clean_due_on(self) -> dt.date | None:
        value = self.cleaned_data["due_on"]
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))
        return value


def meeting_units(user: Any) -> QuerySet:
    return units_with_permission(user, "office.meeting.add").order_by("path")
