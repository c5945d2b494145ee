"""Internal approval pages (IN-8): the kinds on offer, a request's form, its route and decisions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from edugov.core.forms import BootstrapFormMixin
from edugov.core.models import Membership
from edugov.office.access import access_task
from edugov.office.actions.approvals import approval_of, clean_values, do_decide_approval, do_submit_approval
from edugov.office.errors import OfficeError
from edugov.office.models import ApprovalComment, ApprovalKind, ApprovalRequest, WorkTask

OUTCOMES = {
    "approve_department": ("approve", "return", "reject"),
    "approve_leader": ("approve", "reject"),
    "revise": ("submit",),
}


def build_form(kind: ApprovalKind, data=None, initial=None) -> forms.Form:  # noqa: ANN001
    """A Django form from the kind's field list (the configurable form)."""
    fields: dict[str, forms.Field] = {"title": forms.CharField(label=_("Title"), max_length=200)}
    for spec in kind.fields:
        required, label = bool(spec.get("required")), spec["label"]
        kind_of = spec.get("type", "text")
        if kind_of == "textarea":
            field = forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))
        elif kind_of == "number":
            field = forms.DecimalField(label=label, required=required)
        elif kind_of == "date":
            field = forms.DateField(
                label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
            )
        elif kind_of == "choice":
            field = forms.ChoiceField(
                label=label, required=required, choices=[("", "—")] + [(c, c) for c in spec["choices"]]
            )
        else:
            field = forms.CharField(label=label, required=required, max_length=500)
        fields[spec["name"]] = field
    form_class = type("ApprovalForm", (BootstrapFormMixin, forms.Form), fields)
    return form_class(data=data, initial=initial)


def _submitted(form: forms.Form) -> dict[str, str]:
    """The filled-in values as text (dates in ISO form), for ``clean_values``."""
    return {
        name: (value.isoformat() if hasattr(value, "isoformat") else str(value))
        for name, value in form.cleaned_data.items()
        if value not in (None, "")
    }


def _home_unit(user):  # noqa: ANN001, ANN202
    membership = (
        Membership.objects.filter(user=user).select_related("organization").order_by("-is_primary").first()
    )
    return membership.organization if membership else None


@login_required
def approval_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    unit = _home_unit(user)
    kinds = ApprovalKind.objects.filter(
        Q(organization__isnull=True) | Q(organization=unit), is_active=True
    ).order_by("code")
    mine = ApprovalRequest.objects.filter(created_by=user).select_related("kind").order_by("-created_at")
    page = Paginator(mine, 25).get_page(request.GET.get("page"))
    waiting = (
        WorkTask.objects.open_for(user)
        .filter(process__subject_ref__startswith="office.approvalrequest:")
        .select_related("process")
        .order_by("created_at")[:50]
    )
    return render(request, "office/approvals/list.html", {"kinds": kinds, "page": page, "waiting": waiting})


@login_required
@require_http_methods(["GET", "POST"])
def approval_new(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    unit = _home_unit(user)
    if unit is None:
        raise Http404(_("Approval kind not found."))
    kind = (
        ApprovalKind.objects.filter(
            Q(organization__isnull=True) | Q(organization=unit), code=code, is_active=True
        )
        .order_by("organization")
        .first()
    )
    if kind is None:
        raise Http404(_("Approval kind not found."))
    form = build_form(kind, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        raw = _submitted(form)
        values, errors = clean_values(kind, raw)
        for name, message in errors.items():
            form.add_error(name, message)
        if not errors:
            approval = do_submit_approval(
                organization=unit,
                kind=kind,
                title=form.cleaned_data["title"],
                values=values,
                acting_user=user,
            )
            messages.success(request, _("Submitted for approval."))
            return redirect("office:approval_detail", approval.pk)
    return render(request, "office/approvals/new.html", {"kind": kind, "form": form})


def _access_approval(user, approval_id):  # noqa: ANN001, ANN202
    try:
        approval = ApprovalRequest.objects.select_related("kind", "organization", "created_by").get(
            pk=int(
                approval_id
            )  # scoped: the applicant, a step's holder or a grant on the unit, checked below
        )
    except (ApprovalRequest.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Approval request not found.")) from None
    if approval.created_by_id == user.pk:
        return approval
    if WorkTask.objects.filter(process_id=approval.process_id, candidates__user=user).exists():
        return approval
    if WorkTask.objects.filter(process_id=approval.process_id, completed_by=user).exists():
        return approval
    if ApprovalRequest.objects.restrict(user, "view").filter(pk=approval.pk).exists():
        return approval
    raise Http404(_("Approval request not found."))


@login_required
def approval_detail(request: HttpRequest, approval_id: int) -> HttpResponse:
    approval = _access_approval(request.user, approval_id)
    tasks = list(
        WorkTask.objects.filter(process_id=approval.process_id)
        .select_related("organization", "completed_by")
        .order_by("created_at", "id")
    )
    mine = list(WorkTask.objects.open_for(request.user).filter(process_id=approval.process_id))
    panels = []
    for task in mine:
        revise = (
            build_form(approval.kind, initial={"title": approval.title, **approval.values})
            if task.spec_name == "revise"
            else None
        )
        panels.append({"task": task, "outcomes": OUTCOMES.get(task.spec_name, ("done",)), "revise": revise})
    labels = {f["name"]: f["label"] for f in approval.kind.fields}
    values = [(labels.get(k, k), v) for k, v in approval.values.items()]
    comments = ApprovalComment.objects.filter(request=approval).select_related("author")
    return render(
        request,
        "office/approvals/detail.html",
        {"approval": approval, "tasks": tasks, "panels": panels, "values": values, "comments": comments},
    )


@login_required
@require_POST
def approval_decide(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id)
    approval = approval_of(task)
    outcome = request.POST.get("outcome", "")
    if outcome not in OUTCOMES.get(task.spec_name, ()):
        messages.error(request, _("This step cannot be answered that way."))
        return redirect("office:approval_detail", approval.pk)
    values = None
    if task.spec_name == "revise":
        form = build_form(approval.kind, data=request.POST)
        if not form.is_valid():
            messages.error(request, _("Correct the form and submit again."))
            return redirect("office:approval_detail", approval.pk)
        raw = _submitted(form)
        values, errors = clean_values(approval.kind, raw)
        if errors:
            for message in errors.values():
                messages.error(request, message)
            return redirect("office:approval_detail", approval.pk)
    try:
        do_decide_approval(
            task,
            acting_user=request.user,
            outcome=outcome,
            comment=request.POST.get("comment", ""),
            values=values,
        )
    except OfficeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": task.title})
    return redirect("office:approval_detail", approval.pk)
