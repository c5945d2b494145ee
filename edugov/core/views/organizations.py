from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from edugov.core.access import access_organization
from edugov.core.actions.organizations import (
    do_change_organization,
    do_close_organization,
    do_create_organization,
)
from edugov.core.choices import OrganizationKind
from edugov.core.forms import OrganizationCloseForm, OrganizationCreateForm, OrganizationEditForm
from edugov.core.models import Grant, Membership, Organization
from edugov.core.permissions.scopes import has_permission


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, "core.organization.view"):
        raise Http404(_("Unit not found."))
    qs = Organization.objects.restrict(request.user, "view").select_related("region")
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(school_code=q) | Q(region__name__icontains=q))
    if kind in OrganizationKind.values:
        qs = qs.filter(kind=kind)
    if request.GET.get("closed") != "1":
        qs = qs.filter(is_active=True)
    page = Paginator(qs.order_by("path"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/organizations/list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": OrganizationKind.choices,
            "min_depth_neg": -min((o.depth for o in page), default=1),
        },
    )


@login_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = access_organization(request.user, pk)
    user = request.user
    children = (
        Organization.objects.restrict(user, "view")
        .filter(path__startswith=org.path, depth=org.depth + 1)
        .select_related("region")
    )
    ancestors = Organization.objects.restrict(user, "view").filter(
        path__in=[org.path[: i * Organization.steplen] for i in range(1, org.depth)]
    )
    members = grants = None
    if has_permission(user, "core.membership.view", org):
        members = Membership.objects.filter(organization=org).select_related("user")[:200]
    if has_permission(user, "core.grant.view", org):
        grants = Grant.objects.active().filter(organization=org).select_related("user", "group", "role")
    return render(
        request,
        "core/organizations/detail.html",
        {
            "org": org,
            "children": children,
            "ancestors": ancestors,
            "members": members,
            "grants": grants,
            "school_codes": org.school_codes.all() if org.is_school else None,
            "can_add": has_permission(user, "core.organization.add", org),
            "can_change": has_permission(user, "core.organization.change", org),
            "can_close": has_permission(user, "core.organization.close", org) and org.is_active,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = access_organization(request.user, pk, action="add")
    form = OrganizationCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = do_create_organization(
                parent=parent,
                acting_user=request.user,
                name=data["name"],
                short_name=data["short_name"],
                kind=data["kind"],
                level=data["level"],
                region=data["region"],
                school_code=data["school_code"] or None,
                school_type=data["school_type"],
                school_sponsor=data["school_sponsor"],
                credit_code=data["credit_code"] or None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Unit %(name)s created.") % {"name": org.name})
            return redirect("workspace:org_detail", pk=org.pk)
    return render(request, "core/organizations/form.html", {"form": form, "parent": parent})


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = access_organization(request.user, pk, action="change")
    instance = Organization.objects.get(pk=org.pk)  # scoped: org came from access_organization
    form = OrganizationEditForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            do_change_organization(
                org,
                acting_user=request.user,
                **{f: form.cleaned_data[f] for f in form.Meta.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("workspace:org_detail", pk=org.pk)
    return render(request, "core/organizations/form.html", {"form": form, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def org_close(request: HttpRequest, pk: int) -> HttpResponse:
    org = access_organization(request.user, pk, action="close")
    form = OrganizationCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_close_organization(org, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Unit closed."))
            return redirect("workspace:org_detail", pk=org.pk)
    return render(request, "core/organizations/close.html", {"form": form, "org": org})
