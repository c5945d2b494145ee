"""School profile pages: the schools in scope, one school's profile with history, its edit form.

A profile is addressed by its school's unit id. A school without a profile yet shows an
empty one, and saving the form creates it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from edugov.core.access import units_with_permission
from edugov.core.choices import OrganizationKind
from edugov.core.permissions.scopes import has_permission
from edugov.registry import codes
from edugov.registry.actions.records import SCHOOL_PROFILE_FIELDS, do_create_record, do_update_record
from edugov.registry.forms.units import RecordFilterForm, SchoolProfileForm
from edugov.registry.lineage import history
from edugov.registry.models import SchoolProfile
from edugov.registry.views.units import filter_units, in_subtree, paginate, require_somewhere, save_or_errors

NOT_FOUND = gettext_lazy("School not found.")


def _school(user: Any, pk: int, action: str) -> tuple[Any, SchoolProfile | None]:
    """The school (a unit where the user holds ``registry.schoolprofile.<action>``) and its profile."""
    school = (
        units_with_permission(user, f"registry.schoolprofile.{action}")
        .filter(pk=pk, kind=OrganizationKind.SCHOOL)
        .first()
    )
    if school is None:
        raise Http404(NOT_FOUND)
    return school, SchoolProfile.objects.filter(organization=school).first()


@login_required
@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_somewhere(user, "registry.schoolprofile.view", NOT_FOUND)
    form = RecordFilterForm(request.GET, units=filter_units(user, "registry.schoolprofile.view"))
    schools = in_subtree(units_with_permission(user, "registry.schoolprofile.view"), form.value("unit"), "")
    schools = schools.filter(kind=OrganizationKind.SCHOOL).select_related("school_profile", "region")
    q = form.value("q")
    if q:
        schools = schools.filter(Q(name__icontains=q) | Q(school_code=q) | Q(region__name__icontains=q))
    if form.value("year"):
        schools = schools.filter(school_profile__founding_year=form.value("year"))
    return render(
        request,
        "registry/schools/list.html",
        {"form": form, "page": paginate(request, schools.order_by("path"))},
    )


@login_required
@require_GET
def school_profile(request: HttpRequest, pk: int) -> HttpResponse:
    school, profile = _school(request.user, pk, "view")
    return render(
        request,
        "registry/schools/profile.html",
        {
            "school": school,
            "profile": profile,
            "stages": [codes.label("stage", c) for c in (profile.stages if profile else [])],
            "grades": [codes.label("grade", c) for c in (profile.grades if profile else [])],
            "history": history(profile) if profile else [],
            "can_change": has_permission(request.user, "registry.schoolprofile.change", school),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school, profile = _school(request.user, pk, "change")
    initial = {f: getattr(profile, f) for f in SCHOOL_PROFILE_FIELDS} if profile else {}
    form = SchoolProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        if profile is None:
            result = save_or_errors(
                form, lambda: do_create_record(SchoolProfile, school, values, acting_user=request.user)
            )
        else:
            result = save_or_errors(form, lambda: do_update_record(profile, values, acting_user=request.user))
        if result is not None:
            messages.success(request, _("Changes saved.") if result != {} else _("Nothing was changed."))
            return redirect("registry:school_profile", pk=school.pk)
    return render(request, "registry/schools/form.html", {"form": form, "school": school})
