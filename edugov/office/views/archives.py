"""Archive pages (IN-5): the catalogue, a record, registering paper records, and loans.

Every write goes through ``office.actions.archives``. The digital loan view is for the
borrower only, while the loan lasts; it is watermarked with the borrower's name, unit and
the time, never cached, offers no download, and each opening is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from edugov.core.models import Organization
from edugov.core.permissions.scopes import entries_for, has_permission
from edugov.office.access_archives import access_archive_record, access_loan, visible_loans
from edugov.office.actions.archives import (
    ADD,
    APPROVE,
    BORROW,
    LEND,
    VIEW,
    ArchiveRefused,
    do_cancel_loan,
    do_decide_loan,
    do_lend_loan,
    do_log_loan_view,
    do_register_paper_record,
    do_request_loan,
    do_return_loan,
    may_decide,
    next_step,
)
from edugov.office.errors import ClassifiedRefused, OfficeError
from edugov.office.forms.archives import (
    ArchiveFilterForm,
    LoanDecisionForm,
    LoanRequestForm,
    PaperRecordForm,
)
from edugov.office.models.archives import ApprovalStep, ArchiveLoan, ArchiveRecord, LoanStatus
from edugov.office.todos_archives import loans_to_handle

PAGE_SIZE = 25
# Watermark marks: enough grid cells to cover the longest page (about 40 characters a cell).
WATERMARK_MIN, WATERMARK_MAX, WATERMARK_CHARS = 60, 1000, 40
LOAN_TABS = ("decide", "mine", "all")


def _unit(request: HttpRequest) -> Any:
    unit = getattr(request, "current_unit", None)
    return unit if unit else None


def _document_url(document_id: int | None) -> str:
    if not document_id:
        return ""
    try:
        return reverse("office:document_detail", args=[document_id])
    except NoReverseMatch:
        return ""


# --- Catalogue ----------------------------------------------------------------------------


@login_required
def archive_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user, VIEW):
        raise Http404(_("Archive record not found."))
    records = ArchiveRecord.objects.restrict(user, "view")
    units = list(
        Organization.objects.filter(pk__in=records.values("organization_id"))
        .order_by("path")
        .values_list("pk", "name")
    )
    form = ArchiveFilterForm(request.GET or None, units=units)
    qs = records
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            qs = qs.filter(
                Q(title__icontains=term)
                | Q(archive_number__icontains=term)
                | Q(keywords__icontains=term)
                | Q(responsible__icontains=term)
            )
        if data["year"]:
            qs = qs.filter(year=data["year"])
        if data["retention"]:
            qs = qs.filter(retention=data["retention"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["unit"]:
            qs = qs.filter(organization_id=data["unit"])
    qs = qs.select_related("organization").order_by("-year", "organization__path", "retention", "-sequence")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "office/archives/list.html",
        {
            "page": page,
            "form": form,
            "can_add": has_permission(user, ADD),
            "can_borrow": has_permission(user, BORROW),
        },
    )


@login_required
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = access_archive_record(request.user, pk)
    return _render_detail(request, record, LoanRequestForm())


def _render_detail(request: HttpRequest, record: ArchiveRecord, form: LoanRequestForm) -> HttpResponse:
    user = request.user
    unit = record.organization
    can_lend = has_permission(user, LEND, unit) or has_permission(user, APPROVE, unit)
    loans = record.loans.select_related("borrower", "unit").order_by("-created_at", "-pk")
    if not can_lend:
        loans = loans.filter(borrower=user)
    return render(
        request,
        "office/archives/detail.html",
        {
            "record": record,
            "document_url": _document_url(record.document_id),
            "loans": loans[:50],
            "can_borrow": has_permission(user, BORROW, unit),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _add_units(request: HttpRequest) -> Any:
    """Units whose catalogue the user may add to: directly granted ones and the current unit."""
    user = request.user
    ids = {entry.organization_id for entry in entries_for(user, ADD)}
    unit = _unit(request)
    if unit is not None and has_permission(user, ADD, unit):
        ids.add(unit.pk)
    return Organization.objects.filter(pk__in=ids).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def archive_paper_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user, ADD):
        raise Http404(_("Archive record not found."))
    units = _add_units(request)
    form = PaperRecordForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = do_register_paper_record(
                organization=data["organization"],
                title=data["title"],
                year=data["year"],
                retention=data["retention"],
                location=data["location"],
                secrecy=data["secrecy"],
                pages=data["pages"],
                items=data["items"],
                keywords=data["keywords"],
                responsible=data["responsible"],
                acting_user=user,
            )
        except ClassifiedRefused as error:
            form.add_error("secrecy", error.message)
        except (ArchiveRefused, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Registered as %(number)s.") % {"number": record.archive_number},
            )
            return redirect("office:archive_detail", pk=record.pk)
    return render(
        request, "office/archives/paper_new.html", {"form": form}, status=400 if form.errors else 200
    )


# --- Loans --------------------------------------------------------------------------------


@login_required
@require_POST
def loan_request(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    record = access_archive_record(user, pk, action="borrow")
    form = LoanRequestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            loan = do_request_loan(
                record,
                kind=data["kind"],
                purpose=data["purpose"],
                requested_days=data["requested_days"],
                acting_user=user,
                unit=_unit(request),
            )
        except (OfficeError, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Loan requested. The archivist decides next."))
            return redirect("office:loan_detail", pk=loan.pk)
    return _render_detail(request, record, form)


@login_required
def loan_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_decide = has_permission(user, LEND) or has_permission(user, APPROVE)
    if not (has_permission(user, BORROW) or can_decide):
        raise Http404(_("Loan not found."))
    unit = _unit(request)
    tab = request.GET.get("tab", "")
    if tab not in LOAN_TABS or (tab != "mine" and not can_decide):
        tab = "decide" if can_decide else "mine"
    if tab == "decide":
        qs = loans_to_handle(user, unit)
    elif tab == "mine":
        qs = ArchiveLoan.objects.filter(borrower=user).order_by("-created_at", "-pk")
    else:
        qs = visible_loans(user).order_by("-created_at", "-pk")
    qs = qs.select_related("record__organization", "borrower", "unit")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [("mine", _("My loans"))]
    if can_decide:
        tabs = [("decide", _("To handle")), *tabs, ("all", _("All in my scope"))]
    return render(
        request,
        "office/archives/loan_list.html",
        {"page": page, "tab": tab, "tabs": tabs, "today": timezone.localdate()},
    )


@login_required
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    loan = access_loan(user, pk)
    approvals = list(loan.approvals.select_related("decided_by"))
    step = next_step(loan, approvals)
    can_decide = may_decide(user, loan, step) and not (
        step == ApprovalStep.LEADER and any(a.decided_by_id == user.pk for a in approvals)
    )
    can_lend = has_permission(user, LEND, loan.record.organization)
    return render(
        request,
        "office/archives/loan_detail.html",
        {
            "loan": loan,
            "record": loan.record,
            "approvals": approvals,
            "step": step,
            "step_label": ApprovalStep(step).label if step else "",
            "can_decide": can_decide,
            "can_lend": can_lend and not loan.is_digital and loan.status == LoanStatus.APPROVED,
            "can_return": can_lend
            and not loan.is_digital
            and loan.status in (LoanStatus.LENT, LoanStatus.OVERDUE),
            "is_borrower": loan.borrower_id == user.pk,
            "can_cancel": loan.borrower_id == user.pk
            and (
                loan.status in (LoanStatus.REQUESTED, LoanStatus.APPROVED)
                or (loan.is_digital and loan.status == LoanStatus.LENT)
            ),
            "can_view": loan.borrower_id == user.pk and loan.digital_view_open(),
            "decision_form": LoanDecisionForm(),
            "today": timezone.localdate(),
        },
    )


def _deciding_loan(request: HttpRequest, pk: int) -> ArchiveLoan:
    """A loan of a record on whose unit the user lends or approves (404 otherwise)."""
    loan = access_loan(request.user, pk)
    unit = loan.record.organization
    if not (has_permission(request.user, LEND, unit) or has_permission(request.user, APPROVE, unit)):
        raise Http404(_("Loan not found."))
    return loan


def _done(request: HttpRequest, loan: ArchiveLoan, func: Any, success: str, **kwargs: Any) -> HttpResponse:
    try:
        func(loan, acting_user=request.user, **kwargs)
    except (OfficeError, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("office:loan_detail", pk=loan.pk)


@login_required
@require_POST
def loan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _deciding_loan(request, pk)
    form = LoanDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to reject."))
        return redirect("office:loan_detail", pk=loan.pk)
    approve = form.cleaned_data["decision"] == "approve"
    return _done(
        request,
        loan,
        do_decide_loan,
        _("Approved.") if approve else _("Rejected."),
        approve=approve,
        note=form.cleaned_data["note"],
    )


@login_required
@require_POST
def loan_lend(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _deciding_loan(request, pk)
    return _done(request, loan, do_lend_loan, _("Handed out."))


@login_required
@require_POST
def loan_return(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _deciding_loan(request, pk)
    return _done(request, loan, do_return_loan, _("Returned."))


@login_required
@require_POST
def loan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    loan = access_loan(request.user, pk, action="borrower")
    return _done(request, loan, do_cancel_loan, _("Loan cancelled."))


def _marks(body: str, opinions: list, record: ArchiveRecord) -> int:
    length = len(body) + sum(len(o.text) for o in opinions) + len(record.title)
    return max(WATERMARK_MIN, min(WATERMARK_MAX, WATERMARK_MIN + length // WATERMARK_CHARS))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    response["Pragma"] = "no-cache"
    return response


@never_cache
@login_required
def loan_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The digital loan's reader: watermarked, time-limited, audited, never cached."""
    user = request.user
    loan = access_loan(user, pk, action="borrower")
    if not loan.is_digital:
        raise Http404(_("Loan not found."))
    now = timezone.now()
    if not loan.digital_view_open(now):
        return _no_store(render(request, "office/archives/loan_expired.html", {"loan": loan}, status=404))
    do_log_loan_view(loan, acting_user=user)
    record = loan.record
    document = record.document
    body, opinions, attachments = "", [], []
    if document is not None:
        if document.current_body_id:
            body = document.current_body.blob.text
        opinions = list(document.opinions.order_by("created_at", "pk"))
        attachments = list(document.attachments.order_by("position", "pk").values_list("name", flat=True))
    watermark = "{name} · {unit} · {time}".format(
        name=user.real_name or user.username,
        unit=loan.unit.name,
        time=timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
    )
    response = render(
        request,
        "office/archives/loan_view.html",
        {
            "loan": loan,
            "record": record,
            "document": document,
            "body": body,
            "opinions": opinions,
            "attachments": attachments,
            "watermark": watermark,
            "marks": range(_marks(body, opinions, record)),
        },
    )
    return _no_store(response)


__all__ = [
    "archive_detail",
    "archive_list",
    "archive_paper_new",
    "loan_cancel",
    "loan_decide",
    "loan_detail",
    "loan_lend",
    "loan_list",
    "loan_request",
    "loan_return",
    "loan_view",
]
