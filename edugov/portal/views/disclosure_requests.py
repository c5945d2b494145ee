"""Disclosure on request (依申请公开, PUB-3): the citizen's form and correction, the staff's pages.

Public (namespace ``portal_public``, under /services/): ``disclosure_apply``,
``disclosure_submitted``, ``disclosure_correct``. The case's status page itself is the generic
one of every kind (/services/cases/<token>/), which includes
``portal/cases/kinds/disclosure.html``.

Staff (namespace ``portal``, under /portal/disclosure/): the list, the detail with the timeline
and the deadline explained day by day, and one POST view per step. Cases are read through
``access_case`` (404 for missing and for another unit's); each step is one action.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edugov.core.calendar import add_working_days
from edugov.core.models import Organization
from edugov.core.permissions.scopes import has_permission
from edugov.portal.abuse import rate_limited
from edugov.portal.access_cases import access_case, access_own_case
from edugov.portal.actions.citizens import citizen_profile
from edugov.portal.actions.disclosure_requests import (
    APPROVE,
    CORRECTION_WINDOW_DAYS,
    HANDLE,
    MAX_EXTENSION_DAYS,
    REPLY_RESULTS,
    REPLY_TEMPLATES,
    consultation_due,
    correction_due,
    correction_window,
    do_accept_request,
    do_close_without_correction,
    do_decide_extension,
    do_record_consultation,
    do_reply,
    do_request_correction,
    do_request_extension,
    do_start_consultation,
    do_submit_correction,
    do_submit_disclosure_request,
    extension_used,
    reply_template,
)
from edugov.portal.choices import OPEN_CASE_STATUSES, CaseKind, CaseStatus, ReplyType
from edugov.portal.clock import case_deadline
from edugov.portal.forms.disclosure import (
    AcceptForm,
    ConsultationForm,
    CorrectionForm,
    CorrectionRequestForm,
    DisclosureRequestForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    FilterForm,
    OpinionForm,
    ReplyForm,
)
from edugov.portal.models import Case
from edugov.portal.sites import current_portal_site
from edugov.portal.views.citizens import case_status_url

PAGE_SIZE = 25
QUERY_CODE_SESSION_KEY = "portal_query_code:%s"
VIEW = "portal.case.view"


# --- public: the request ------------------------------------------------------------------


def _portal_units() -> Any:
    return Organization.objects.filter(portal_site__isnull=False, is_active=True).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("disclosure_apply", limit=20, period=3600)
def apply(request: HttpRequest) -> HttpResponse:
    if citizen_profile(request.user) is None:
        return render(request, "portal/disclosure/citizens_only.html", status=403)
    portal_site = current_portal_site(request)
    initial = {"handling_unit": portal_site.organization_id} if portal_site else {}
    form = DisclosureRequestForm(
        request.POST or None, request.FILES or None, units=_portal_units(), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, query_code = do_submit_disclosure_request(
                requester=request.user,
                handling_unit=data["handling_unit"],
                site=portal_site,
                applicant_type=data["applicant_type"],
                organisation_name=data["organisation_name"],
                organisation_code=data["organisation_code"],
                description=data["description"],
                purpose=data["purpose"],
                delivery=data["delivery"],
                contact_email=data["contact_email"],
                contact_address=data["contact_address"],
                attachments=data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[QUERY_CODE_SESSION_KEY % case.tracking_token] = query_code
            return redirect("portal_public:disclosure_submitted", token=case.tracking_token)
    return render(
        request,
        "portal/disclosure/apply.html",
        {"form": form, "portal_site": portal_site, "profile": citizen_profile(request.user)},
    )


@login_required
@require_GET
def submitted(request: HttpRequest, token: str) -> HttpResponse:
    """The case number, the query code (this once) and the status page's address."""
    case = access_own_case(request.user, token)
    query_code = request.session.pop(QUERY_CODE_SESSION_KEY % case.tracking_token, "")
    return render(
        request,
        "portal/disclosure/submitted.html",
        {"case": case, "query_code": query_code, "status_url": case_status_url(case)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("disclosure_correct", limit=20, period=3600)
def correct(request: HttpRequest, token: str) -> HttpResponse:
    """The requester's corrected request (补正); only the signed-in owner, only while asked for."""
    case = access_own_case(request.user, token)
    if case.kind != CaseKind.DISCLOSURE:
        raise Http404(_("Case not found."))
    status_url = case_status_url(case)
    if case.status != CaseStatus.AWAITING_REQUESTER:
        messages.info(request, _("No correction is being asked for on this request."))
        return redirect(status_url)
    disclosure = case.disclosure
    form = CorrectionForm(
        request.POST or None,
        request.FILES or None,
        initial={"text": disclosure.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_submit_correction(
                case,
                acting_user=request.user,
                text=form.cleaned_data["text"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your corrected request has been received."))
            return redirect(status_url)
    return render(
        request,
        "portal/disclosure/correct.html",
        {
            "case": case,
            "disclosure": disclosure,
            "form": form,
            "due": correction_due(case, disclosure),
            "status_url": status_url,
        },
    )


# --- staff: list and detail -------------------------------------------------------------


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user, VIEW):
        raise Http404(_("Case not found."))
    qs = Case.objects.restrict(user, "view").filter(kind=CaseKind.DISCLOSURE)
    form = FilterForm(request.GET or None)
    today = timezone.localdate()
    if form.is_valid():
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        due = form.cleaned_data["due"]
        if due == "overdue":
            qs = qs.filter(status__in=OPEN_CASE_STATUSES, due_on__lt=today)
        elif due == "soon":
            horizon = add_working_days(today, 3).result
            qs = qs.filter(status__in=OPEN_CASE_STATUSES, due_on__range=(today, horizon))
    qs = qs.select_related("handling_unit").order_by("due_on", "-created_at")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page:
        case.deadline = case_deadline(case)
    return render(request, "portal/disclosure/staff_list.html", {"page": page, "form": form, "today": today})


def _detail_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    user = request.user
    disclosure = case.disclosure
    today = timezone.localdate()
    context: dict[str, Any] = {
        "case": case,
        "disclosure": disclosure,
        "deadline": case_deadline(case),
        "events": case.events.select_related("actor").order_by("at", "pk"),
        "clock_events": case.clock_events.select_related("actor", "approved_by").order_by("on", "pk"),
        "attachments": case.attachments.all(),
        "can_handle": has_permission(user, HANDLE, case.handling_unit),
        "can_approve": has_permission(user, APPROVE, case.handling_unit),
        "status_url": case_status_url(case),
        "today": today,
        "extension_used": extension_used(case),
        "max_extension": MAX_EXTENSION_DAYS,
    }
    status = case.status
    if status == CaseStatus.SUBMITTED:
        context["accept_form"] = AcceptForm()
    if status == CaseStatus.ACCEPTED and case.received_on:
        window = correction_window(case)
        context["correction_window"] = window
        if disclosure.correction_requested_at is None and today <= window.result:
            context["correction_form"] = CorrectionRequestForm()
        context["consultation_form"] = ConsultationForm()
    if status == CaseStatus.AWAITING_REQUESTER and disclosure.correction_requested_at:
        due = correction_due(case, disclosure)
        context["correction_due"] = due
        context["may_close_no_correction"] = today > due.result
    if status == CaseStatus.AWAITING_THIRD_PARTY and disclosure.consultation_started_on:
        context["consultation_due"] = consultation_due(case, disclosure)
        context["opinion_form"] = OpinionForm()
    if status in (CaseStatus.ACCEPTED, CaseStatus.AWAITING_THIRD_PARTY):
        if disclosure.extension_days:
            context["decision_form"] = ExtensionDecisionForm()
        elif extension_used(case) < MAX_EXTENSION_DAYS:
            context["extension_form"] = ExtensionRequestForm()
    context["correction_window_days"] = CORRECTION_WINDOW_DAYS
    return context


@login_required
@require_GET
def staff_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id, action="view", kind=CaseKind.DISCLOSURE)
    return render(request, "portal/disclosure/staff_detail.html", _detail_context(request, case))


# --- staff: one POST view per step --------------------------------------------------------


def _run(request: HttpRequest, case: Case, write: Callable[[], Any], success: str) -> HttpResponse:
    try:
        write()
    except (ValidationError, PermissionDenied) as refusal:
        text = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
        messages.error(request, text)
    else:
        messages.success(request, success)
    return redirect("portal:disclosure_detail", case_id=case.pk)


def _form_refused(request: HttpRequest, case: Case, form: Any) -> HttpResponse:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("portal:disclosure_detail", case_id=case.pk)


def _handled_case(request: HttpRequest, case_id: int, action: str = "handle") -> Case:
    return access_case(request.user, case_id, action=action, kind=CaseKind.DISCLOSURE)


@login_required
@require_POST
def staff_accept(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _handled_case(request, case_id)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, case, form)
    return _run(
        request,
        case,
        lambda: do_accept_request(case, acting_user=request.user, on=form.cleaned_data["on"]),
        _("Receipt confirmed; the clock has started."),
    )


@login_required
@require_POST
def staff_request_correction(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _handled_case(request, case_id)
    form = CorrectionRequestForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, case, form)
    return _run(
        request,
        case,
        lambda: do_request_correction(case, acting_user=request.user, text=form.cleaned_data["text"]),
        _("The correction notice has been sent; the clock is paused."),
    )


@login_required
@require_POST
def staff_close_no_correction(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _handled_case(request, case_id)
    return _run(
        request,
        case,
        lambda: do_close_without_correction(case, acting_user=request.user),
        _("The request is closed: no correction arrived in time."),
    )


@login_required
@require_POST
def staff_consult(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _handled_case(request, case_id)
    form = ConsultationForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, case, form)
    return _run(
        request,
        case,
        lambda: do_start_consultation(
            case,
            acting_user=request.user,
            third_party=form.cleaned_data["third_party"],
            reason=form.cleaned_data["reason"],
        ),
        _("The third party is consulted; the clock is paused."),
    )


@login_required
@require_POST
def staff_opinion(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _handled_case(request, case_id)
    form = OpinionForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, case, form)
    return _run(
        request,
        case,
        lambda: do_record_consultation(
            case, acting_user=request.user, opinion=form.cleaned_data["opinion"], on=form.cleaned_data["on"]
        ),
        _("The opinion is recorded; the clock runs again."),
    )


@login_required
@require_POST
def staff_request_extension(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _handled_case(request, case_id)
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, case, form)
    return _run(
        request,
        case,
        lambda: do_request_extension(
            case, acting_user=request.user, days=form.cleaned_data["days"], reason=form.cleaned_data["reason"]
        ),
        _("The extension request waits for the head of the disclosure office."),
    )


@login_required
@require_POST
def staff_decide_extension(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _handled_case(request, case_id, action="approve")
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, case, form)
    approve = form.cleaned_data["decision"] == "approve"
    return _run(
        request,
        case,
        lambda: do_decide_extension(
            case, acting_user=request.user, approve=approve, note=form.cleaned_data["note"]
        ),
        _("Extension approved; the requester is told.") if approve else _("Extension refused."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_reply(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _handled_case(request, case_id)
    if case.status != CaseStatus.ACCEPTED:
        messages.error(
            request, _("The request can be answered once receipt is confirmed and no step is pending.")
        )
        return redirect("portal:disclosure_detail", case_id=case.pk)
    reply_type = request.GET.get("reply_type") or ReplyType.PROVIDED
    if reply_type not in ReplyType.values:
        reply_type = ReplyType.PROVIDED
    initial = {
        "reply_type": reply_type,
        "result": REPLY_RESULTS[reply_type][0],
        "text": reply_template(case, reply_type),
    }
    form = ReplyForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_reply(
                case,
                acting_user=request.user,
                reply_type=data["reply_type"],
                result=data["result"],
                text=data["text"],
                attachments=data["attachments"],
            )
        except (ValidationError, PermissionDenied) as refusal:
            if isinstance(refusal, ValidationError):
                form.add_error(None, refusal)
            else:
                form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The reply is sent and shows on the requester's status page."))
            return redirect("portal:disclosure_detail", case_id=case.pk)
    templates = {key: reply_template(case, key) for key in REPLY_TEMPLATES}
    results = {key: list(values) for key, values in REPLY_RESULTS.items()}
    return render(
        request,
        "portal/disclosure/staff_reply.html",
        {
            "case": case,
            "disclosure": case.disclosure,
            "form": form,
            "deadline": case_deadline(case),
            "reply_data": {"templates": templates, "results": results},
            "reply_types": ReplyType.choices,
        },
    )
