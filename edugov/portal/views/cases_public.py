"""The public case status page, its rating / reopen / update forms, and the lookup (PUB-8; A.18).

The status page's address ``/services/cases/<tracking_token>/`` is the capability: whoever
holds it sees the case's number, kind, status, handling unit, dates, deadline with its
explanation, public timeline, reply and public attachments — and no personal data (no
name, phone, ID number or address). The subject and content may carry personal data, so
only the signed-in requester sees them. An unknown token answers 404.

Kind-specific parts come from ``portal/cases/kinds/<kind>.html`` (falling back to
``portal/cases/kinds/default.html``), included with the page's context: ``case``,
``is_owner``, ``reply_event``, ``deadline``.

Pages are never cached (they carry CSRF tokens and per-case data).
"""

from __future__ import annotations

import hmac
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from edugov.portal.abuse import rate_limited
from edugov.portal.actions.case_handling import EVENT_REPLIED
from edugov.portal.actions.cases import hash_query_code
from edugov.portal.actions.ratings import (
    REOPENABLE_STATUSES,
    can_rate,
    can_reopen,
    disclosure_remedy_message,
    do_add_requester_update,
    do_rate_case,
    do_reopen_case,
    rating_summary,
    reopen_deadline,
)
from edugov.portal.choices import BAD_RATINGS, CaseKind, Rating
from edugov.portal.clock import case_deadline
from edugov.portal.events_cases import NOTE_IN_LABEL, TIMELINE_LABELS
from edugov.portal.forms.letters import LookupForm, RatingForm, ReopenForm, RequesterUpdateForm
from edugov.portal.models import Case, CaseRating
from edugov.portal.sites import current_portal_site

# A dummy hash compared when the number is unknown, so both refusals take the same time.
_NO_CASE_HASH = hash_query_code("no-such-case")


def _case_by_token(token: str) -> Case:
    case = (
        Case.objects.filter(tracking_token=token).select_related("handling_unit", "requester", "site").first()
    )
    if case is None or not token:
        raise Http404(_("Case not found."))
    return case


def timeline_lines(events: Any) -> list[dict[str, Any]]:
    """Public timeline lines: when, label (in the active language), note."""
    lines = []
    for event in events:
        label = str(TIMELINE_LABELS.get(event.kind, event.kind))
        if event.kind in NOTE_IN_LABEL:
            label = label.format(unit=event.public_note, note=event.public_note)
            note = ""
        else:
            note = event.public_note
        lines.append({"at": event.at, "kind": event.kind, "label": label, "note": note, "pk": event.pk})
    return lines


def _is_owner(request: HttpRequest, case: Case) -> bool:
    return bool(request.user.is_authenticated and case.requester_id and case.requester_id == request.user.pk)


def _status_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    deadline = case_deadline(case)
    events = list(case.events.filter(public=True).order_by("at", "pk"))
    replies = [e for e in events if e.kind == EVENT_REPLIED]
    current_rating = CaseRating.objects.filter(case=case, round=case.reopen_count).first()
    return {
        "case": case,
        "is_owner": _is_owner(request, case),
        "deadline": deadline,
        "explain": deadline.explain(),
        "timeline": timeline_lines(events),
        "reply_event": replies[-1] if replies else None,
        "public_files": case.attachments.filter(public=True),
        "closure": case.closures.order_by("-closed_at", "-pk").first(),
        "rectifications": case.rectifications.order_by("created_at"),
        "current_rating": current_rating,
        "can_rate": can_rate(case),
        "can_reopen": can_reopen(case),
        "disclosure_remedy": disclosure_remedy_message()
        if case.kind == CaseKind.DISCLOSURE and case.status in REOPENABLE_STATUSES
        else "",
        "reopen_until": reopen_deadline(case),
        "rating_levels": Rating.choices,
        "bad_levels": [int(level) for level in BAD_RATINGS],
        "rating_form": RatingForm(),
        "reopen_form": ReopenForm(),
        "update_form": RequesterUpdateForm(),
        "kind_template": select_template(
            [f"portal/cases/kinds/{case.kind}.html", "portal/cases/kinds/default.html"]
        ),
    }


