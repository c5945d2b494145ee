"""CMS page (under /cms/): an editor sets the translation status of a translated page (PUB-10)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from edugov.portal.access_translation import access_translated_page
from edugov.portal.actions.translation import do_set_translation_status
from edugov.portal.models import PageTranslation, TranslationStatus


class TranslationStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Translation status"), choices=TranslationStatus.choices)
    translator = forms.CharField(label=gettext_lazy("Translator"), max_length=100, required=False)
    up_to_date = forms.BooleanField(
        label=gettext_lazy("The translation matches the current Chinese text"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Untick when only the status changes and the text was not compared again."),
    )


@require_http_methods(["GET", "POST"])
def translation_status(request: HttpRequest, page_id: int) -> HttpResponse:
    page = access_translated_page(request.user, page_id)
    record = PageTranslation.objects.filter(page_id=page.pk).first()
    initial = {"status": record.status, "translator": record.translator} if record else {}
    form = TranslationStatusForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            do_set_translation_status(
                page,
                status=form.cleaned_data["status"],
                translator=form.cleaned_data["translator"],
                up_to_date=form.cleaned_data["up_to_date"],
                acting_user=request.user,
            )
        except PermissionDenied:
            raise
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Translation status saved."))
            return redirect(reverse("portal_translation_status", args=[page.pk]))
    return TemplateResponse(
        request,
        "portal/translation/status_form.html",
        {"page": page, "record": record, "form": form, "header_title": _("Translation status")},
    )
