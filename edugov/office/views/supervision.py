"""Supervision pages (督查督办, IN-3): the list, a new item, the item with its progress
timeline, progress reports with evidence, the supervising unit's decisions and the
leaders' overview.

Every write goes through ``edugov.office.actions.supervision``. Items are read through
``access_supervision_item`` (404 for missing and not allowed): ``view`` for the pages,
``report`` for the progress form, ``manage`` for the supervising unit's decisions.

``supervision_new`` accepts GET parameters so other areas can link to it prefilled:
``title``, ``source_kind`` (instruction, meeting, document, manual), ``source_document``
(a document id the user may see), ``source_ref`` (``"<app>.<model>:<pk>"``) and
``source_label``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edugov.core.permissions.scopes import has_permission
from edugov.office.access_supervision import (
    ADD,
    VIEW,
    access_evidence,
    access_supervision_item,
    may_manage,
    may_report,
)
from edugov.office.actions.supervision import (
    SupervisionError,
    do_add_milestone,
    do_cancel_item,
    do_change_deadline,
    do_complete_item,
    do_complete_milestone,
    do_create_supervision_item,
    do_escalate_item,
    do_report_progress,
)
from edugov.office.forms.supervision import (
    AddMilestoneForm,
    DeadlineForm,
    EscalateForm,
    MilestoneFormSet,
    NoteForm,
    ProgressReportForm,
    ReasonForm,
    SupervisionFilterForm,
    SupervisionItemForm,
    resolved_due,
)
from edugov.office.models import Document, Rag, SourceKind, SupervisionItem, SupervisionStatus

PAGE_SIZE = 25
OVERDUE_LIST_SIZE = 50
RAG_ORDER = Case(
    When(rag=Rag.RED, then=Value(0)),
    When(rag=Rag.AMBER, then=Value(1)),
    When(rag=Rag.GREEN, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def _not_found() -> Http404:
    return Http404(_("Supervision item not found."))


def _reverse_or_none(name: str, pk: Any) -> str | None:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def source_url(item: SupervisionItem) -> str | None:
    """Where the item came from: the document, or ``<app>:<model>_detail`` of ``source_ref``."""
    if item.source_document_id:
        return _reverse_or_none("office:document_detail", item.source_document_id)
    if ":" in item.source_ref:
        model, pk = item.source_ref.split(":", 1)
        app, _dot, name = model.partition(".")
        if app and name and pk.isdigit():
            return _reverse_or_none(f"{app}:{name}_detail", int(pk))
    return None


def _source_text(item: SupervisionItem) -> str:
    if item.source_label:
        return item.source_label
    if item.source_document_id:
        return item.source_document.title
    return ""


# --- List and overview --------------------------------------------------------------------


@login_required
@require_GET
def supervision_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user, VIEW):
        raise _not_found()
    visible = SupervisionItem.objects.restrict(user, "view")
    units = list(
        visible.order_by("owner_unit__path").values_list("owner_unit_id", "owner_unit__name").distinct()
    )
    data = request.GET.copy()
    data.setdefault("status", SupervisionStatus.OPEN)
    form = SupervisionFilterForm(data, units=units)
    qs = visible
    if form.is_valid():
        filters = form.cleaned_data
        if filters["status"]:
            qs = qs.filter(status=filters["status"])
        if filters["rag"]:
            qs = qs.filter(rag=filters["rag"])
        if filters["unit"]:
            qs = qs.filter(
                pk__in=SupervisionItem.objects.filter(
                    Q(owner_unit_id=filters["unit"]) | Q(co_units=filters["unit"])
                ).values("pk")
            )
        if filters["mine"]:
            qs = qs.filter(
                pk__in=SupervisionItem.objects.filter(
                    Q(owner=user) | Q(co_owners=user) | Q(created_by=user)
                ).values("pk")
            )
        if filters["q"]:
            qs = qs.filter(title__icontains=filters["q"].strip())
    qs = (
        qs.select_related("owner_unit", "organization", "source_document")
        .prefetch_related("co_units")
        .annotate(rag_order=RAG_ORDER)
        .order_by("rag_order", "due_on", "pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.source_url = source_url(item)
        item.source_text = _source_text(item)
    return render(
        request,
        "office/supervision/list.html",
        {
            "page": page,
            "form": form,
            "today": timezone.localdate(),
            "can_add": has_permission(user, ADD),
        },
    )


@login_required
@require_GET
def supervision_overview(request: HttpRequest) -> HttpResponse:
    """Per lead unit: red, amber, green and completed counts; and the overdue items."""
    user = request.user
    if not has_permission(user, VIEW):
        raise _not_found()
    visible = SupervisionItem.objects.restrict(user, "view")
    is_open = Q(status=SupervisionStatus.OPEN)
    rows = list(
        visible.order_by()
        .values("owner_unit_id", "owner_unit__name", "owner_unit__path")
        .annotate(
            red=Count("pk", filter=is_open & Q(rag=Rag.RED)),
            amber=Count("pk", filter=is_open & Q(rag=Rag.AMBER)),
            green=Count("pk", filter=is_open & Q(rag=Rag.GREEN)),
            completed=Count("pk", filter=Q(status=SupervisionStatus.COMPLETED)),
        )
        .order_by("owner_unit__path")
    )
    totals = {key: sum(row[key] for row in rows) for key in ("red", "amber", "green", "completed")}
    today = timezone.localdate()
    overdue = list(
        visible.filter(is_open, due_on__lt=today)
        .select_related("owner_unit", "organization")
        .order_by("due_on", "pk")[:OVERDUE_LIST_SIZE]
    )
    return render(
        request,
        "office/supervision/overview.html",
        {"rows": rows, "totals": totals, "overdue": overdue, "today": today, "limit": OVERDUE_LIST_SIZE},
    )


# --- New item -----------------------------------------------------------------------------


def _visible_document(user: Any, value: Any) -> Document | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return Document.objects.restrict(user, "view").filter(pk=pk).first()


def _prefill(request: HttpRequest) -> dict[str, Any]:
    """Initial values from the GET parameters other areas link with (unknown ones ignored)."""
    params = request.GET
    initial: dict[str, Any] = {}
    if params.get("title"):
        initial["title"] = params["title"][:200]
    if params.get("source_kind") in SourceKind.values:
        initial["source_kind"] = params["source_kind"]
    if params.get("source_ref"):
        initial["source_ref"] = params["source_ref"][:100]
    if params.get("source_label"):
        initial["source_label"] = params["source_label"][:200]
    document = _visible_document(request.user, params.get("source_document"))
    if document is not None:
        initial["source_document"] = document.pk
        initial.setdefault("source_kind", SourceKind.DOCUMENT)
        initial.setdefault(
            "source_label", " ".join(x for x in (document.doc_number, document.title) if x)[:200]
        )
        initial.setdefault("title", document.title)
        if document.due_on:
            initial["due_on"] = document.due_on
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def supervision_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user, ADD):
        raise _not_found()
    unit = getattr(request, "current_unit", None)
    if request.method == "POST":
        form = SupervisionItemForm(request.POST, user=user, unit=unit)
        milestones = MilestoneFormSet(request.POST, prefix="ms")
        if form.is_valid() and milestones.is_valid():
            data = form.cleaned_data
            document = None
            if data.get("source_document"):
                document = _visible_document(user, data["source_document"])
                if document is None:
                    form.add_error(None, _("The source document is not one you may see."))
            if not form.errors:
                due_on, explanation = resolved_due(form, data["owner_unit"])
                try:
                    item = do_create_supervision_item(
                        organization=data["organization"],
                        title=data["title"],
                        description=data["description"],
                        owner_unit=data["owner_unit"],
                        co_units=list(data["co_units"]),
                        owner=data["owner"],
                        due_on=due_on,
                        due_explanation=explanation,
                        source_kind=data["source_kind"],
                        source_document=document,
                        source_ref=data["source_ref"],
                        source_label=data["source_label"],
                        milestones=[
                            (row["title"], row["due_on"])
                            for row in milestones.cleaned_data
                            if row.get("title")
                        ],
                        acting_user=user,
                    )
                except SupervisionError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, _("Supervision item created; the lead unit sees it now."))
                    return redirect("office:supervision_detail", pk=item.pk)
    else:
        form = SupervisionItemForm(initial=_prefill(request), user=user, unit=unit)
        milestones = MilestoneFormSet(prefix="ms")
    return render(request, "office/supervision/new.html", {"form": form, "milestones": milestones})


# --- Detail and decisions -----------------------------------------------------------------


def _detail(request: HttpRequest, item: SupervisionItem, **forms: Any) -> HttpResponse:
    user = request.user
    can_manage = may_manage(user, item) and item.is_open
    can_report = may_report(user, item) and item.is_open
    reports = list(
        item.reports.select_related("author", "unit", "milestone")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )
    defaults = {
        "deadline_form": DeadlineForm(prefix="deadline"),
        "complete_form": NoteForm(prefix="complete"),
        "cancel_form": ReasonForm(prefix="cancel"),
        "escalate_form": EscalateForm(prefix="escalate"),
        "milestone_form": AddMilestoneForm(prefix="milestone"),
    }
    defaults.update(forms)
    item.source_url = source_url(item)
    item.source_text = _source_text(item)
    return render(
        request,
        "office/supervision/detail.html",
        {
            "item": item,
            "co_units": list(item.co_units.all()),
            "co_owners": list(item.co_owners.all()),
            "milestones": list(item.milestones.select_related("done_by")),
            "reports": reports,
            "reminders": list(item.reminders.all()[:5]),
            "today": timezone.localdate(),
            "can_manage": can_manage,
            "can_report": can_report,
            **(defaults if can_manage else {}),
        },
    )


@login_required
@require_GET
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_supervision_item(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def supervision_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = access_supervision_item(user, pk, action="report")
    if not item.is_open:
        messages.error(request, _("This supervision item is closed."))
        return redirect("office:supervision_detail", pk=item.pk)
    if request.method == "POST":
        form = ProgressReportForm(request.POST, request.FILES, item=item)
        if form.is_valid():
            data = form.cleaned_data
            try:
                do_report_progress(
                    item,
                    acting_user=user,
                    text=data["text"],
                    percent=data["percent"],
                    milestone=data["milestone"],
                    milestone_done=data["milestone_done"],
                    files=data["files"],
                )
            except SupervisionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Progress reported."))
                return redirect("office:supervision_detail", pk=item.pk)
    else:
        form = ProgressReportForm(item=item)
    return render(request, "office/supervision/report.html", {"item": item, "form": form})


def _decide(request: HttpRequest, pk: int, prefix: str, form_class: Any, act: Any, done: str) -> HttpResponse:
    """A decision of the supervising unit: validate, act, or show the detail with the errors."""
    item = access_supervision_item(request.user, pk, action="manage")
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            act(item, form)
        except SupervisionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect("office:supervision_detail", pk=item.pk)
    item.refresh_from_db()
    return _detail(request, item, **{f"{prefix}_form": form})


@login_required
@require_POST
def supervision_deadline(request: HttpRequest, pk: int) -> HttpResponse:
    def act(item: SupervisionItem, form: Any) -> None:
        due_on, explanation = resolved_due(form, item.owner_unit)
        do_change_deadline(
            item,
            acting_user=request.user,
            due_on=due_on,
            reason=form.cleaned_data["reason"],
            due_explanation=explanation,
        )

    return _decide(request, pk, "deadline", DeadlineForm, act, _("Deadline changed."))


@login_required
@require_POST
def supervision_complete(request: HttpRequest, pk: int) -> HttpResponse:
    def act(item: SupervisionItem, form: Any) -> None:
        do_complete_item(item, acting_user=request.user, note=form.cleaned_data["note"])

    return _decide(request, pk, "complete", NoteForm, act, _("Supervision item completed."))


@login_required
@require_POST
def supervision_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def act(item: SupervisionItem, form: Any) -> None:
        do_cancel_item(item, acting_user=request.user, reason=form.cleaned_data["reason"])

    return _decide(request, pk, "cancel", ReasonForm, act, _("Supervision item cancelled."))


@login_required
@require_POST
def supervision_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    def act(item: SupervisionItem, form: Any) -> None:
        do_escalate_item(item, acting_user=request.user, reason=form.cleaned_data["reason"])

    return _decide(
        request, pk, "escalate", EscalateForm, act, _("Escalated to the supervising unit's leaders.")
    )


@login_required
@require_POST
def supervision_milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    def act(item: SupervisionItem, form: Any) -> None:
        data = form.cleaned_data
        do_add_milestone(item, acting_user=request.user, title=data["title"], due_on=data["due_on"])

    return _decide(request, pk, "milestone", AddMilestoneForm, act, _("Milestone added."))


@login_required
@require_POST
def supervision_milestone_done(request: HttpRequest, pk: int, milestone: int) -> HttpResponse:
    user = request.user
    item = access_supervision_item(user, pk)
    if not (may_manage(user, item) or may_report(user, item)):
        raise _not_found()
    row = item.milestones.filter(pk=milestone).first()
    if row is None:
        raise _not_found()
    try:
        do_complete_milestone(row, acting_user=user)
    except SupervisionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Milestone marked done."))
    return redirect("office:supervision_detail", pk=item.pk)


@login_required
@require_GET
def supervision_evidence(request: HttpRequest, pk: int) -> FileResponse:
    evidence = access_evidence(request.user, pk)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
