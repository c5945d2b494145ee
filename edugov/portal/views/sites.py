"""Workspace pages of the website group: sites, who edits them, new sites, syndication offers."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from edugov.core.access import units_with_permission
from edugov.core.forms import BootstrapFormMixin, UnitChoiceField
from edugov.core.models import Grant
from edugov.core.permissions.scopes import has_permission
from edugov.portal.access_sites import access_offer, access_own_offer, access_site
from edugov.portal.actions.sites import do_create_site
from edugov.portal.actions.syndication import (
    do_accept_syndication,
    do_decline_syndication,
    do_offer_syndication,
    do_withdraw_syndication,
)
from edugov.portal.isolation import EDIT, PUBLISH, site_scope, site_unit_ids
from edugov.portal.models import ArticlePage, PortalSite, SectionPage, Syndication, SyndicationStatus

VIEW = "portal.portalsite.view"
MANAGE = "portal.portalsite.manage"
HOSTNAME_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


class SiteCreateForm(BootstrapFormMixin, forms.Form):
    unit = UnitChoiceField(label=gettext_lazy("Unit"), queryset=PortalSite.objects.none())
    hostname = forms.CharField(
        label=gettext_lazy("Host name"),
        max_length=200,
        help_text=gettext_lazy("The address citizens type, for example jyt.example.gov.cn."),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.filter(portal_site__isnull=True).order_by("path")

    def clean_hostname(self) -> str:
        hostname = self.cleaned_data["hostname"].strip().lower()
        if not HOSTNAME_RE.match(hostname):
            raise ValidationError(_("Enter a host name such as jyt.example.gov.cn."), code="invalid_hostname")
        return hostname


class OfferForm(BootstrapFormMixin, forms.Form):
    page = forms.ModelChoiceField(label=gettext_lazy("Article"), queryset=ArticlePage.objects.none())
    target_site = forms.ModelChoiceField(
        label=gettext_lazy("Offer to site"), queryset=PortalSite.objects.none()
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, portal_site: PortalSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = (
            ArticlePage.objects.live().filter(site_scope(portal_site).pages_q()).order_by("-date", "-pk")
        )
        self.fields["target_site"].queryset = PortalSite.objects.exclude(pk=portal_site.pk).select_related(
            "organization", "site"
        )


class AcceptForm(BootstrapFormMixin, forms.Form):
    section = forms.ModelChoiceField(label=gettext_lazy("Into section"), queryset=Page.objects.none())

    def __init__(self, *args: Any, portal_site: PortalSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = site_scope(portal_site)
        self.fields["section"].queryset = (
            Page.objects.filter(scope.pages_q()).type(SectionPage).order_by("path")
        )


def _site_people(portal_site: PortalSite) -> tuple[list[Any], list[Any]]:
    """Holders of edit / publish grants on the site's own unit (users or groups)."""
    editors, reviewers = [], []
    grants = (
        Grant.objects.active()
        .filter(organization=portal_site.organization)
        .select_related("role", "user", "group")
    )
    for grant in grants:
        holder = grant.user or grant.group
        if grant.role.allows(PUBLISH):
            reviewers.append(holder)
        elif grant.role.allows(EDIT):
            editors.append(holder)
    return editors, reviewers


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, VIEW):
        raise Http404(_("Site not found."))
    sites = PortalSite.objects.restrict(request.user, "view").select_related("organization", "site")
    editable = site_unit_ids(request.user, EDIT) | site_unit_ids(request.user, PUBLISH)
    return render(
        request,
        "portal/sites/list.html",
        {"sites": sites, "editable_units": editable, "can_create": has_permission(request.user, MANAGE)},
    )


@login_required
def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    portal_site = access_site(request.user, site_id)
    editors, reviewers = _site_people(portal_site)
    unit_id = portal_site.organization_id
    can_edit = unit_id in (site_unit_ids(request.user, EDIT) | site_unit_ids(request.user, PUBLISH))
    is_reviewer = unit_id in site_unit_ids(request.user, PUBLISH)
    context: dict[str, Any] = {
        "portal_site": portal_site,
        "editors": editors,
        "reviewers": reviewers,
        "can_edit": can_edit,
        "is_reviewer": is_reviewer,
        "edit_url": reverse("wagtailadmin_explore", args=[portal_site.site.root_page_id]),
    }
    if is_reviewer:
        incoming = Syndication.objects.filter(target_site=portal_site, status=SyndicationStatus.OFFERED)
        context["offers_in"] = [
            (offer, AcceptForm(portal_site=portal_site, prefix=f"o{offer.pk}"))
            for offer in incoming.select_related("source_site__organization", "offered_by")
        ]
        context["offers_out"] = Syndication.objects.filter(source_site=portal_site).select_related(
            "target_site__organization"
        )[:50]
        context["offer_form"] = OfferForm(portal_site=portal_site)
    return render(request, "portal/sites/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, MANAGE):
        raise Http404(_("Site not found."))
    form = SiteCreateForm(request.POST or None, units=units_with_permission(request.user, MANAGE))
    if request.method == "POST" and form.is_valid():
        try:
            portal_site = do_create_site(
                form.cleaned_data["unit"], hostname=form.cleaned_data["hostname"], acting_user=request.user
            )
        except ValidationError as error:
            form.add_error("hostname", error)
        else:
            messages.success(request, _("The site was set up."))
            return redirect("portal:site_detail", portal_site.pk)
    return render(request, "portal/sites/form.html", {"form": form})


@login_required
@require_POST
def syndication_offer(request: HttpRequest, site_id: int) -> HttpResponse:
    portal_site = access_site(request.user, site_id, action="publish")
    form = OfferForm(request.POST, portal_site=portal_site)
    if form.is_valid():
        try:
            do_offer_syndication(
                form.cleaned_data["page"],
                target_site=form.cleaned_data["target_site"],
                acting_user=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The article was offered."))
    else:
        messages.error(request, _("Choose an article of this site and another site."))
    return redirect("portal:site_detail", portal_site.pk)


@login_required
@require_POST
def syndication_accept(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access_offer(request.user, offer_id)
    form = AcceptForm(request.POST, portal_site=offer.target_site, prefix=f"o{offer.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a section of your site."))
        return redirect("portal:site_detail", offer.target_site_id)
    try:
        copy = do_accept_syndication(offer, section=form.cleaned_data["section"], acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:site_detail", offer.target_site_id)
    messages.success(
        request, _("A draft copy was created; it goes through your site's review before it is published.")
    )
    return redirect("wagtailadmin_pages:edit", copy.pk)


@login_required
@require_POST
def syndication_decline(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access_offer(request.user, offer_id)
    do_decline_syndication(offer, acting_user=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("The offer was declined."))
    return redirect("portal:site_detail", offer.target_site_id)


@login_required
@require_POST
def syndication_withdraw(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = access_own_offer(request.user, offer_id)
    do_withdraw_syndication(offer, acting_user=request.user)
    messages.success(request, _("The offer was withdrawn."))
    return redirect("portal:site_detail", offer.source_site_id)
