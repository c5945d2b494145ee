"""Forms of the document pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edugov.core.choices import OrganizationKind
from edugov.core.forms import BootstrapFormMixin
from edugov.core.models import Organization, User
from edugov.office.choices import DocumentType, Urgency
from edugov.office.models import NumberSeries
from edugov.office.templates_catalogue import body_template

# Shown so that a user who picks a classified marking is told why it is refused.
SECRECY_CHOICES = [
    ("", _("Not classified")),
    ("internal", _("Internal 内部")),
    ("秘密", _("Secret 秘密 (refused: classified)")),
    ("机密", _("Confidential 机密 (refused: classified)")),
    ("绝密", _("Top secret 绝密 (refused: classified)")),
]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class UnitsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


def recipient_candidates(unit: Organization):  # noqa: ANN201 - an Organization queryset
    """Units a document of ``unit`` may be sent to in this node: the bureaus and schools one
    level below it (its own departments countersign or handle; they are not recipients)."""
    return (
        Organization.objects.filter(is_active=True, path__startswith=unit.path, depth=unit.depth + 1)
        .exclude(kind=OrganizationKind.DEPARTMENT)
        .order_by("path")
    )


def department_candidates(unit: Organization):  # noqa: ANN201
    """Departments (处室) of a bureau: they countersign its documents."""
    return Organization.objects.filter(
        is_active=True, path__startswith=unit.path, depth=unit.depth + 1, kind=OrganizationKind.DEPARTMENT
    ).order_by("path")


class DraftForm(BootstrapFormMixin, forms.Form):
    organization = UnitChoiceField(label=_("Issuing unit"), queryset=Organization.objects.none())
    doc_type = forms.ChoiceField(
        label=_("Document type 文种"), choices=DocumentType.choices, initial="notice"
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    main_recipients = forms.CharField(
        label=_("Main recipients 主送机关"),
        max_length=300,
        required=False,
        help_text=_("As printed, e.g. 各县（市、区）教育局："),
    )
    body = forms.CharField(
        label=_("Body 正文"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("One paragraph per line. Headings: 一、 (first level), （一） (second level)."),
    )
    attachment_notes = forms.CharField(
        label=_("Attachments 附件说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("One attachment name per line."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False)
    secrecy = forms.ChoiceField(label=_("Classification 密级"), choices=SECRECY_CHOICES, required=False)
    series = forms.ModelChoiceField(
        label=_("Number series"), queryset=NumberSeries.objects.none(), required=False
    )
    cc_recipients = forms.CharField(label=_("Copied to 抄送"), max_length=300, required=False)
    remark = forms.CharField(label=_("Note 附注"), max_length=200, required=False)
    countersign_units = UnitsField(
        label=_("Countersigning departments 会签"), queryset=Organization.objects.none(), required=False
    )
    recipient_units = UnitsField(
        label=_("Send to (units in this node)"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args: Any, units=None, unit: Organization | None = None, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units if units is not None else Organization.objects.none()
        self.fields["organization"].widget.attrs.update(
            {
                "hx-get": "",
                "hx-trigger": "change",
                "hx-include": "closest form",
                "hx-select": "#draft-form",
                "hx-target": "#draft-form",
                "hx-swap": "outerHTML",
            }
        )
        chosen = unit
        if self.is_bound:
            try:
                chosen = self.fields["organization"].queryset.get(pk=int(self.data.get("organization")))
            except (Organization.DoesNotExist, TypeError, ValueError):
                chosen = unit
        if chosen is not None:
            self.fields["organization"].initial = chosen.pk
            self.fields["series"].queryset = NumberSeries.objects.filter(
                organization=chosen, is_active=True
            ).exclude(prefix="收文")
            self.fields["countersign_units"].queryset = department_candidates(chosen)
            self.fields["recipient_units"].queryset = recipient_candidates(chosen)
            if not self.is_bound and not self.initial.get("body"):
                self.initial["body"] = body_template(self.initial.get("doc_type") or "notice")

    def clean_attachment_notes(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["attachment_notes"].splitlines() if line.strip()]


class BodyForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(label=_("Body 正文"), widget=forms.Textarea(attrs={"rows": 18}))
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)


class ActForm(BootstrapFormMixin, forms.Form):
    outcome = forms.CharField(max_length=40)
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    series = forms.ModelChoiceField(
        queryset=NumberSeries.objects.none(), required=False, label=_("Number series")
    )
    needs_instruction = forms.BooleanField(
        required=False, initial=True, label=_("Needs a leader's instruction (批办件)")
    )
    handling_units = UnitsField(
        label=_("Handling departments 承办"), queryset=Organization.objects.none(), required=False
    )
    handle_due = forms.DateField(
        label=_("Handle by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    supervise = forms.BooleanField(required=False, label=_("Open a supervision item 督办"))

    def __init__(self, *args: Any, document=None, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        if document is not None:
            self.fields["series"].queryset = NumberSeries.objects.filter(
                organization=document.organization, is_active=True
            ).exclude(prefix="收文")
            self.fields["handling_units"].queryset = department_candidates(document.organization)


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)
    to_step = forms.CharField(required=False, max_length=60)


class HandOverForm(BootstrapFormMixin, forms.Form):
    to_user = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, colleagues=None, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        if colleagues is not None:
            self.fields["to_user"].queryset = colleagues
        self.fields["to_user"].label_from_instance = lambda u: u.real_name or u.username


class CirculateForm(BootstrapFormMixin, forms.Form):
    readers = forms.ModelMultipleChoiceField(
        label=_("Readers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, colleagues=None, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        if colleagues is not None:
            self.fields["readers"].queryset = colleagues
        self.fields["readers"].label_from_instance = lambda u: u.real_name or u.username


class AddUnitForm(BootstrapFormMixin, forms.Form):
    unit = UnitChoiceField(label=_("Department"), queryset=Organization.objects.none())

    def __init__(self, *args: Any, document=None, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        if document is not None:
            self.fields["unit"].queryset = department_candidates(document.organization)


class SeriesForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = NumberSeries
        fields = ["organization", "prefix", "name"]

    def __init__(self, *args: Any, units=None, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units if units is not None else Organization.objects.none()
        self.fields["organization"].label_from_instance = lambda o: o.name
        self.fields["prefix"].help_text = _("The issuing-organ code and kind, e.g. 新教发, 新教办函.")
