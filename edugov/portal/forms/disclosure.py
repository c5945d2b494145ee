"""Forms of disclosure requests: the citizen's request and correction, and the staff's steps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edugov.core.forms import BootstrapFormMixin
from edugov.core.models import Organization
from edugov.core.validators import validate_credit_code
from edugov.portal.abuse import CheckedUpload, check_upload, clean_text
from edugov.portal.actions.disclosure_requests import (
    DESCRIPTION_MAX,
    MAX_ATTACHMENTS,
    MAX_EXTENSION_DAYS,
    REPLY_MAX,
    DisclosureErrorCode,
)
from edugov.portal.choices import ApplicantType, CaseStatus, DeliveryMethod, DisclosureResult, ReplyType

ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"
# ISO dates: what <input type="date"> needs, whatever the page's language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to ``MAX_ATTACHMENTS`` files, each checked by content and size (``abuse.check_upload``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault(
            "help_text",
            _("Up to 3 files: PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx)."),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[CheckedUpload]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS},
                code=DisclosureErrorCode.TOO_MANY_ATTACHMENTS,
            )
        checked, errors = [], []
        for uploaded in files:
            try:
                checked.append(check_upload(uploaded))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return checked


def _text(value: str, *, max_length: int, label: Any, required: bool = True) -> str:
    return clean_text(value, max_length=max_length, required=required, field_label=str(label))


class DisclosureRequestForm(BootstrapFormMixin, forms.Form):
    handling_unit = forms.ModelChoiceField(
        label=_("Unit asked"),
        queryset=Organization.objects.none(),
        empty_label=None,
        help_text=_("The unit that holds the information. Units with a portal site are listed."),
    )
    applicant_type = forms.ChoiceField(
        label=_("Applicant"), choices=ApplicantType.choices, initial=ApplicantType.NATURAL_PERSON
    )
    organisation_name = forms.CharField(
        label=_("Organisation name"), max_length=200, required=False, help_text=_("Organisations only.")
    )
    organisation_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=24,
        required=False,
        help_text=_("Organisations only: the 18-character code (GB 32100)."),
    )
    description = forms.CharField(
        label=_("Information requested"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX}),
        help_text=_(
            "Describe the information as precisely as you can: its title, document number, or the subject "
            "and time it concerns (at most 2000 characters)."
        ),
    )
    purpose = forms.CharField(label=_("Purpose (optional)"), max_length=500, required=False)
    delivery = forms.ChoiceField(label=_("How to receive the reply"), choices=DeliveryMethod.choices)
    contact_email = forms.EmailField(label=_("Email (optional)"), required=False)
    contact_address = forms.CharField(
        label=_("Postal address"), max_length=300, required=False, help_text=_("Needed for a reply by post.")
    )
    attachments = AttachmentsField(label=_("Attachments"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handling_unit"].queryset = units

    def clean_description(self) -> str:
        return _text(
            self.cleaned_data["description"], max_length=DESCRIPTION_MAX, label=_("Information requested")
        )

    def clean_purpose(self) -> str:
        return _text(self.cleaned_data["purpose"], max_length=500, label=_("Purpose"), required=False)

    def clean_contact_address(self) -> str:
        return _text(
            self.cleaned_data["contact_address"], max_length=300, label=_("Postal address"), required=False
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("applicant_type") and data["applicant_type"] != ApplicantType.NATURAL_PERSON:
            name = (data.get("organisation_name") or "").strip()
            if not name:
                self.add_error(
                    "organisation_name",
                    ValidationError(
                        _("Give the organisation's name."), code=DisclosureErrorCode.ORGANISATION_REQUIRED
                    ),
                )
            code = data.get("organisation_code") or ""
            if not code:
                self.add_error(
                    "organisation_code",
                    ValidationError(
                        _("Give the organisation's unified social credit code."),
                        code=DisclosureErrorCode.ORGANISATION_REQUIRED,
                    ),
                )
            else:
                try:
                    data["organisation_code"] = validate_credit_code(code)
                except ValidationError as error:
                    self.add_error("organisation_code", error)
        if data.get("delivery") == DeliveryMethod.POST and not data.get("contact_address"):
            self.add_error(
                "contact_address",
                ValidationError(
                    _("Give the postal address for the reply."), code=DisclosureErrorCode.ADDRESS_REQUIRED
                ),
            )
        return data


class CorrectionForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Corrected request"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX}),
        help_text=_("Write the request again, with everything the notice asked for."),
    )
    attachments = AttachmentsField(label=_("Attachments"))

    def clean_text(self) -> str:
        return _text(self.cleaned_data["text"], max_length=DESCRIPTION_MAX, label=_("Corrected request"))


# --- staff --------------------------------------------------------------------------------


class FilterForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *CaseStatus.choices]
    )
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Overdue")), ("soon", _("Due within 3 working days"))],
    )


class AcceptForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(
        label=_("Received on"),
        widget=DATE_INPUT,
        help_text=_(
            "The day receipt is confirmed (双方确认之日); the 20 working days count from the next day."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class CorrectionRequestForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("What to correct (one-time notice 一次性告知)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("List everything the requester must correct or add: the notice is given only once."),
    )


class ConsultationForm(BootstrapFormMixin, forms.Form):
    third_party = forms.CharField(
        label=_("Third party"), max_length=200, help_text=_("Not shown to the requester.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


class OpinionForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(label=_("Third party's opinion"), widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("Received on"), widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ExtensionRequestForm(BootstrapFormMixin, forms.Form):
    days = forms.IntegerField(label=_("Extend by (working days)"), min_value=1, max_value=MAX_EXTENSION_DAYS)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ExtensionDecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))]
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReplyForm(BootstrapFormMixin, forms.Form):
    reply_type = forms.ChoiceField(label=_("Form of the reply"), choices=ReplyType.choices)
    result = forms.ChoiceField(label=_("Result (annual report 表三)"), choices=DisclosureResult.choices)
    text = forms.CharField(
        label=_("Reply"),
        widget=forms.Textarea(attrs={"rows": 14, "maxlength": REPLY_MAX}),
        help_text=_("Start from the letter of the chosen form; complete every part marked 【…】."),
    )
    attachments = AttachmentsField(label=_("Attachments (shown to the requester)"))
