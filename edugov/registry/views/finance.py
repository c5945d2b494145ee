"""Finance (经费) pages: totals by year, direction and category; one page per unit and year.

The list shows (1) the totals of the filtered records by year × direction × category and
(2) one row per unit and year with its income and expenditure, paged. A unit's year is
edited as one form with an amount per category.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from edugov.core.access import units_with_permission
from edugov.core.permissions.scopes import has_permission
from edugov.registry import codes
from edugov.registry.access import access_finance_record
from edugov.registry.actions.records import do_create_record, do_update_record
from edugov.registry.choices import FinanceDirection
from edugov.registry.errors import RegistryError
from edugov.registry.exports import xlsx_response
from edugov.registry.forms.units import FinanceForm, FinanceYearForm, RecordFilterForm
from edugov.registry.lineage import history
from edugov.registry.models import FinanceRecord
from edugov.registry.views.units import (
    add_units,
    export_filters,
    filter_units,
    in_subtree,
    paginate,
    require_somewhere,
    save_or_errors,
)

NOT_FOUND = gettext_lazy("Finance record not found.")
TABLES = {FinanceDirection.INCOME: "finance_income", FinanceDirection.EXPENDITURE: "finance_expenditure"}
SUMMARY_LIMIT = 300


def category_label(direction: str, category: str) -> str:
    return codes.label(TABLES.get(direction, "finance_income"), category)


def _filter_form(request: HttpRequest, permission: str) -> RecordFilterForm:
    return RecordFilterForm(
        request.GET, units=filter_units(request.user, permission), kinds=list(FinanceDirection.choices)
    )


def _records(user: Any, action: str, form: RecordFilterForm) -> QuerySet:
    qs = in_subtree(FinanceRecord.objects.restrict(user, action), form.value("unit"))
    q = form.value("q")
    if q:
        qs = qs.filter(Q(organization__name__icontains=q) | Q(note__icontains=q))
    if form.value("kind"):
        qs = qs.filter(direction=form.value("kind"))
    if form.value("year"):
        qs = qs.filter(year=form.value("year"))
    return qs


def _summary(qs: QuerySet) -> list[dict[str, Any]]:
    rows = list(
        qs.values("year", "direction", "category")
        .annotate(total=Sum("amount"), units=Count("organization", distinct=True))
        .order_by("-year", "direction", "category")[:SUMMARY_LIMIT]
    )
    for row in rows:
        row["label"] = category_label(row["direction"], row["category"])
        row["direction_label"] = FinanceDirection(row["direction"]).label
    return rows


@login_required
@require_GET
def finance_list(request: HttpRequest) -> HttpResponse:
    require_somewhere(request.user, "registry.financerecord.view", NOT_FOUND)
    form = _filter_form(request, "registry.financerecord.view")
    qs = _records(request.user, "view", form)
    groups = (
        qs.values("organization", "organization__name", "organization__path", "year")
        .annotate(
            income=Sum("amount", filter=Q(direction=FinanceDirection.INCOME)),
            expenditure=Sum("amount", filter=Q(direction=FinanceDirection.EXPENDITURE)),
            categories=Count("pk"),
        )
        .order_by("organization__path", "-year")
    )
    page = paginate(request, groups)
    _attach_records(request.user, page, qs)
    return render(
        request,
        "registry/finance/list.html",
        {
            "form": form,
            "summary": _summary(qs),
            "page": page,
            "can_add": has_permission(request.user, "registry.financerecord.change"),
            "can_export": has_permission(request.user, "registry.financerecord.export"),
            "query": request.GET.urlencode(),
        },
    )


def _attach_records(user: Any, page: Any, qs: QuerySet) -> None:
    """Give each (unit, year) row of the page its amounts by category, in one query."""
    pairs = Q()
    for group in page:
        pairs |= Q(organization_id=group["organization"], year=group["year"])
        unit = SimpleNamespace(pk=group["organization"], path=group["organization__path"])
        group["editable"] = has_permission(user, "registry.financerecord.change", unit)
        group["records"] = {FinanceDirection.INCOME: [], FinanceDirection.EXPENDITURE: []}
    if not page.object_list:
        return
    by_group = {(g["organization"], g["year"]): g for g in page}
    for record in qs.filter(pairs).order_by("direction", "category"):
        record.label = category_label(record.direction, record.category)
        by_group[(record.organization_id, record.year)]["records"][record.direction].append(record)


@login_required
@require_GET
def finance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = access_finance_record(request.user, pk)
    return render(
        request,
        "registry/finance/detail.html",
        {
            "record": record,
            "category": category_label(record.direction, record.category),
            "history": history(record),
            "can_change": has_permission(request.user, "registry.financerecord.change", record.organization),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def finance_add(request: HttpRequest) -> HttpResponse:
    units = add_units(request.user, "registry.financerecord.change", NOT_FOUND)
    form = FinanceForm(request.POST or None, units=units, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        record = save_or_errors(
            form,
            lambda: do_create_record(
                FinanceRecord, form.cleaned_data["unit"], form.values(), acting_user=request.user
            ),
        )
        if record is not None:
            messages.success(request, _("Amount recorded."))
            return redirect("registry:finance_detail", pk=record.pk)
    return render(request, "registry/finance/form.html", {"form": form})


def _finance_unit(user: Any, pk: int, year: int) -> Any:
    """The unit whose year is edited: one where the user may change finance (else 404)."""
    unit = units_with_permission(user, "registry.financerecord.change").filter(pk=pk).first()
    if unit is None or not 1949 <= year <= timezone.localdate().year + 1:
        raise Http404(NOT_FOUND)
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def finance_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """A unit's income and expenditure for one year, one amount per category."""
    unit = _finance_unit(request.user, pk, year)
    existing = {
        (r.direction, r.category): r for r in FinanceRecord.objects.filter(organization=unit, year=year)
    }
    initial = {f"{d}_{c}": r.amount for (d, c), r in existing.items()}
    form = FinanceYearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = _save_year(unit, year, form.amounts(), existing, request.user)
        except (ValidationError, PermissionDenied, RegistryError) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("%(count)s amounts saved.") % {"count": changed})
            return redirect(f"{reverse('registry:finance_list')}?unit={unit.pk}&year={year}")
    return render(
        request,
        "registry/finance/year.html",
        {
            "form": form,
            "unit": unit,
            "year": year,
            "sections": [
                (FinanceDirection.INCOME.label, form.rows(FinanceDirection.INCOME)),
                (FinanceDirection.EXPENDITURE.label, form.rows(FinanceDirection.EXPENDITURE)),
            ],
            "records": sorted(existing.values(), key=lambda r: (r.direction, r.category)),
        },
    )


