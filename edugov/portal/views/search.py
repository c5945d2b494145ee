"""The shared search of every portal site (网站群 shared search, PUB-9): /services/search/."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from edugov.portal import search as portal_search
from edugov.portal.abuse import clean_text, over_limit, rate_limited_response
from edugov.portal.models import PortalSite
from edugov.portal.sites import current_portal_site

PER_PAGE = 10
MAX_PAGE = 50
QUERY_MAX_LENGTH = 100
# A generous limit: a person paging through results never meets it; a scraper does.
SEARCH_LIMIT = 60
SEARCH_PERIOD = 60


def _page_number(raw: str) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """Live pages of every portal site matching the words typed, with their site's name."""
    if over_limit(request, "portal-search", limit=SEARCH_LIMIT, period=SEARCH_PERIOD):
        return rate_limited_response(request, SEARCH_PERIOD)
    current = current_portal_site(request)
    error = ""
    try:
        query = clean_text(
            request.GET.get("q", ""),
            max_length=QUERY_MAX_LENGTH,
            required=False,
            field_label=_("Search words"),
        )
    except ValidationError as exc:
        query, error = "", exc.messages[0]
    slug = request.GET.get("site", "")
    only_site = PortalSite.objects.select_related("organization").filter(slug=slug).first() if slug else None
    number = _page_number(request.GET.get("page", "1"))
    results = portal_search.search(
        query, portal_site=only_site, limit=PER_PAGE, offset=(number - 1) * PER_PAGE
    )
    num_pages = min(MAX_PAGE, (results.total + PER_PAGE - 1) // PER_PAGE)

    def page_url(n: int) -> str:
        params = {"q": query, "page": n}
        if only_site is not None:
            params["site"] = only_site.slug
        return "?" + urlencode(params)

    context = {
        "query": query,
        "error": error,
        "results": results,
        "current_site": current,
        "only_site": only_site,
        "number": number,
        "num_pages": num_pages,
        "previous_url": page_url(number - 1) if number > 1 else "",
        "next_url": page_url(number + 1) if number < num_pages else "",
        "page_links": [(n, page_url(n)) for n in range(max(1, number - 4), min(num_pages, number + 4) + 1)],
    }
    return render(request, "portal/search/results.html", context, status=400 if error else 200)
