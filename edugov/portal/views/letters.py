"""Public letter forms (领导信箱, 咨询, 投诉, 举报) and the published questions and answers (PUB-8).

Each form belongs to the site of the request's host: the letter is routed from that site's
unit (``actions.letters.resolve_route``). The receipt shows the case number, the query code
(once: it is never stored in clear) and the status page's address.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from edugov.portal.abuse import rate_limited
from edugov.portal.actions.letters import county_regions, do_submit_letter
from edugov.portal.choices import CaseKind
from edugov.portal.forms.letters import LetterForm
from edugov.portal.models import Letter
from edugov.portal.models.letters import LETTER_KINDS, LETTER_REPLY_DAYS
from edugov.portal.sites import current_portal_site

PUBLISHED_PAGE_SIZE = 20


def _site_or_404(request: HttpRequest):  # noqa: ANN202 - a PortalSite
    site = current_portal_site(request)
    if site is None:
        raise Http404(_("Page not found."))
    return site


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("letter_submit", limit=10)
def letter_new(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in LETTER_KINDS:
        raise Http404(_("Page not found."))
    site = _site_or_404(request)
    regions = county_regions(site.organization)
    form = LetterForm(request.POST or None, request.FILES or None, kind=kind, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, query_code = do_submit_letter(
                site=site,
                kind=kind,
                category=data["category"],
                region=data["region"],
                subject=data["subject"],
                content=data["content"],
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                consent_publish=data["consent_publish"],
                attachments=data["attachments"],
                requester=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            status_url = request.build_absolute_uri(
                reverse("portal_public:case_status", kwargs={"token": case.tracking_token})
            )
            return render(
                request,
                "portal/letters/receipt.html",
                {"case": case, "query_code": query_code, "status_url": status_url},
            )
    return render(
        request,
        "portal/letters/form.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": CaseKind(kind).label,
            "reply_days": LETTER_REPLY_DAYS[kind],
            "site": site,
        },
        status=400 if form.errors else 200,
    )


def _published(request: HttpRequest):  # noqa: ANN202 - a queryset of Letter
    site = _site_or_404(request)
    return Letter.objects.filter(published=True, case__site=site).select_related(
        "case", "case__handling_unit"
    )


@require_http_methods(["GET", "HEAD"])
def published_list(request: HttpRequest) -> HttpResponse:
    letters = _published(request).order_by("-published_at", "-pk")[:200]
    return render(request, "portal/letters/published_list.html", {"letters": letters})


@require_http_methods(["GET", "HEAD"])
def published_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = _published(request).filter(pk=pk).first()
    if letter is None:
        raise Http404(_("Page not found."))
    return render(request, "portal/letters/published_detail.html", {"letter": letter})