def _save_year(unit: Any, year: int, amounts: dict, existing: dict, user: Any) -> int:
    changed = 0
    with transaction.atomic():
        for (direction, category), amount in amounts.items():
            record = existing.get((direction, category))
            if record is None:
                values = {"year": year, "direction": direction, "category": category, "amount": amount}
                do_create_record(FinanceRecord, unit, values, acting_user=user)
                changed += 1
            elif do_update_record(record, {"amount": amount}, acting_user=user):
                changed += 1
    return changed


EXPORT_HEADERS = [
    gettext_lazy("Unit"),
    gettext_lazy("Year"),
    gettext_lazy("Income or expenditure"),
    gettext_lazy("Category code"),
    gettext_lazy("Category"),
    gettext_lazy("Amount (yuan)"),
    gettext_lazy("Note"),
]


@login_required
@require_GET
def finance_export(request: HttpRequest) -> HttpResponse:
    require_somewhere(request.user, "registry.financerecord.export", NOT_FOUND)
    form = _filter_form(request, "registry.financerecord.export")
    qs = (
        _records(request.user, "export", form)
        .select_related("organization")
        .order_by("organization__path", "-year", "direction", "category")
    )
    rows = (
        (
            r.organization.name,
            r.year,
            r.get_direction_display(),
            r.category,
            category_label(r.direction, r.category),
            r.amount,
            r.note,
        )
        for r in qs.iterator(chunk_size=2000)
    )
    return xlsx_response(
        "finance.xlsx",
        EXPORT_HEADERS,
        rows,
        acting_user=request.user,
        kind="finance",
        organization=form.value("unit"),
        filters=export_filters(form),
    )
