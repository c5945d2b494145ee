"""Transfer pages (DB-3): the list with its tabs, the application, the timeline and decisions.

Every write goes through ``registry.actions.transfers``. Looking a student up to apply
shows only the name, the masked ID number and the current school, to users who may
apply; the full record stays with the school that holds the enrolment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from edugov.core.audit import log_event
from edugov.core.models import AuditEntry
from edugov.core.permissions.scopes import has_permission
from edugov.registry import codes
from edugov.registry.access import access_transfer
from edugov.registry.actions.transfers import (
    APPLY,
    APPROVE,
    do_apply_transfer,
    do_approve_transfer_step,
    do_reject_transfer_step,
    do_withdraw_transfer,
)
from edugov.registry.choices import EnrolmentState, StepStatus, TransferStatus
from edugov.registry.errors import RegistryError
from edugov.registry.events import RegistryEvent
from edugov.registry.forms.transfers import (
    StudentLookupForm,
    TransferApplyForm,
    TransferDecisionForm,
    TransferFilterForm,
    TransferWithdrawForm,
    apply_schools,
)
from edugov.registry.identity import id_lookup_hash, student_number_hash
from edugov.registry.models import Student, Transfer, TransferStep
from edugov.registry.todos_transfers import awaiting_steps

VIEW = "registry.transfer.view"
PAGE_SIZE = 25
TABS = ("awaiting", "applied", "all")
TOKEN_SALT = "registry.transfer.apply.student"  # noqa: S105 - a signing salt
TOKEN_MAX_AGE = 24 * 3600
# A school whose enrolment was refused because the person is enrolled elsewhere may open
# the application for that person by id (the conflict offers the transfer) for this long.
CONFLICT_WINDOW = dt.timedelta(days=1)


def _messages_of(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)]


# --- List ---------------------------------------------------------------------------------


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user, VIEW):
        raise Http404(_("Transfer not found."))
    unit = getattr(request, "current_unit", None)
    awaiting = awaiting_steps(user, unit)
    can_apply = has_permission(user, APPLY)
    tab = request.GET.get("tab", "")
    if tab not in TABS:
        tab = "awaiting" if awaiting.exists() else "all"
    qs = Transfer.objects.restrict(user, "view")
    if tab == "awaiting":
        qs = qs.filter(pk__in=awaiting.values("transfer_id"))
    elif tab == "applied":
        qs = qs.filter(to_school__in=apply_schools(user))
    form = TransferFilterForm(request.GET or None)
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            by_number = student_number_hash(term)
            qs = qs.filter(
                Q(student__name__icontains=term)
                | (Q(student__student_number_hash=by_number) if by_number else Q(pk__in=[]))
            )
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["step"]:
            qs = qs.filter(
                pk__in=TransferStep.objects.filter(kind=data["step"], status=StepStatus.PENDING).values(
                    "transfer_id"
                )
            )
        if data["overdue"]:
            qs = qs.filter(status=TransferStatus.PENDING, next_due_on__lt=today)
    order = ("next_due_on", "-applied_at") if tab == "awaiting" else ("-applied_at", "-pk")
    qs = (
        qs.select_related("student", "from_school", "to_school")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=TransferStep.objects.filter(status=StepStatus.PENDING).select_related(
                    "organization"
                ),
                to_attr="open_steps",
            )
        )
        .order_by(*order)
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/transfers/list.html",
        {
            "page": page,
            "form": form,
            "tab": tab,
            "tabs": [
                ("awaiting", _("Awaiting my unit's decision")),
                ("applied", _("Applied by my school")),
                ("all", _("All in my scope")),
            ],
            "awaiting_count": awaiting.count(),
            "can_apply": can_apply,
            "today": today,
        },
    )


# --- Application --------------------------------------------------------------------------


def find_student(value: str) -> Student | None:
    """The (unmerged) student with this student number or resident ID number, if any."""
    value = (value or "").strip().replace(" ", "").upper()
    if not value:
        return None
    people = Student.objects.filter(merged_into__isnull=True)
    person = people.filter(student_number_hash=student_number_hash(value)).first()
    if person is None:
        digest = id_lookup_hash("1", value)
        if digest:
            person = people.filter(id_hash=digest).first()
    return person


def _may_prefill(user: Any, student_id: Any) -> Student | None:
    """A student offered by id: one the user can see, or one their school was just refused."""
    try:
        pk = int(student_id)
    except (TypeError, ValueError):
        return None
    visible = Student.objects.restrict(user, "view").filter(pk=pk, merged_into__isnull=True).first()
    if visible is not None:
        return visible
    refused_here = AuditEntry.objects.filter(
        event_type=RegistryEvent.ENROL_REFUSED,
        organization__in=apply_schools(user),
        extra_data__student_id=pk,
        created_at__gte=timezone.now() - CONFLICT_WINDOW,
    ).exists()
    if not refused_here:
        return None
    return Student.objects.filter(pk=pk, merged_into__isnull=True).first()  # scoped: conflict above


def _card(student: Student) -> dict[str, Any]:
    """What an applying school may see of a student it does not (yet) hold."""
    active = student.enrolments.filter(state=EnrolmentState.ACTIVE).select_related("school").first()
    pending = Transfer.objects.filter(student=student, status=TransferStatus.PENDING).first()
    return {
        "name": student.name,
        "id_masked": student.id_masked or "—",
        "school": active.school.name if active else None,
        "pending": pending is not None,
    }


def _token(student: Student, user: Any) -> str:
    """The chosen student, carried by the form: signed, for this user, for a day."""
    return signing.dumps([student.pk, user.pk], salt=TOKEN_SALT)


def _student_from_token(token: str, user: Any) -> Student | None:
    try:
        pk, user_pk = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if user_pk != user.pk:
        return None
    # scoped: the token was signed for this user's lookup or conflict just before
    return Student.objects.filter(pk=pk, merged_into__isnull=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def transfer_apply(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user, APPLY):
        raise Http404(_("Transfer not found."))
    unit = getattr(request, "current_unit", None)
    student: Student | None = None
    lookup_form = StudentLookupForm(request.GET if "lookup" in request.GET else None)
    if request.method == "POST":
        form = TransferApplyForm(request.POST, user=user, unit=unit)
        student = _student_from_token(request.POST.get("student", ""), user)
        if student is None:
            form.add_error(None, _("Look the student up again by student number or ID number."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                transfer = do_apply_transfer(
                    student,
                    to_school=data["to_school"],
                    grade=data["grade"],
                    class_name=data["class_name"],
                    reason=data["reason"],
                    acting_user=user,
                )
            except (RegistryError, ValidationError, PermissionDenied) as error:
                for message in _messages_of(error):
                    form.add_error(None, message)
            else:
                messages.success(
                    request, _("Transfer application submitted. The sending school decides first.")
                )
                return redirect("registry:transfer_detail", pk=transfer.pk)
    else:
        if "student" in request.GET:
            student = _may_prefill(user, request.GET["student"])
            if student is None:
                messages.error(request, _("Look the student up by student number or ID number."))
        elif lookup_form.is_valid():
            student = find_student(lookup_form.cleaned_data["lookup"])
            log_event(
                RegistryEvent.TRANSFER_STUDENT_LOOKUP,
                acting_user=user,
                target=student,
                organization=unit,
                success=student is not None,
                extra={"found": student is not None},
            )
            if student is None:
                lookup_form.add_error(
                    "lookup",
                    _("No student has this student number or ID number. Check the number and try again."),
                )
        form = TransferApplyForm(user=user, unit=unit)
    return render(
        request,
        "registry/transfers/apply.html",
        {
            "form": form,
            "lookup_form": lookup_form,
            "card": _card(student) if student is not None else None,
            "token": _token(student, user) if student is not None else "",
        },
    )


# --- Detail and decisions ----------------------------------------------------------------


@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    transfer = access_transfer(user, pk)
    steps = list(transfer.steps.select_related("organization", "decided_by").order_by("order"))
    current = next((s for s in steps if s.status == StepStatus.PENDING), None)
    pending = transfer.status == TransferStatus.PENDING
    can_decide = bool(pending and current and has_permission(user, APPROVE, current.organization))
    return render(
        request,
        "registry/transfers/detail.html",
        {
            "transfer": transfer,
            "steps": steps,
            "current": current,
            "today": timezone.localdate(),
            "can_decide": can_decide,
            "can_withdraw": pending and has_permission(user, APPLY, transfer.to_school),
            # The placement at the receiving school is the receiving side's record.
            "show_placement": has_permission(user, VIEW, transfer.to_school),
            "grade_label": codes.label("grade", transfer.grade),
            "student_visible": Student.objects.restrict(user, "view").filter(pk=transfer.student_id).exists(),
            "decision_form": TransferDecisionForm() if can_decide else None,
            "withdraw_form": TransferWithdrawForm() if pending else None,
        },
    )


@login_required
@require_POST
def transfer_decide(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    user = request.user
    transfer = access_transfer(user, pk)
    # The step is looked up among the steps of the transfer the user may see.
    step_obj = transfer.steps.select_related("organization").filter(pk=step).first()
    if step_obj is None:
        raise Http404(_("Transfer not found."))
    if not has_permission(user, APPROVE, step_obj.organization):
        raise PermissionDenied(_("Only %(unit)s can decide on this step.") % {"unit": step_obj.organization})
    form = TransferDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("registry:transfer_detail", pk=transfer.pk)
    data = form.cleaned_data
    try:
        if data["decision"] == "approve":
            result = do_approve_transfer_step(step_obj, acting_user=user, note=data["note"])
            if result.status == TransferStatus.COMPLETED:
                messages.success(
                    request,
                    _("Approved. The transfer is complete: the student is now enrolled at %(school)s.")
                    % {"school": result.to_school.name},
                )
            else:
                messages.success(request, _("Approved. The next unit has been asked to decide."))
        else:
            do_reject_transfer_step(step_obj, acting_user=user, reason=data["note"])
            messages.success(request, _("Rejected. The applying school sees your reason."))
    except (RegistryError, ValidationError) as error:
        for message in _messages_of(error):
            messages.error(request, message)
    return redirect("registry:transfer_detail", pk=transfer.pk)


@login_required
@require_POST
def transfer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    transfer = access_transfer(user, pk)
    if not has_permission(user, APPLY, transfer.to_school):
        raise PermissionDenied(_("Only the applying school can withdraw this transfer."))
    form = TransferWithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        do_withdraw_transfer(transfer, acting_user=user, reason=reason)
    except RegistryError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The application has been withdrawn."))
    return redirect("registry:transfer_detail", pk=transfer.pk)
