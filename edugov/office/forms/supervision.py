"""Forms of supervision (IN-3): list filters, a new item with milestones, progress reports
with evidence, and the supervising unit's decisions.

Forms only shape input; ``edugov.office.actions.supervision`` checks permissions and the
rules again and is the only writer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edugov.core.choices import OrganizationKind, OrganizationLevel
from edugov.core.forms import BootstrapFormMixin, UnitChoiceField
from edugov.core.models import Organization, User
from edugov.core.permissions.scopes import entries_for, has_permission
from edugov.office.access_supervision import ADD
from edugov.office.actions.supervision import (
    EVIDENCE_TYPES,
    MAX_FILES_PER_REPORT,
    supervision_root,
    validate_evidence,
)
from edugov.office.models import Rag, SourceKind, SupervisionMilestone, SupervisionStatus

MILESTONE_ROWS = 5
MAX_WORKING_DAYS = 250


def supervising_units(user: Any, unit: Any = None) -> Any:
    """Open units in whose name the user may create supervision items.

    The units of their ``add`` grants themselves, and the unit they are working for when
    a grant covers it; not every unit below a grant (a province leader supervises in the
    name of the province bureau, not of each school).
    """
    ids = {entry.organization_id for entry in entries_for(user, ADD)}
    if unit is not None and has_permission(user, ADD, unit):
        ids.add(unit.pk)
    return Organization.objects.filter(pk__in=ids, is_active=True, closed_on__isnull=True)


def owner_candidates(user: Any, unit: Any = None) -> Any:
    """Units the user's supervising units may give items to.

    Bureaus and departments of the bureaus they supervise across; schools only below a
    county bureau (a province or prefecture does not pick one school of thousands here).
    """
    roots = {supervision_root(u) for u in supervising_units(user, unit)}
    if not roots:
        return Organization.objects.none()
    q = Q()
    for root in roots:
        inside = Q(path__startswith=root.path)
        if root.level in (OrganizationLevel.COUNTY, OrganizationLevel.SCHOOL):
            q |= inside
        else:
            q |= inside & ~Q(kind=OrganizationKind.SCHOOL)
    return Organization.objects.filter(q, is_active=True, closed_on__isnull=True)


class SupervisionFilterForm(BootstrapFormMixin, forms.Form):
    """Optional filters of the list; bad values are ignored."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *SupervisionStatus.choices],
        required=False,
    )
    rag = forms.ChoiceField(label=_("Warning"), choices=[("", _("Any")), *Rag.choices], required=False)
    unit = forms.TypedChoiceField(label=_("Lead unit"), coerce=int, required=False, empty_value=None)
    mine = forms.BooleanField(label=_("My items"), required=False)
    q = forms.CharField(label=_("Title contains"), max_length=60, required=False)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units")), *units]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by ``validate_evidence``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(sorted(EVIDENCE_TYPES))}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > MAX_FILES_PER_REPORT:
            raise ValidationError(
                _("At most %(n)s files can go with one report."), params={"n": MAX_FILES_PER_REPORT}
            )
        errors = []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                validate_evidence(upload)
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return uploads


class DueMixin(forms.Form):
    """A deadline as a date, or as a number of working days from today."""

    due_on = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_in_working_days = forms.IntegerField(
        label=_("…or in working days"),
        required=False,
        min_value=1,
        max_value=MAX_WORKING_DAYS,
        help_text=_("Counted on the work calendar from tomorrow, skipping weekends and holidays."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("due_on") and not data.get("due_in_working_days") and "due_on" not in self.errors:
            self.add_error("due_on", _("Give a deadline, as a date or in working days."))
        elif data.get("due_on") and data["due_on"] < timezone.localdate():
            self.add_error("due_on", _("The deadline cannot be in the past."))
        return data


class SupervisionItemForm(BootstrapFormMixin, DueMixin):
    organization = UnitChoiceField(label=_("Supervising unit"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    source_kind = forms.ChoiceField(label=_("Source"), choices=SourceKind.choices, initial=SourceKind.MANUAL)
    source_label = forms.CharField(label=_("Source (as shown)"), max_length=200, required=False)
    source_ref = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    source_document = forms.IntegerField(required=False, widget=forms.HiddenInput)
    owner_unit = UnitChoiceField(label=_("Lead unit 牵头单位"), queryset=Organization.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label=_("Co-owner units 协办单位"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    owner = forms.CharField(
        label=_("Responsible person (user name)"),
        max_length=64,
        required=False,
        help_text=_("A member of the lead or a co-owner unit; leave empty to let the unit decide."),
    )

    field_order = [
        "organization",
        "title",
        "description",
        "source_kind",
        "source_label",
        "owner_unit",
        "co_units",
        "owner",
        "due_on",
        "due_in_working_days",
    ]

    def __init__(self, *args: Any, user: Any, unit: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = supervising_units(user, unit)
        self.fields["organization"].queryset = units
        if unit is not None and units.filter(pk=unit.pk).exists():
            self.fields["organization"].initial = unit.pk
        elif len(choices := list(units[:2])) == 1:
            self.fields["organization"].initial = choices[0].pk
        candidates = owner_candidates(user, unit)
        self.fields["owner_unit"].queryset = candidates
        self.fields["co_units"].queryset = candidates
        self.fields["co_units"].label_from_instance = lambda obj: obj.name

    def clean_owner(self) -> User | None:
        name = (self.cleaned_data.get("owner") or "").strip()
        if not name:
            return None
        person = User.objects.filter(username__iexact=name, is_active=True).first()
        if person is None:
            raise ValidationError(_("No active user has this user name."))
        return person


class MilestoneForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("title") and not data.get("due_on") and "due_on" not in self.errors:
            self.add_error("due_on", _("Give the milestone a date."))
        if data.get("due_on") and not data.get("title"):
            self.add_error("title", _("Name the milestone."))
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=MILESTONE_ROWS, max_num=20)


class ProgressReportForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 5}))
    percent = forms.IntegerField(label=_("Per cent done"), min_value=0, max_value=100)
    milestone = forms.ModelChoiceField(
        label=_("Milestone"), queryset=SupervisionMilestone.objects.none(), required=False
    )
    milestone_done = forms.BooleanField(label=_("This milestone is done"), required=False)
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_(
            "PDF, images (PNG, JPEG, GIF) or office documents (Word, Excel, PowerPoint, WPS, OFD); "
            "at most 20 MB each, %(n)s files."
        )
        % {"n": MAX_FILES_PER_REPORT},
    )

    def __init__(self, *args: Any, item: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = item.milestones.filter(done_at__isnull=True)
        self.fields["percent"].initial = item.progress_percent

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("milestone_done") and not data.get("milestone"):
            self.add_error("milestone", _("Choose the milestone that is done."))
        return data


class DeadlineForm(BootstrapFormMixin, DueMixin):
    reason = forms.CharField(
        label=_("Reason for the new deadline"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Acceptance note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EscalateForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why escalate"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AddMilestoneForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


def resolved_due(form: forms.Form, unit: Any) -> tuple[dt.date, list[str]]:
    """The deadline a ``DueMixin`` form asks for, with the calendar's explanation if counted."""
    from edugov.core.calendar import add_working_days
    from edugov.office.models.supervision import jurisdiction_of

    data = form.cleaned_data
    if data.get("due_on"):
        return data["due_on"], []
    result = add_working_days(timezone.localdate(), data["due_in_working_days"], jurisdiction_of(unit))
    return result.result, result.explain()
