"""Personal API tokens: a signed-in user creates and revokes tokens for the REST API.

A token acts with its owner's grants, limited to the scopes chosen here; it is shown
once, stored only as a checksum, and every creation and revocation is audited
(``edugov.core.actions.tokens``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from oauth2_provider.models import AccessToken

from edugov.core.actions.tokens import (
    available_scopes,
    do_create_api_token,
    do_revoke_api_token,
    personal_applications,
)
from edugov.core.forms import BootstrapFormMixin

SCOPE_LABELS = {
    "registry:read": gettext_lazy(
        "Read registry records (students, staff, buildings, assets, finance, transfers)"
    ),
    "registry:write": gettext_lazy("Change registry records (enrol, edit, apply for and decide transfers)"),
}
DAY_CHOICES = [
    (30, gettext_lazy("30 days")),
    (90, gettext_lazy("90 days")),
    (180, gettext_lazy("180 days")),
    (365, gettext_lazy("1 year")),
]


def scope_choices() -> list[tuple[str, Any]]:
    return [
        (scope, SCOPE_LABELS.get(scope, description)) for scope, description in available_scopes().items()
    ]


class TokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("Where the token is used, for example the school's timetable system."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"), widget=forms.CheckboxSelectMultiple, initial=["registry:read"]
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"), coerce=int, choices=DAY_CHOICES, initial=90
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices()


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, raw = do_create_api_token(
                request.user,
                name=data["name"],
                scopes=data["scopes"],
                days=data["days"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            created = {"name": token.application.name, "raw": raw, "expires": token.expires}
            form = TokenForm()
    applications = (
        personal_applications(request.user)
        .prefetch_related(Prefetch("accesstoken_set", queryset=AccessToken.objects.order_by("-expires")))
        .order_by("-created")
    )
    labels = dict(scope_choices())
    now = timezone.now()
    rows = []
    for application in applications:
        token = next(iter(application.accesstoken_set.all()), None)
        scopes = token.scope.split() if token else []
        rows.append(
            {
                "application": application,
                "scopes": [labels.get(s, s) for s in scopes],
                "scope_codes": scopes,
                "expires": token.expires if token else None,
                "expired": token is None or token.expires <= now,
            }
        )
    context = {"form": form, "rows": rows, "created": created, "schema_url": reverse("api:schema")}
    response = render(request, "core/tokens/list.html", context)
    if created:
        # The only page that ever shows the token: never cache it.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    application = personal_applications(request.user).filter(pk=pk).first()  # own tokens only
    if application is None:
        raise Http404(_("API token not found."))
    do_revoke_api_token(application, acting_user=request.user)
    messages.success(request, _("Token “%(name)s” revoked; it no longer works.") % {"name": application.name})
    return redirect("workspace:token_list")
