"""Forms of the process administrators' pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from edugov.core.forms import BootstrapFormMixin
from edugov.office.workflow.definitions import MAX_XML_BYTES

KEY_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9_.-]{0,59}$",
    _("Use 1 to 60 lowercase letters, digits, dots, dashes or underscores, starting with a letter."),
)


class ProcessUploadForm(BootstrapFormMixin, forms.Form):
    key = forms.CharField(
        label=_("Process key"),
        max_length=60,
        validators=[KEY_VALIDATOR],
        help_text=_(
            "An existing key (like office.outgoing) gets a new version; a new key starts at version 1."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    file = forms.FileField(
        label=_("BPMN file"),
        help_text=_("A BPMN 2.0 XML file (.bpmn or .xml) of up to 2 MB with one executable process."),
        widget=forms.ClearableFileInput(attrs={"accept": ".bpmn,.xml"}),
    )

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if key == "upload":
            raise forms.ValidationError(_("This key is reserved."))
        return key

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".bpmn", ".xml")):
            raise forms.ValidationError(_("Upload a .bpmn or .xml file."))
        if upload.size > MAX_XML_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload
