"""Delegation pages: set a colleague to act on my tasks while I am away."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from edugov.core.forms import BootstrapFormMixin
from edugov.core.models import Membership, User
from edugov.office.actions.delegations import do_create_delegation, do_revoke_delegation
from edugov.office.errors import OfficeError
from edugov.office.models import Delegation


class DelegationForm(BootstrapFormMixin, forms.Form):
    delegate = forms.ModelChoiceField(label=gettext_lazy("Colleague"), queryset=User.objects.none())
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        units = Membership.objects.filter(user=user).values("organization")
        self.fields["delegate"].queryset = (
            User.objects.filter(is_active=True, memberships__organization__in=units)
            .exclude(pk=user.pk)
            .distinct()
            .order_by("real_name")
        )
        self.fields["delegate"].label_from_instance = lambda u: u.real_name or u.username


@login_required
@require_http_methods(["GET", "POST"])
def delegation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = DelegationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_create_delegation(
                user=user,
                delegate=data["delegate"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                acting_user=user,
            )
        except OfficeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Your tasks will also go to %(name)s in that period.")
                % {"name": data["delegate"].real_name or data["delegate"].username},
            )
            return redirect("office:delegation_list")
    mine = Delegation.objects.filter(user=user).select_related("delegate").order_by("-starts_on")[:50]
    for_me = Delegation.objects.filter(delegate=user, revoked_at__isnull=True).select_related("user")[:50]
    return render(request, "office/delegations/list.html", {"form": form, "mine": mine, "for_me": for_me})


@login_required
@require_POST
def delegation_revoke(request: HttpRequest, delegation_id: int) -> HttpResponse:
    delegation = Delegation.objects.filter(pk=delegation_id, user=request.user).first()
    if delegation is None:
        raise Http404(_("Delegation not found."))
    do_revoke_delegation(delegation, acting_user=request.user)
    messages.success(request, _("The delegation was ended."))
    return redirect("office:delegation_list")
