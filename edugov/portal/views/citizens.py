"""Citizen accounts on the public portal: registration (实名注册) and "my cases" (PUB-3, PUB-4).

Citizens sign in at the normal sign-in page with their mobile phone number; afterwards they
land on "my cases" (``edugov.core.auth.adapter``). These pages are Django views, never
cached, and carry per-user content, so they extend the public shell but are not part of the
tamper-checked static pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from edugov.portal.abuse import rate_limited
from edugov.portal.actions.citizens import CitizenErrorCode, citizen_profile, do_register_citizen
from edugov.portal.clock import case_deadline
from edugov.portal.forms.citizens import CitizenRegistrationForm
from edugov.portal.models import Case

ERROR_FIELDS = {
    CitizenErrorCode.ID_NUMBER_TAKEN: "id_number",
    CitizenErrorCode.PHONE_TAKEN: "phone",
    CitizenErrorCode.INVALID_PHONE: "phone",
}


def case_status_url(case: Case) -> str:
    """The case's public status page (/services/cases/<token>/, built by the letters area)."""
    try:
        return reverse("portal_public:case_status", args=[case.tracking_token])
    except NoReverseMatch:
        return f"{reverse('portal_public:index')}cases/{case.tracking_token}/"


@require_http_methods(["GET", "POST"])
@rate_limited("citizen_register", limit=10, period=3600)
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and citizen_profile(request.user) is not None:
        return redirect("portal_public:account")
    form = CitizenRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = do_register_citizen(
                real_name=data["real_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                password=data["password1"],
                email=data.get("email", ""),
            )
        except ValidationError as error:
            for item in error.error_list:
                form.add_error(ERROR_FIELDS.get(item.code, None), item)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. You sign in with your mobile phone number."))
            return redirect("portal_public:account")
    return render(request, "portal/account/register.html", {"form": form})


@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    """Every case the signed-in person submitted, of every kind, newest first."""
    cases = list(
        Case.objects.filter(requester=request.user)  # scoped: the requester's own cases
        .select_related("handling_unit")
        .prefetch_related("clock_events")
        .order_by("-created_at")
    )
    for case in cases:
        case.status_url = case_status_url(case)
        case.deadline = case_deadline(case)
    return render(
        request,
        "portal/account/my_cases.html",
        {"cases": cases, "profile": citizen_profile(request.user)},
    )
