from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edugov.core.choices import OrganizationKind, OrganizationLevel
from edugov.core.models import Organization, Region, Role, User


class BootstrapFormMixin:
    """Give widgets Bootstrap's classes so templates can render fields plainly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return "\u3000" * (obj.depth - 1) + obj.name


class OrganizationCreateForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    short_name = forms.CharField(label=_("Short name"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=OrganizationKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=OrganizationLevel.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), to_field_name="code")
    school_code = forms.CharField(label=_("School code"), max_length=10, required=False)
    school_type = forms.CharField(label=_("School type (JY/T code)"), max_length=3, required=False)
    school_sponsor = forms.CharField(label=_("Sponsorship code (办别)"), max_length=2, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)

    def __init__(self, *args: Any, parent: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = parent.region.code[:2]
        self.fields["region"].queryset = Region.objects.filter(
            code__startswith=province, valid_until__isnull=True
        )
        self.fields["region"].initial = parent.region_id

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == OrganizationKind.SCHOOL:
            from edugov.core.validators import validate_code

            for field, table in (("school_type", "school_type"), ("school_sponsor", "school_sponsor")):
                if data.get(field):
                    try:
                        validate_code(table, data[field], field_label=self.fields[field].label)
                    except forms.ValidationError as exc:
                        self.add_error(field, exc)
        return data


class OrganizationEditForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "short_name", "school_type", "school_sponsor", "credit_code"]


class OrganizationCloseForm(BootstrapFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class UserCreateForm(BootstrapFormMixin, forms.Form):
    username = forms.RegexField(
        label=_("User name"),
        max_length=64,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only."),
    )
    real_name = forms.CharField(label=_("Real name"), max_length=64)
    organization = UnitChoiceField(label=_("Unit"), queryset=Organization.objects.none())
    position = forms.CharField(label=_("Position"), max_length=64, required=False)
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": _("Mobile phone: 11 digits starting with 1.")},
    )
    email = forms.EmailField(label=_("Email"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."), code="username_taken")
        return username


class GrantCreateForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label=_("User name"), max_length=64)
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all())
    organization = UnitChoiceField(label=_("Unit"), queryset=Organization.objects.none())
    include_descendants = forms.BooleanField(
        label=_("Also every unit below it"), required=False, initial=True
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        try:
            self.grantee = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise forms.ValidationError(_("No active account with this user name."), code="no_user") from None
        return username


class RoleForm(BootstrapFormMixin, forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=48)
    name = forms.CharField(label=_("Name"), max_length=64)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    actions = forms.MultipleChoiceField(label=_("Actions"), widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from edugov.core.roles import ACTIONS

        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = sorted(
            ((key, f"{label} ({key})") for key, label in ACTIONS.items()), key=lambda c: c[0]
        )
