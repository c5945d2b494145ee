from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from edugov.core.access import access_user, units_with_permission
from edugov.core.actions.users import (
    do_create_user,
    do_reset_user_password,
    do_set_user_active,
    do_view_personal_data,
)
from edugov.core.forms import UserCreateForm
from edugov.core.models import Grant, Membership, User
from edugov.core.permissions.scopes import has_permission
from edugov.platform.privacy import mask_email, mask_phone


def _memberships_prefetch() -> Prefetch:
    return Prefetch("memberships", queryset=Membership.objects.select_related("organization"))


def _may_on_any_unit(user: User, subject: User, permission: str) -> bool:
    return any(has_permission(user, permission, m.organization) for m in subject.memberships.all())


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, "core.user.view"):
        raise Http404(_("Account not found."))
    qs = User.objects.restrict(request.user, "view").prefetch_related(_memberships_prefetch())
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(real_name__icontains=q))
    page = Paginator(qs.order_by("username"), 50).get_page(request.GET.get("page"))
    for subject in page:
        subject.masked_phone = mask_phone(subject.phone)  # type: ignore[attr-defined]
    return render(
        request,
        "core/accounts/list.html",
        {"page": page, "q": q, "can_add": has_permission(request.user, "core.user.add")},
    )


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = access_user(request.user, pk)
    subject = User.objects.prefetch_related(_memberships_prefetch()).get(pk=subject.pk)
    grants = None
    if has_permission(request.user, "core.grant.view"):
        grants = (
            Grant.objects.restrict(request.user, "view")
            .active()
            .filter(user=subject)
            .select_related("role", "organization")
        )
    return render(
        request,
        "core/accounts/detail.html",
        {
            "subject": subject,
            "grants": grants,
            "masked": {"phone": mask_phone(subject.phone), "email": mask_email(subject.email)},
            "can_view_personal": _may_on_any_unit(request.user, subject, "core.user.view_personal"),
            "can_change": _may_on_any_unit(request.user, subject, "core.user.change"),
            "can_deactivate": _may_on_any_unit(request.user, subject, "core.user.deactivate"),
        },
    )


@login_required
@require_POST
def user_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show personal data in full to a viewer whose grant allows it; the view is audited."""
    subject = access_user(request.user, pk)
    if not _may_on_any_unit(request.user, subject, "core.user.view_personal"):
        raise Http404(_("Account not found."))
    data = do_view_personal_data(subject, acting_user=request.user)
    htmx = request.headers.get("HX-Request") == "true"
    template = "core/accounts/_personal_data.html" if htmx else "core/accounts/personal_data_page.html"
    return render(request, template, {"data": data, "subject": subject, "htmx": htmx})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    units = units_with_permission(request.user, "core.user.add")
    if not units.exists():
        raise Http404(_("Account not found."))
    form = UserCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subject = do_create_user(acting_user=request.user, **data)
            password = do_reset_user_password(subject, acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "core/accounts/created.html", {"subject": subject, "password": password})
    return render(request, "core/accounts/form.html", {"form": form})


@login_required
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    subject = access_user(request.user, pk)
    if not _may_on_any_unit(request.user, subject, "core.user.change"):
        raise Http404(_("Account not found."))
    password = do_reset_user_password(subject, acting_user=request.user)
    return render(
        request, "core/accounts/created.html", {"subject": subject, "password": password, "reset": True}
    )


@login_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    subject = access_user(request.user, pk)
    if subject.pk == request.user.pk or not _may_on_any_unit(request.user, subject, "core.user.deactivate"):
        raise Http404(_("Account not found."))
    active = request.POST.get("active") == "1"
    do_set_user_active(
        subject, is_active=active, acting_user=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("Account enabled.") if active else _("Account disabled."))
    return redirect("workspace:user_detail", pk=subject.pk)
