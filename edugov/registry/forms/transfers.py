"""Forms of the transfer UI (DB-3): list filters, the application and the decisions.

Forms only shape input; ``registry.actions.transfers`` checks permissions and rules again
and is the only writer.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from edugov.core.choices import OrganizationKind
from edugov.core.forms import BootstrapFormMixin, UnitChoiceField
from edugov.core.models import Organization
from edugov.core.permissions.scopes import scope_q
from edugov.registry import codes
from edugov.registry.choices import TransferStatus, TransferStepKind

APPLY = "registry.transfer.apply"


def apply_schools(user: Any) -> Any:
    """Open schools into which ``user`` may apply for transfers."""
    q = scope_q(user, APPLY, field="")
    if q is None:
        return Organization.objects.none()
    return Organization.objects.filter(
        q, kind=OrganizationKind.SCHOOL, is_active=True, closed_on__isnull=True
    )


class TransferFilterForm(BootstrapFormMixin, forms.Form):
    """Optional filters of the transfer list; bad values are ignored."""

    q = forms.CharField(label=_("Student name or number"), max_length=50, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *TransferStatus.choices], required=False
    )
    step = forms.ChoiceField(
        label=_("Awaiting"), choices=[("", _("Any step")), *TransferStepKind.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class StudentLookupForm(BootstrapFormMixin, forms.Form):
    lookup = forms.CharField(
        label=_("Student number or ID number"),
        max_length=30,
        help_text=_("The student's national student number (学籍号) or resident ID number."),
    )


class TransferApplyForm(BootstrapFormMixin, forms.Form):
    """The placement asked for; the student travels in a signed token beside the form."""

    to_school = UnitChoiceField(label=_("Receiving school"), queryset=Organization.objects.none())
    grade = forms.ChoiceField(label=_("Grade at the receiving school"))
    class_name = forms.CharField(label=_("Class"), max_length=20, required=False)
    reason = forms.CharField(label=_("Reason for the transfer"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, unit: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = apply_schools(user)
        self.fields["to_school"].queryset = schools
        if unit is not None and schools.filter(pk=unit.pk).exists():
            self.fields["to_school"].initial = unit.pk
        self.fields["grade"].choices = codes.choices("grade", blank=True)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for the transfer."))
        return reason


DECISIONS = (("approve", _("Approve")), ("reject", _("Reject")))


class TransferDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note or reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting: say what the applicant should fix."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error(
                "note", _("Give the reason for the rejection, so the applicant knows what to fix.")
            )
        return data


class TransferWithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the application is withdrawn"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
