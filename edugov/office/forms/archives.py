"""Forms of the archive pages (IN-5). They only shape input; ``office.actions.archives`` checks
permissions and the rules again and is the only writer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edugov.core.forms import BootstrapFormMixin, UnitChoiceField
from edugov.core.models import Organization
from edugov.office.actions.archives import EARLIEST_YEAR, MAX_LOAN_DAYS
from edugov.office.choices import Secrecy
from edugov.office.models.archives import ArchiveKind, LoanKind, Retention

# The classified markings are listed so that choosing one is answered with the reason it is
# refused, instead of the field silently lacking it.
SECRECY_CHOICES = [
    *Secrecy.choices,
    ("秘密", _("Secret 秘密 (not accepted)")),
    ("机密", _("Confidential 机密 (not accepted)")),
    ("绝密", _("Top secret 绝密 (not accepted)")),
]


class ArchiveFilterForm(BootstrapFormMixin, forms.Form):
    """Optional filters of the catalogue; bad values are ignored."""

    q = forms.CharField(label=_("Keyword"), max_length=60, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=EARLIEST_YEAR, max_value=9999, required=False)
    retention = forms.ChoiceField(
        label=_("Retention"), choices=[("", _("Any retention")), *Retention.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *ArchiveKind.choices], required=False
    )
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units")), *units]


class PaperRecordForm(BootstrapFormMixin, forms.Form):
    organization = UnitChoiceField(label=_("Unit"), queryset=Organization.objects.none())
    title = forms.CharField(label=_("Title 题名"), max_length=200)
    year = forms.IntegerField(label=_("Year 年度"), min_value=EARLIEST_YEAR)
    retention = forms.ChoiceField(label=_("Retention 保管期限"), choices=Retention.choices)
    secrecy = forms.ChoiceField(
        label=_("Classification 密级"),
        choices=SECRECY_CHOICES,
        required=False,
        help_text=_("Only non-classified and internal (内部) records can be registered here."),
    )
    responsible = forms.CharField(label=_("Responsible unit 责任者"), max_length=120, required=False)
    pages = forms.IntegerField(label=_("Pages 页数"), min_value=1, required=False)
    items = forms.IntegerField(label=_("Items 件数"), min_value=1, required=False)
    location = forms.CharField(
        label=_("Location 存放位置"), max_length=120, help_text=_("Shelf and box, e.g. A-03-12.")
    )
    keywords = forms.CharField(label=_("Keywords 主题词"), max_length=200, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units
        self.fields["year"].max_value = timezone.localdate().year
        self.fields["year"].widget.attrs["max"] = timezone.localdate().year
        self.fields["year"].initial = timezone.localdate().year
        if len(units) == 1:
            self.fields["organization"].initial = units[0].pk


class LoanRequestForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of loan"), choices=LoanKind.choices, initial=LoanKind.DIGITAL)
    requested_days = forms.IntegerField(
        label=_("For how many working days"), min_value=1, max_value=MAX_LOAN_DAYS, initial=5
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class LoanDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting."),
    )
