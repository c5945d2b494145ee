"""Asset and equipment (设备资产) pages: list, record with history, add, edit and export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from edugov.core.permissions.scopes import has_permission
from edugov.registry import codes
from edugov.registry.access import access_asset
from edugov.registry.actions.records import ASSET_FIELDS, do_create_record, do_update_record
from edugov.registry.exports import xlsx_response
from edugov.registry.forms.units import AssetForm, RecordFilterForm
from edugov.registry.lineage import history
from edugov.registry.models import Asset, Building
from edugov.registry.views.units import (
    add_units,
    export_filters,
    filter_units,
    in_subtree,
    paginate,
    require_somewhere,
    save_or_errors,
)

NOT_FOUND = gettext_lazy("Asset not found.")
TOTAL_VALUE = ExpressionWrapper(
    F("unit_value") * F("quantity"), output_field=DecimalField(max_digits=20, decimal_places=2)
)


def _filter_form(request: HttpRequest, permission: str) -> RecordFilterForm:
    return RecordFilterForm(
        request.GET,
        units=filter_units(request.user, permission),
        kinds=codes.choices("asset_category"),
        statuses=codes.choices("asset_status"),
    )


def _assets(user: Any, action: str, form: RecordFilterForm) -> QuerySet:
    qs = Asset.objects.restrict(user, action).select_related("organization", "building")
    qs = in_subtree(qs, form.value("unit"))
    q = form.value("q")
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(asset_number=q)
            | Q(location__icontains=q)
            | Q(organization__name__icontains=q)
        )
    if form.value("kind"):
        qs = qs.filter(category=form.value("kind"))
    if form.value("status"):
        qs = qs.filter(status=form.value("status"))
    if form.value("year"):
        qs = qs.filter(acquired_on__year=form.value("year"))
    return qs.order_by("organization__path", "asset_number", "pk")


@login_required
@require_GET
def asset_list(request: HttpRequest) -> HttpResponse:
    require_somewhere(request.user, "registry.asset.view", NOT_FOUND)
    form = _filter_form(request, "registry.asset.view")
    qs = _assets(request.user, "view", form)
    totals = qs.aggregate(items=Sum("quantity"), worth=Sum(TOTAL_VALUE))
    return render(
        request,
        "registry/assets/list.html",
        {
            "form": form,
            "page": paginate(request, qs),
            "totals": totals,
            "can_add": has_permission(request.user, "registry.asset.add"),
            "can_export": has_permission(request.user, "registry.asset.export"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = access_asset(request.user, pk)
    return render(
        request,
        "registry/assets/detail.html",
        {
            "asset": asset,
            "history": history(asset),
            "can_change": has_permission(request.user, "registry.asset.change", asset.organization),
        },
    )


def _buildings_of(units: Any) -> QuerySet:
    return Building.objects.filter(organization__in=units).order_by("organization__path", "code")


@login_required
@require_http_methods(["GET", "POST"])
def asset_add(request: HttpRequest) -> HttpResponse:
    units = add_units(request.user, "registry.asset.add", NOT_FOUND)
    form = AssetForm(request.POST or None, units=units, buildings=_buildings_of(units))
    if request.method == "POST" and form.is_valid():
        asset = save_or_errors(
            form,
            lambda: do_create_record(
                Asset, form.cleaned_data["unit"], form.values(), acting_user=request.user
            ),
        )
        if asset is not None:
            messages.success(request, _("Asset %(name)s recorded.") % {"name": asset.name})
            return redirect("registry:asset_detail", pk=asset.pk)
    return render(request, "registry/assets/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    asset = access_asset(request.user, pk, action="change")
    initial = {f: getattr(asset, f) for f in ASSET_FIELDS}
    buildings = Building.objects.filter(organization=asset.organization).order_by("code")
    form = AssetForm(request.POST or None, initial=initial, buildings=buildings)
    if request.method == "POST" and form.is_valid():
        changes = save_or_errors(
            form, lambda: do_update_record(asset, form.values(), acting_user=request.user)
        )
        if changes is not None:
            messages.success(request, _("Changes saved.") if changes else _("Nothing was changed."))
            return redirect("registry:asset_detail", pk=asset.pk)
    return render(request, "registry/assets/form.html", {"form": form, "asset": asset})


EXPORT_HEADERS = [
    gettext_lazy("Unit"),
    gettext_lazy("Asset number"),
    gettext_lazy("Name"),
    gettext_lazy("Category"),
    gettext_lazy("Quantity"),
    gettext_lazy("Unit value (yuan)"),
    gettext_lazy("Total value (yuan)"),
    gettext_lazy("Location"),
    gettext_lazy("Building"),
    gettext_lazy("Acquired on"),
    gettext_lazy("Status"),
]


@login_required
@require_GET
def asset_export(request: HttpRequest) -> HttpResponse:
    require_somewhere(request.user, "registry.asset.export", NOT_FOUND)
    form = _filter_form(request, "registry.asset.export")
    rows = (
        (
            a.organization.name,
            a.asset_number,
            a.name,
            codes.label("asset_category", a.category),
            a.quantity,
            a.unit_value,
            a.total_value,
            a.location,
            a.building.name if a.building else "",
            a.acquired_on,
            codes.label("asset_status", a.status),
        )
        for a in _assets(request.user, "export", form).iterator(chunk_size=2000)
    )
    return xlsx_response(
        "assets.xlsx",
        EXPORT_HEADERS,
        rows,
        acting_user=request.user,
        kind="assets",
        organization=form.value("unit"),
        filters=export_filters(form),
    )
