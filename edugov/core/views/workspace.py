from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edugov.core.audit import AuditEvent, log_event
from edugov.core.auth.adapter import CITIZEN_HOME, is_citizen_account
from edugov.core.middleware import UNIT_SESSION_KEY
from edugov.core.models import Organization
from edugov.core.permissions.scopes import user_grants
from edugov.core.todos import todo_count, todos_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if is_citizen_account(user):  # citizens have no workspace: their page is "my cases"
        return redirect(CITIZEN_HOME)
    unit = request.current_unit  # type: ignore[attr-defined]
    grants = user_grants(user)  # type: ignore[arg-type]
    visible_units = Organization.objects.restrict(user, "view").filter(is_active=True)
    return render(
        request,
        "workspace/home.html",
        {
            "unit": unit,
            "grants": grants,
            "todo_total": todo_count(user, unit),
            "unit_count": visible_units.count(),
            "school_count": visible_units.schools().count(),
        },
    )


@login_required
def todos(request: HttpRequest) -> HttpResponse:
    unit = request.current_unit  # type: ignore[attr-defined]
    return render(request, "workspace/todos.html", {"groups": todos_for(request.user, unit)})


@login_required
@require_POST
def switch_unit(request: HttpRequest) -> HttpResponse:
    try:
        unit_id = int(request.POST.get("unit", ""))
    except ValueError:
        unit_id = 0
    membership = (
        request.user.memberships.filter(organization_id=unit_id).select_related("organization").first()
    )
    if membership is None:
        messages.error(request, _("You are not a member of that unit."))
    else:
        request.session[UNIT_SESSION_KEY] = membership.organization_id
        log_event(AuditEvent.UNIT_SWITCHED, acting_user=request.user, target=membership.organization)
        messages.success(request, _("Now working for %(unit)s.") % {"unit": membership.organization.name})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "workspace:home"
    return redirect(target)
