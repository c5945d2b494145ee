"""The upload form of a bulk import (DB-7)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.core.choices import OrganizationKind
from edugov.core.forms import BootstrapFormMixin, UnitChoiceField
from edugov.core.models import Organization
from edugov.core.permissions.scopes import has_permission, scope_q
from edugov.registry.choices import ImportMode
from edugov.registry.imports.columns import KINDS
from edugov.registry.imports.reading import SUPPORTED_EXTENSIONS, ImportFileError, check_name_and_size

# Above this many units the choice offers bureaus only; a bureau's import names its schools by code.
MAX_UNIT_OPTIONS = 500


def importable_kinds(user: Any) -> list[tuple[str, Any]]:
    return [(kind, spec.title) for kind, spec in KINDS.items() if has_permission(user, spec.permission)]


def importable_units(user: Any) -> Any:
    """Units where the user may import something (bureaus only when there are very many)."""
    q = Q()
    found = False
    for spec in KINDS.values():
        scope = scope_q(user, spec.permission, field="")
        if scope is not None:
            q |= scope
            found = True
    if not found:
        return Organization.objects.none()
    units = Organization.objects.filter(q, is_active=True)
    if units.count() > MAX_UNIT_OPTIONS:
        units = units.exclude(kind=OrganizationKind.SCHOOL)
    return units.order_by("path")


class ImportForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What to import"))
    unit = UnitChoiceField(label=gettext_lazy("Into unit"), queryset=Organization.objects.none())
    mode = forms.ChoiceField(
        label=gettext_lazy("If some rows have problems"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An Excel workbook (.xlsx, .xls), .ods or .csv in the template's layout."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )

    def __init__(self, *args: Any, user: Any, initial_unit: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = importable_kinds(user)
        units = importable_units(user)
        self.fields["unit"].queryset = units
        if initial_unit is not None and units.filter(pk=initial_unit.pk).exists():
            self.fields["unit"].initial = initial_unit.pk
        elif units[:2].count() == 1:
            self.fields["unit"].initial = units.first().pk

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            check_name_and_size(upload.name or "", upload.size)
        except ImportFileError as error:
            raise forms.ValidationError(error.message) from None
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, unit = data.get("kind"), data.get("unit")
        if kind and unit is not None and not has_permission(self.user, KINDS[kind].permission, unit):
            self.add_error(
                "unit",
                _("You may not import %(kind)s into %(unit)s.") % {"kind": KINDS[kind].title, "unit": unit},
            )
        return data