def _render_status(request: HttpRequest, case: Case, status: int = 200, **extra: Any) -> HttpResponse:
    context = _status_context(request, case)
    context.update(extra)
    response = render(request, "portal/cases/status.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "HEAD"])
def case_status(request: HttpRequest, token: str) -> HttpResponse:
    return _render_status(request, _case_by_token(token))


def _form_errors(form: Any, error: ValidationError, field: str | None = None) -> None:
    for message in error.messages:
        form.add_error(field, message)


@never_cache
@require_POST
@rate_limited("case_rate", limit=20)
def case_rate(request: HttpRequest, token: str) -> HttpResponse:
    """One click: the level button submits the form and the rating is stored at once."""
    case = _case_by_token(token)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            do_rate_case(
                case,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                requester=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Thank you: your rating has been recorded."))
            return redirect("portal_public:case_status", token=token)
    return _render_status(request, case, status=400, rating_form=form)


@never_cache
@require_POST
@rate_limited("case_reopen", limit=10)
def case_reopen(request: HttpRequest, token: str) -> HttpResponse:
    case = _case_by_token(token)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            do_reopen_case(case, reason=form.cleaned_data["reason"], requester=request.user)
        except ValidationError as error:
            _form_errors(form, error, None)
        else:
            messages.success(request, _("The case has been reopened; the handling unit will answer again."))
            return redirect("portal_public:case_status", token=token)
    return _render_status(request, case, status=400, reopen_form=form)


@never_cache
@require_POST
@rate_limited("case_update", limit=10)
def case_update(request: HttpRequest, token: str) -> HttpResponse:
    case = _case_by_token(token)
    form = RequesterUpdateForm(request.POST)
    if form.is_valid():
        try:
            do_add_requester_update(case, text=form.cleaned_data["text"], requester=request.user)
        except ValidationError as error:
            _form_errors(form, error, None)
        else:
            messages.success(request, _("Your message has been passed to the handling unit."))
            return redirect("portal_public:case_status", token=token)
    return _render_status(request, case, status=400, update_form=form)


@never_cache
@require_http_methods(["GET", "HEAD"])
def case_file(request: HttpRequest, token: str, pk: int) -> FileResponse:
    """A public attachment of the reply (staff files marked public only)."""
    case = _case_by_token(token)
    attachment = case.attachments.filter(pk=pk, public=True).first()
    if attachment is None:
        raise Http404(_("File not found."))
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("case_lookup", limit=10)
def case_lookup(request: HttpRequest) -> HttpResponse:
    """Number + query code → the status page. Unknown number and wrong code answer alike."""
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = (
            Case.objects.filter(number=form.cleaned_data["number"])
            .only("tracking_token", "query_code_hash")
            .first()
        )
        given = hash_query_code(form.cleaned_data["code"])
        expected = case.query_code_hash if case is not None and case.query_code_hash else _NO_CASE_HASH
        if case is not None and hmac.compare_digest(given, expected):
            return redirect("portal_public:case_status", token=case.tracking_token)
        form.add_error(None, _("No case matches this number and query code. Check both and try again."))
    return render(request, "portal/cases/lookup.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD"])
def ratings_summary(request: HttpRequest) -> HttpResponse:
    """好差评 statistics per unit of this site's tree (excluded ratings left out)."""
    site = current_portal_site(request)
    if site is None:
        raise Http404(_("Page not found."))
    root = site.organization
    ratings = CaseRating.objects.filter(unit__path__startswith=root.path)
    summary = rating_summary(ratings)
    from edugov.core.models import Organization

    units = {u.pk: u for u in Organization.objects.filter(pk__in=summary.keys())}
    levels = [value for value, _label in sorted(Rating.choices, reverse=True)]
    rows = []
    for unit_id, counts in sorted(summary.items(), key=lambda item: units[item[0]].path):
        total = sum(counts.values())
        good = sum(n for level, n in counts.items() if level not in BAD_RATINGS)
        rows.append(
            {
                "unit": units[unit_id],
                "counts": [counts.get(level, 0) for level in levels],
                "total": total,
                "satisfaction": round(100 * good / total, 1) if total else None,
            }
        )
    return render(
        request,
        "portal/cases/ratings_summary.html",
        {
            "rows": rows,
            "levels": [Rating(level).label for level in levels],
            "lookup_url": reverse("portal_public:case_lookup"),
        },
    )
