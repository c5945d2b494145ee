"""Forms for a unit's records: staff, buildings, assets, finance and the school profile.

Forms only shape input; ``registry.actions.records`` validates codes, plausibility and
ownership again and is the only writer. Coded fields are plain selects here so that the
action's message (naming the code table) is the one the user sees.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from edugov.core.choices import OrganizationKind
from edugov.core.forms import BootstrapFormMixin, UnitChoiceField
from edugov.registry import codes
from edugov.registry.choices import Boarding, FinanceDirection


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CodeField(forms.CharField):
    """A select of a code table's selectable codes; the action checks the value."""

    def __init__(self, table: str, *, required: bool = True, **kwargs: Any) -> None:
        self.table = table
        super().__init__(required=required, widget=forms.Select, **kwargs)

    def refresh_choices(self, blank_label: Any = "---------") -> None:
        self.widget.choices = [("", blank_label), *codes.choices(self.table)]


class RecordForm(BootstrapFormMixin, forms.Form):
    """A record form; ``units`` (add forms only) offers the units the user may add to."""

    unit = UnitChoiceField(label=_("Unit"), queryset=None)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units
            if len(units) == 1:
                self.fields["unit"].initial = units[0].pk
        for field in self.fields.values():
            if isinstance(field, CodeField):
                field.refresh_choices()

    def values(self) -> dict[str, Any]:
        """The cleaned values for the action (without the unit)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "unit"}

    def apply_errors(self, error: ValidationError) -> None:
        """Show the action's ``{field: message}`` errors next to their fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)

    def limit_to(self, editable: set[str] | None) -> None:
        """Disable the fields another unit or role owns (一数一源)."""
        if editable is None:
            return
        for name, field in self.fields.items():
            if name not in editable and name != "unit":
                field.disabled = True
                field.help_text = _("Kept by another unit or role; you cannot change it here.")


