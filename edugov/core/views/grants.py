from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from edugov.core.access import access_grant, access_role, units_with_permission
from edugov.core.actions.grants import do_create_grant, do_revoke_grant
from edugov.core.actions.roles import do_save_role
from edugov.core.forms import GrantCreateForm, RoleForm
from edugov.core.models import Grant, Organization, Role
from edugov.core.permissions.scopes import has_permission, has_root_permission


@login_required
def grant_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, "core.grant.view"):
        raise Http404(_("Grant not found."))
    qs = (
        Grant.objects.restrict(request.user, "view")
        .active()
        .select_related("user", "group", "role", "organization", "granted_by")
    )
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(
            Q(user__username__icontains=q)
            | Q(user__real_name__icontains=q)
            | Q(organization__name__icontains=q)
        )
    if request.GET.get("role"):
        qs = qs.filter(role__code=request.GET["role"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/grants/list.html",
        {
            "page": page,
            "q": q,
            "roles": Role.objects.all(),
            "can_add": has_permission(request.user, "core.grant.add"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_create(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, "core.grant.add"):
        raise Http404(_("Grant not found."))
    # Offer only the units inside the granter's scope; a forged unit id is refused and audited.
    units = units_with_permission(request.user, "core.grant.add")
    form = GrantCreateForm(
        request.POST or None, units=units, initial={"username": request.GET.get("user", "")}
    )
    if request.method == "POST":
        form.fields["organization"].queryset = Organization.objects.all()
        if form.is_valid():
            data = form.cleaned_data
            try:
                do_create_grant(
                    user=form.grantee,
                    role=data["role"],
                    organization=data["organization"],
                    include_descendants=data["include_descendants"],
                    acting_user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Role granted."))
                return redirect("workspace:grant_list")
    return render(request, "core/grants/form.html", {"form": form})


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access_grant(request.user, pk, action="revoke")
    try:
        do_revoke_grant(grant, acting_user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Grant revoked."))
    return redirect("workspace:grant_list")


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, "core.role.view"):
        raise Http404(_("Role not found."))
    return render(
        request,
        "core/grants/roles.html",
        {"roles": Role.objects.all(), "can_change": has_root_permission(request.user, "core.role.change")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    role = access_role(request.user, pk, action="change") if pk else None
    if role is None and not has_root_permission(request.user, "core.role.change"):
        raise Http404(_("Role not found."))
    initial = (
        {"code": role.code, "name": role.name, "description": role.description, "actions": role.actions}
        if role
        else {}
    )
    form = RoleForm(request.POST or None, initial=initial)
    if role is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_save_role(
                acting_user=request.user,
                role=role,
                code=role.code if role else data["code"],
                name=data["name"],
                description=data["description"],
                actions=data["actions"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Role saved."))
            return redirect("workspace:role_list")
    return render(request, "core/grants/role_form.html", {"form": form, "role": role})
