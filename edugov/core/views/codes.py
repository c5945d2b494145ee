"""Read-only reference pages: the code tables and the GB/T 2260 region list.

Every signed-in user may read them; nothing here writes. The data is loaded by
``edugov.core.bootstrap`` from files shipped with edugov.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from edugov.core.models import Code, CodeTable, Region
from edugov.core.regions import region_path

REGION_PAGE_SIZE = 50
DEFAULT_REGION_PREFIX = "65"  # the Xinjiang tree (650000)
QUERY_MAX_LENGTH = 40


@login_required
@require_GET
def code_table_list(request: HttpRequest) -> HttpResponse:
    """All code tables with their standard and number of codes."""
    tables = CodeTable.objects.annotate(code_count=Count("codes")).order_by("slug")
    return render(request, "core/codes/table_list.html", {"tables": tables})


def _depths(codes: list[Code]) -> dict[str, int]:
    """Nesting depth of each code, following ``parent_code`` within the table."""
    parents = {code.code: code.parent_code for code in codes}
    depths: dict[str, int] = {}
    for code in parents:
        depth, current, seen = 0, parents.get(code), {code}
        while current and current in parents and current not in seen:
            seen.add(current)
            depth, current = depth + 1, parents[current]
        depths[code] = depth
    return depths


@login_required
@require_GET
def code_table_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One code table with all its codes, category rows and flags."""
    table = get_object_or_404(CodeTable, slug=slug)  # scoped: code tables are public reference data
    codes = list(table.codes.order_by("sort_order", "code"))
    depths = _depths(codes)
    rows = [(code, depths[code.code]) for code in codes]
    return render(request, "core/codes/table_detail.html", {"table": table, "rows": rows})


def _region_queryset(query: str, parent: str, *, current_only: bool) -> QuerySet[Region]:
    regions = Region.objects.select_related("parent")
    if parent:
        regions = regions.filter(parent_id=parent)
    elif not query:
        regions = regions.filter(code__startswith=DEFAULT_REGION_PREFIX)
    if query:
        regions = regions.filter(Q(code__startswith=query) | Q(name__icontains=query))
    if current_only:
        regions = regions.filter(valid_until__isnull=True)
    return regions.order_by("code")


@login_required
@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    """Search regions by code or name, or list the children of one region (default: Xinjiang)."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    parent = request.GET.get("parent", "").strip()[:6]
    current_only = request.GET.get("current") == "1"
    regions = _region_queryset(query, parent, current_only=current_only)
    page = Paginator(regions, REGION_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "query": query,
        "parent": parent,
        "current_only": current_only,
        "breadcrumb": region_path(parent) if parent else [],
        "is_default_view": not (query or parent),
    }
    return render(request, "core/codes/region_list.html", context)