class StaffForm(RecordForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_type = CodeField("id_document_type", label=_("ID document type"))
    id_number = forms.CharField(label=_("ID document number"), max_length=30)
    sex = CodeField("sex", label=_("Sex"))
    ethnicity = CodeField("ethnicity", label=_("Ethnicity"), required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=_date_widget())
    nationality = CodeField("nationality", label=_("Nationality"))
    staff_number = forms.CharField(label=_("Staff number"), max_length=32, required=False)
    post = CodeField("staff_post", label=_("Post"))
    subject = CodeField("subject", label=_("Subject taught"), required=False)
    professional_title = CodeField("professional_title", label=_("Professional title"), required=False)
    qualification_cert_number = forms.CharField(
        label=_("Teacher qualification certificate"), max_length=32, required=False
    )
    education_level = CodeField("education_level", label=_("Education"), required=False)
    employed_from = forms.DateField(label=_("Employed from"), widget=_date_widget())
    employed_until = forms.DateField(label=_("Employed until"), required=False, widget=_date_widget())
    phone = forms.CharField(label=_("Office phone"), max_length=32, required=False)
    weekly_lessons = forms.IntegerField(label=_("Lessons per week"), required=False, min_value=0)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The number is never put into the page: typing a new one replaces it.
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("Leave empty to keep the recorded number.")
            self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        else:
            self.fields["nationality"].initial = "CHN"
            self.fields["id_type"].initial = "1"

    def values(self) -> dict[str, Any]:
        data = super().values()
        if not data.get("id_number"):
            data.pop("id_number", None)
        return data


class BuildingForm(RecordForm):
    code = forms.CharField(label=_("Building number"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    building_type = CodeField("building_type", label=_("Type"))
    floor_area = forms.DecimalField(label=_("Floor area (m²)"), max_digits=10, decimal_places=2)
    floors = forms.IntegerField(label=_("Floors"), required=False)
    year_built = forms.IntegerField(label=_("Year built"))
    structure = CodeField("building_structure", label=_("Structure"))
    safety_rating = CodeField("building_safety", label=_("Safety rating"), required=False)
    safety_assessed_on = forms.DateField(label=_("Safety assessed on"), required=False, widget=_date_widget())
    use = forms.CharField(label=_("Current use"), max_length=100, required=False)


class AssetForm(RecordForm):
    asset_number = forms.CharField(label=_("Asset number"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    category = CodeField("asset_category", label=_("Category"))
    quantity = forms.IntegerField(label=_("Quantity"), initial=1)
    unit_value = forms.DecimalField(label=_("Unit value (yuan)"), max_digits=14, decimal_places=2)
    location = forms.CharField(label=_("Location"), max_length=100, required=False)
    building = forms.ModelChoiceField(label=_("Building"), queryset=None, required=False)
    acquired_on = forms.DateField(label=_("Acquired on"), widget=_date_widget())
    status = CodeField("asset_status", label=_("Status"), initial="1")

    def __init__(self, *args: Any, buildings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings


class FinanceForm(RecordForm):
    year = forms.IntegerField(label=_("Year"))
    direction = forms.ChoiceField(label=_("Income or expenditure"), choices=FinanceDirection.choices)
    category = forms.ChoiceField(label=_("Category"))
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        income = [(f"income:{c}", label) for c, label in codes.choices("finance_income")]
        spending = [(f"expenditure:{c}", label) for c, label in codes.choices("finance_expenditure")]
        self.fields["category"].choices = [
            (FinanceDirection.INCOME.label, income),
            (FinanceDirection.EXPENDITURE.label, spending),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        direction, _sep, code = (data.get("category") or "").partition(":")
        if data.get("direction") and direction and direction != data["direction"]:
            self.add_error("category", _("Choose a category of the chosen direction."))
        data["category"] = code
        return data


class FinanceYearForm(BootstrapFormMixin, forms.Form):
    """One amount per category of income and expenditure, for one unit and year."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for direction, table in (
            (FinanceDirection.INCOME, "finance_income"),
            (FinanceDirection.EXPENDITURE, "finance_expenditure"),
        ):
            for code, label in codes.choices(table):
                self.fields[f"{direction}_{code}"] = forms.DecimalField(
                    label=label, max_digits=16, decimal_places=2, required=False, min_value=0
                )

    def rows(self, direction: str) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith(f"{direction}_")]

    def amounts(self) -> dict[tuple[str, str], Any]:
        """``{(direction, category): amount}`` for the amounts entered."""
        result = {}
        for name, value in self.cleaned_data.items():
            direction, _sep, code = name.partition("_")
            if value is not None:
                result[(direction, code)] = value
        return result


class SchoolProfileForm(BootstrapFormMixin, forms.Form):
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=6, required=False)
    founding_year = forms.IntegerField(label=_("Year founded"), required=False)
    stages = forms.MultipleChoiceField(label=_("Stages"), required=False, widget=forms.CheckboxSelectMultiple)
    grades = forms.MultipleChoiceField(
        label=_("Grades offered"), required=False, widget=forms.CheckboxSelectMultiple
    )
    boarding = forms.ChoiceField(label=_("Boarding"), choices=Boarding.choices)
    area_served = forms.CharField(
        label=_("Area served (施教区)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    site_area = forms.DecimalField(label=_("Site area (m²)"), max_digits=12, decimal_places=2, required=False)
    phone = forms.CharField(label=_("Office phone"), max_length=32, required=False)

    apply_errors = RecordForm.apply_errors

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stages"].choices = codes.choices("stage")
        self.fields["grades"].choices = codes.choices("grade")


class RecordFilterForm(BootstrapFormMixin, forms.Form):
    """List filters shared by the areas; bad values are ignored, never an error page."""

    q = forms.CharField(label=_("Search"), max_length=60, required=False)
    unit = UnitChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("All my units"))
    kind = forms.ChoiceField(label=_("Type"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1800, max_value=2200)

    def __init__(
        self,
        *args: Any,
        units: Any,
        kinds: list[tuple[str, Any]] | None = None,
        statuses: list[tuple[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self._offer_units(units)
        for name, options in (("kind", kinds), ("status", statuses)):
            if options is None:
                del self.fields[name]
            else:
                self.fields[name].choices = [("", _("All")), *options]

    def _offer_units(self, units: Any) -> None:
        """Offer the bureaus in scope (or the schools, for a school's user); any unit in scope is valid."""
        field = self.fields["unit"]
        offered = list(units.exclude(kind=OrganizationKind.SCHOOL)) or list(units)
        chosen = self.value("unit")
        if chosen is not None and chosen not in offered:
            offered.append(chosen)
        field.widget.choices = [("", field.empty_label)] + [
            (u.pk, field.label_from_instance(u)) for u in offered
        ]

    def value(self, name: str) -> Any:
        if not self.is_bound or name not in self.fields:
            return None
        cache = self.__dict__.setdefault("_values", {})
        if name not in cache:
            try:
                cache[name] = self.fields[name].clean(self[name].data)
            except ValidationError:
                cache[name] = None
        return cache[name]
