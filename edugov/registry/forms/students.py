"""Forms of the student staff UI: list filters, enrolment, edits and status changes.

Forms only shape input; the actions in ``registry.actions.students`` validate codes,
identity and ownership again and are the only writers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from edugov.core.forms import BootstrapFormMixin, UnitChoiceField
from edugov.registry import codes, rules
from edugov.registry.actions.students import MANUAL_KINDS
from edugov.registry.identity import normalise_document

FLAG_CHOICES = (
    ("left_behind", _("Left-behind child")),
    ("migrant", _("Migrant child")),
    ("disability", _("Disability")),
    ("aid", _("Eligible for financial aid")),
)
SORT_CHOICES = (
    ("school", _("By school")),
    ("new", _("Newest first")),
    ("grade", _("By grade")),
    ("class", _("By class")),
)
CURRENT = ""
ENDED = "ended"
NAME_MATCH_CHOICES = (("prefix", _("starts with")), ("contains", _("contains")))


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StudentFilterForm(BootstrapFormMixin, forms.Form):
    """The list's filters; every field is optional and bad values are simply ignored."""

    unit = UnitChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("All my units"))
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    class_name = forms.CharField(label=_("Class"), max_length=20, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    flags = forms.MultipleChoiceField(
        label=_("Flags"), choices=FLAG_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, required=False)
    name_match = forms.ChoiceField(label=_("Name match"), choices=NAME_MATCH_CHOICES, required=False)
    student_number = forms.CharField(label=_("Student number"), max_length=19, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    sort = forms.ChoiceField(label=_("Order"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["grade"].choices = [("", _("All grades")), *codes.choices("grade")]
        self.fields["status"].choices = [
            (CURRENT, _("Current enrolments")),
            (ENDED, _("Ended enrolments")),
            *codes.choices("student_status"),
        ]
        for name in ("id_number", "student_number"):
            self.fields[name].widget.attrs["autocomplete"] = "off"


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.school_code})" if obj.school_code else obj.name


class StudentIdentityForm(BootstrapFormMixin, forms.Form):
    """Identity and care fields of a student, shared by the enrol and edit forms."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID document type"), initial="1")
    id_number = forms.CharField(label=_("ID document number"), max_length=30, required=False)
    sex = forms.ChoiceField(label=_("Sex"))
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=_date_widget(),
        help_text=_("Taken from the ID number when left empty."),
    )
    nationality = forms.ChoiceField(label=_("Nationality"), initial="CHN")
    household_region = forms.CharField(label=_("Household registration region"), max_length=6, required=False)
    address = forms.CharField(label=_("Home address"), max_length=200, required=False)
    left_behind = forms.BooleanField(label=_("Left-behind child"), required=False)
    migrant = forms.BooleanField(label=_("Migrant child"), required=False)
    disability = forms.ChoiceField(label=_("Disability category"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id_type"].choices = codes.choices("id_document_type")
        self.fields["sex"].choices = codes.choices("sex", blank=True)
        self.fields["ethnicity"].choices = codes.choices("ethnicity", blank=True)
        self.fields["nationality"].choices = codes.choices("nationality")
        self.fields["disability"].choices = codes.choices("disability", blank=True)
        for name in ("id_number", "address"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def identity_birth_date(self) -> dt.date | None:
        """The birth date typed, or the one in a valid resident ID number."""
        data = self.cleaned_data
        if data.get("birth_date"):
            return data["birth_date"]
        try:
            return normalise_document(data.get("id_type") or "1", data.get("id_number") or "").birth_date
        except ValidationError:
            return None


class EnrolmentFieldsMixin(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"))
    class_name = forms.CharField(label=_("Class"), max_length=20, required=False)
    study_mode = forms.ChoiceField(label=_("Study mode"), initial="1")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = codes.choices("grade", blank=True)
        self.fields["study_mode"].choices = codes.choices("study_mode")

    def check_age_for_grade(self, birth_date: dt.date | None) -> None:
        grade = self.cleaned_data.get("grade")
        if birth_date and grade:
            problem = rules.age_grade_problem(birth_date, grade, on=timezone.localdate())
            if problem:
                self.add_error("grade", problem)


GUARDIAN_SLOTS = (1, 2)


class StudentEnrolForm(StudentIdentityForm, EnrolmentFieldsMixin):
    school = SchoolChoiceField(label=_("School"), queryset=None)
    entry_date = forms.DateField(label=_("Entry date"), widget=_date_widget())

    field_order = [
        "school",
        "name",
        "id_type",
        "id_number",
        "sex",
        "ethnicity",
        "birth_date",
        "nationality",
        "household_region",
        "address",
        "left_behind",
        "migrant",
        "disability",
        "grade",
        "class_name",
        "entry_date",
        "study_mode",
    ]

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if schools.count() == 1:
            self.fields["school"].initial = schools.first()
        relations = codes.choices("family_relation", blank=True)
        for slot in GUARDIAN_SLOTS:
            self.fields[f"guardian{slot}_name"] = forms.CharField(
                label=_("Guardian %(n)s: name") % {"n": slot}, max_length=50, required=False
            )
            self.fields[f"guardian{slot}_relation"] = forms.ChoiceField(
                label=_("Guardian %(n)s: relation") % {"n": slot}, choices=relations, required=False
            )
            self.fields[f"guardian{slot}_phone"] = forms.CharField(
                label=_("Guardian %(n)s: phone") % {"n": slot}, max_length=20, required=False
            )
        for name, field in self.fields.items():
            if name.startswith("guardian"):
                field.widget.attrs.setdefault(
                    "class", "form-select" if "relation" in name else "form-control"
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("id_number") and not data.get("birth_date") and "birth_date" not in self.errors:
            self.add_error("birth_date", _("Enter the date of birth when there is no ID number."))
        self.check_age_for_grade(self.identity_birth_date())
        for slot in GUARDIAN_SLOTS:
            name, relation = data.get(f"guardian{slot}_name"), data.get(f"guardian{slot}_relation")
            if (name or data.get(f"guardian{slot}_phone")) and not relation:
                self.add_error(
                    f"guardian{slot}_relation", _("Choose the guardian's relation to the student.")
                )
            if (relation or data.get(f"guardian{slot}_phone")) and not name:
                self.add_error(f"guardian{slot}_name", _("Enter the guardian's name."))
        return data

    def student_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = StudentIdentityForm.base_fields
        return {name: data[name] for name in names if data.get(name) not in (None,)}

    def enrolment_values(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in ("grade", "class_name", "entry_date", "study_mode")}

    def guardians(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {
                "name": data[f"guardian{slot}_name"],
                "relation": data[f"guardian{slot}_relation"],
                "phone": data[f"guardian{slot}_phone"],
            }
            for slot in GUARDIAN_SLOTS
            if data.get(f"guardian{slot}_name")
        ]


# Personal fields that the edit form never pre-fills: left empty, they stay as they are.
KEEP_WHEN_EMPTY = ("id_number", "address")


class StudentEditForm(StudentIdentityForm):
    """Edit identity, care and aid fields; families the user does not own are disabled."""

    aid_eligible = forms.BooleanField(label=_("Eligible for financial aid"), required=False)

    def __init__(
        self, *args: Any, student: Any, editable: set[str], owners: dict[str, str], **kwargs: Any
    ) -> None:
        initial = {f: getattr(student, f) for f in self.base_fields if f not in KEEP_WHEN_EMPTY}
        super().__init__(*args, initial=initial, **kwargs)
        self.student = student
        self.fields["id_number"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
            "masked": student.id_masked or "—"
        }
        self.fields["address"].help_text = _("Leave empty to keep the recorded address.")
        self.fields["birth_date"].help_text = ""
        for name, field in self.fields.items():
            if name not in editable:
                field.disabled = True
                if owners.get(name):
                    field.help_text = _("Kept by %(owner)s; you cannot change it here.") % {
                        "owner": owners[name]
                    }

    def changed_values(self) -> dict[str, Any]:
        """The values the user changed (only enabled fields; empty personal fields skipped)."""
        values = {}
        for name in self.changed_data:
            if self.fields[name].disabled:
                continue
            value = self.cleaned_data.get(name)
            if name in KEEP_WHEN_EMPTY and not value:
                continue
            if name == "birth_date" and value is None:
                continue
            values[name] = value
        return values


class EnrolmentEditForm(BootstrapFormMixin, EnrolmentFieldsMixin):
    entry_date = forms.DateField(label=_("Entry date"), widget=_date_widget())

    def __init__(self, *args: Any, enrolment: Any, **kwargs: Any) -> None:
        fields = ("grade", "class_name", "entry_date", "study_mode")
        super().__init__(*args, initial={f: getattr(enrolment, f) for f in fields}, **kwargs)
        self.enrolment = enrolment

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "grade" in self.changed_data:
            self.check_age_for_grade(self.enrolment.student.birth_date)
        return data

    def changed_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class StatusChangeForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Change"))
    effective_on = forms.DateField(label=_("Effective"), widget=_date_widget())
    new_grade = forms.ChoiceField(
        label=_("New grade"),
        required=False,
        help_text=_("For promotion, repeating or skipping a grade."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"effective_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (code, label) for code, label in codes.choices("status_change_kind") if code in MANUAL_KINDS
        ]
        self.fields["new_grade"].choices = codes.choices("grade", blank=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") in {"11", "12", "13"} and not data.get("new_grade"):
            self.add_error("new_grade", _("Choose the new grade."))
        return data


class MergeForm(BootstrapFormMixin, forms.Form):
    KEEP_FIRST, KEEP_SECOND = "first", "second"

    kept = forms.ChoiceField(
        label=_("Record to keep"),
        choices=((KEEP_FIRST, _("Record A")), (KEEP_SECOND, _("Record B"))),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
