"""Building (校舍) pages: list, record with history, add, edit and export.

The safety rating belongs to the county bureau (一数一源): its safety office edits a
building with only the rating fields open, the school with only the facts open.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from edugov.core.permissions.scopes import has_permission
from edugov.registry import codes
from edugov.registry.access import access_building
from edugov.registry.actions.records import BUILDING_FIELDS, do_create_record, do_update_record
from edugov.registry.exports import xlsx_response
from edugov.registry.forms.units import BuildingForm, RecordFilterForm
from edugov.registry.lineage import history
from edugov.registry.models import Building
from edugov.registry.ownership import editable_fields
from edugov.registry.views.units import (
    add_units,
    export_filters,
    filter_units,
    in_subtree,
    paginate,
    require_somewhere,
    save_or_errors,
)

NOT_FOUND = gettext_lazy("Building not found.")


def _filter_form(request: HttpRequest, permission: str) -> RecordFilterForm:
    return RecordFilterForm(
        request.GET,
        units=filter_units(request.user, permission),
        kinds=codes.choices("building_type"),
        statuses=codes.choices("building_safety"),
    )


def _buildings(user: Any, action: str, form: RecordFilterForm) -> QuerySet:
    qs = in_subtree(
        Building.objects.restrict(user, action).select_related("organization"), form.value("unit")
    )
    q = form.value("q")
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(code=q) | Q(use__icontains=q) | Q(organization__name__icontains=q)
        )
    if form.value("kind"):
        qs = qs.filter(building_type=form.value("kind"))
    if form.value("status"):
        qs = qs.filter(safety_rating=form.value("status"))
    if form.value("year"):
        qs = qs.filter(year_built=form.value("year"))
    return qs.order_by("organization__path", "code", "pk")


@login_required
@require_GET
def building_list(request: HttpRequest) -> HttpResponse:
    require_somewhere(request.user, "registry.building.view", NOT_FOUND)
    form = _filter_form(request, "registry.building.view")
    qs = _buildings(request.user, "view", form)
    return render(
        request,
        "registry/buildings/list.html",
        {
            "form": form,
            "page": paginate(request, qs),
            "total_area": qs.aggregate(total=Sum("floor_area"))["total"],
            "can_add": has_permission(request.user, "registry.building.add"),
            "can_export": has_permission(request.user, "registry.building.export"),
            "query": request.GET.urlencode(),
        },
    )


def _may_edit(user: Any, building: Building) -> bool:
    return bool(editable_fields(user, building))


@login_required
@require_GET
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    building = access_building(request.user, pk)
    dangerous = bool(codes.attributes("building_safety", building.safety_rating).get("dangerous"))
    return render(
        request,
        "registry/buildings/detail.html",
        {
            "building": building,
            "history": history(building),
            "dangerous": dangerous,
            "can_change": _may_edit(request.user, building),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def building_add(request: HttpRequest) -> HttpResponse:
    units = add_units(request.user, "registry.building.add", NOT_FOUND)
    form = BuildingForm(request.POST or None, units=units)
    # A new building is rated by the county's safety office afterwards, not by the school.
    form.limit_to(set(BUILDING_FIELDS) - {"safety_rating", "safety_assessed_on"})
    if request.method == "POST" and form.is_valid():
        building = save_or_errors(
            form,
            lambda: do_create_record(
                Building, form.cleaned_data["unit"], form.values(), acting_user=request.user
            ),
        )
        if building is not None:
            messages.success(request, _("Building %(name)s recorded.") % {"name": building.name})
            return redirect("registry:building_detail", pk=building.pk)
    return render(request, "registry/buildings/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def building_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Open to the school (facts) and to the county bureau's safety office (rating)."""
    try:
        building = access_building(request.user, pk, action="change")
    except Http404:
        building = access_building(request.user, pk, action="rate_safety")
    editable = editable_fields(request.user, building) or set()
    if not editable:
        raise Http404(NOT_FOUND)
    initial = {f: getattr(building, f) for f in BUILDING_FIELDS}
    form = BuildingForm(request.POST or None, initial=initial)
    form.limit_to(editable)
    if request.method == "POST" and form.is_valid():
        values = {f: v for f, v in form.values().items() if f in editable}
        changes = save_or_errors(form, lambda: do_update_record(building, values, acting_user=request.user))
        if changes is not None:
            messages.success(request, _("Changes saved.") if changes else _("Nothing was changed."))
            return redirect("registry:building_detail", pk=building.pk)
    return render(request, "registry/buildings/form.html", {"form": form, "building": building})


EXPORT_HEADERS = [
    gettext_lazy("Unit"),
    gettext_lazy("Building number"),
    gettext_lazy("Name"),
    gettext_lazy("Type"),
    gettext_lazy("Floor area (m²)"),
    gettext_lazy("Floors"),
    gettext_lazy("Year built"),
    gettext_lazy("Structure"),
    gettext_lazy("Safety rating"),
    gettext_lazy("Safety assessed on"),
    gettext_lazy("Current use"),
]


@login_required
@require_GET
def building_export(request: HttpRequest) -> HttpResponse:
    require_somewhere(request.user, "registry.building.export", NOT_FOUND)
    form = _filter_form(request, "registry.building.export")
    rows = (
        (
            b.organization.name,
            b.code,
            b.name,
            codes.label("building_type", b.building_type),
            b.floor_area,
            b.floors,
            b.year_built,
            codes.label("building_structure", b.structure),
            codes.label("building_safety", b.safety_rating) if b.safety_rating else "",
            b.safety_assessed_on,
            b.use,
        )
        for b in _buildings(request.user, "export", form).iterator(chunk_size=2000)
    )
    return xlsx_response(
        "buildings.xlsx",
        EXPORT_HEADERS,
        rows,
        acting_user=request.user,
        kind="buildings",
        organization=form.value("unit"),
        filters=export_filters(form),
    )
