"""Forms of letters, case status pages (rating, reopen, lookup) and staff case handling.

Every text a citizen sends passes ``abuse.clean_text`` (length, control characters,
markup) and every file ``abuse.check_upload``; a form with any refusal stores nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edugov.core.forms import BootstrapFormMixin
from edugov.core.models import Organization
from edugov.portal.abuse import check_upload, clean_text
from edugov.portal.choices import CaseKind, CaseStatus, Rating
from edugov.portal.models.letters import LetterCategory
from edugov.portal.models.ratings import CloseOutcome, FollowUpMethod

MAX_ATTACHMENTS = 3
SUBJECT_MAX = 100
CONTENT_MAX = 3000
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}, code="too_many_files"
            )
        return [check_upload(super(MultipleFileField, self).clean(f, initial)) for f in files]


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class CleanTextMixin:
    """Run ``clean_text`` over the named char fields with their max lengths."""

    text_fields: dict[str, int] = {}

    def _clean_texts(self, cleaned: dict[str, Any]) -> None:
        for name, max_length in self.text_fields.items():
            if name not in cleaned:
                continue
            field = self.fields[name]  # type: ignore[attr-defined]
            try:
                cleaned[name] = clean_text(
                    cleaned[name] or "",
                    max_length=max_length,
                    required=field.required,
                    field_label=str(field.label),
                )
            except ValidationError as error:
                self.add_error(name, error)  # type: ignore[attr-defined]


class LetterForm(CleanTextMixin, BootstrapFormMixin, forms.Form):
    text_fields = {"subject": SUBJECT_MAX, "content": CONTENT_MAX, "name": 64}

    category = forms.ChoiceField(label=_("Category"), choices=LetterCategory.choices)
    region = RegionChoiceField(label=_("Region"), queryset=None, empty_label=_("Choose a county or district"))
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX + 100)
    content = forms.CharField(
        label=_("Your letter"),
        max_length=CONTENT_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most %(n)d characters. Plain text only.") % {"n": CONTENT_MAX},
    )
    name = forms.CharField(label=_("Name"), max_length=128, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        help_text=_("Up to 3 files: PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx)."),
    )
    consent_publish = forms.BooleanField(
        label=_("I agree that the question and the answer may be published with my personal data removed."),
        required=False,
    )

    def __init__(self, *args: Any, kind: str, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["region"].queryset = regions
        self.fields["region"].required = regions.exists()
        if kind == CaseKind.REPORT:
            self.fields["name"].help_text = _("Reports may be anonymous: leave name and phone empty.")
        else:
            self.fields["name"].required = True
        if kind == CaseKind.COMPLAINT:
            self.fields["phone"].required = True
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_phone(self) -> str:
        phone = re.sub(r"[\s\-]", "", self.cleaned_data.get("phone") or "")
        if phone.startswith("+86"):
            phone = phone[3:]
        if phone and not MOBILE_RE.match(phone):
            raise ValidationError(_("Enter an 11-digit mobile number."), code="invalid_phone")
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._clean_texts(cleaned)
        return cleaned


class LookupForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=20)
    code = forms.CharField(label=_("Query code"), max_length=16)

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()


class RatingForm(BootstrapFormMixin, forms.Form):
    level = forms.TypedChoiceField(label=_("Rating"), choices=Rating.choices, coerce=int)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the answer does not settle the matter"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RequesterUpdateForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Add information"), max_length=6000, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- staff -----------------------------------------------------------------------------


class InboxFilterForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *CaseKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *CaseStatus.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    rectification = forms.BooleanField(label=_("Rectification open"), required=False)


class ReplyForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Reply (shown to the requester)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    attachments = MultipleFileField(label=_("Public attachments (optional)"))


class RerouteForm(BootstrapFormMixin, forms.Form):
    target = forms.ModelChoiceField(label=_("Transfer to"), queryset=Organization.objects.none())
    reason = forms.CharField(label=_("Reason (internal)"), max_length=500)
    internal_note = forms.CharField(
        label=_("Note for the receiving unit (internal)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, targets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["target"].queryset = targets


class CloseForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CloseOutcome.choices)
    reason = forms.CharField(
        label=_("Reason (shown to the requester)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RectificationForm(BootstrapFormMixin, forms.Form):
    notes = forms.CharField(
        label=_("What was rectified (shown to the requester)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FollowUpForm(BootstrapFormMixin, forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=FollowUpMethod.choices)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    opinion = forms.CharField(
        label=_("The requester's opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    satisfied = forms.TypedChoiceField(
        label=_("Requester satisfied"),
        choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))],
        coerce=lambda v: v == "1",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AppealForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the rating is mistaken or malicious"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppealDecisionForm(BootstrapFormMixin, forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[
            ("1", _("Uphold: exclude the rating from statistics")),
            ("0", _("Reject: the rating stands")),
        ],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(BootstrapFormMixin, forms.Form):
    question = forms.CharField(
        label=_("Question as published"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )
    answer = forms.CharField(
        label=_("Answer as published"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6})
    )


class RoutingRuleForm(BootstrapFormMixin, forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any category")), *LetterCategory.choices]
    )
    region_prefix = forms.CharField(
        label=_("Region code prefix"),
        required=False,
        max_length=6,
        help_text=_("Leading digits of the GB/T 2260 code, e.g. 6501 for all of Urumqi; blank for any."),
    )
    target = forms.ModelChoiceField(label=_("Handling unit"), queryset=Organization.objects.none())
    priority = forms.IntegerField(label=_("Priority (lower first)"), min_value=0, max_value=9999, initial=100)

    def __init__(self, *args: Any, targets: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["target"].queryset = targets
