"""Citizen account registration (实名注册)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from edugov.core.forms import BootstrapFormMixin
from edugov.core.models import User
from edugov.core.validators import parse_id_number
from edugov.portal.abuse import clean_text


class CitizenRegistrationForm(BootstrapFormMixin, forms.Form):
    real_name = forms.CharField(label=_("Real name"), max_length=64)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=24,
        help_text=_("Your resident identity card number (18 characters). It is stored encrypted."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1\d{10}$",
        help_text=_("You sign in with this number."),
        error_messages={"invalid": _("Mobile phone: 11 digits starting with 1.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_real_name(self) -> str:
        return clean_text(self.cleaned_data["real_name"], max_length=64, field_label=str(_("Real name")))

    def clean_id_number(self) -> str:
        return parse_id_number(self.cleaned_data["id_number"]).normalized

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2", ValidationError(_("The two passwords differ."), code="password_mismatch")
            )
        elif first:
            candidate = User(username=data.get("phone", ""), real_name=data.get("real_name", ""))
            try:
                validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data
