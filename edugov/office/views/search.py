"""The office search page (IN-4): /office/search/?q=…&kind=…&page=…"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from edugov.core.permissions.scopes import has_permission
from edugov.office.search.index import KIND_LABELS, may_search
from edugov.office.search.index import search as run_search

PAGE_SIZE = 20
MAX_PAGES = 50


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_search(user):
        raise Http404(_("Page not found."))
    query = (request.GET.get("q") or "").strip()[:200]
    kind = request.GET.get("kind", "")
    if kind not in KIND_LABELS:
        kind = ""
    try:
        number = max(1, min(int(request.GET.get("page", 1)), MAX_PAGES))
    except (TypeError, ValueError):
        number = 1
    results, total, terms = [], 0, []
    page: Page | None = None
    if query:
        found = run_search(
            user, query, kinds=[kind] if kind else None, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
        )
        results, total, terms = found.results, found.total, found.terms
        if total:
            paginator = Paginator(range(total), PAGE_SIZE)
            page = paginator.get_page(number)
    return render(
        request,
        "office/search/search.html",
        {
            "query": query,
            "kind": kind,
            "kinds": [(key, label) for key, label in KIND_LABELS.items()],
            "results": results,
            "total": total,
            "terms": terms,
            "page": page,
            "can_archive": has_permission(user, "office.archiverecord.view"),
        },
    )
