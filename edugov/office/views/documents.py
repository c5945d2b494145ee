"""Document pages: lists, drafting, the document page with its steps, PDF, versions.

Every write goes through ``edugov.office.actions.documents``; reads by id go through
``edugov.office.access``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from edugov.core.models import Organization, User
from edugov.core.permissions.scopes import has_permission, scope_q
from edugov.office.access import access_document, access_task
from edugov.office.actions import documents as actions
from edugov.office.choices import Direction, DocumentStatus, FileKind, TaskStatus
from edugov.office.errors import OfficeError
from edugov.office.forms.documents import (
    ActForm,
    AddUnitForm,
    BodyForm,
    CirculateForm,
    DraftForm,
    HandOverForm,
    ReasonForm,
)
from edugov.office.models import BodyVersion, Document, FollowedDocument, Opinion, ReadReceipt, WorkTask
from edugov.office.views.common import flash_result

VIEW = "office.document.view"
ADD = "office.document.add"
PAGE_SIZE = 25

# What a step's holder may answer, in the order the buttons show.
STEP_OUTCOMES: dict[str, list[tuple[str, Any, str]]] = {
    "draft": [("submit", gettext_lazy("Submit for review"), "primary")],
    "review": [
        ("pass", gettext_lazy("Reviewed, pass on"), "primary"),
        ("return", gettext_lazy("Return to the drafter"), "outline-danger"),
    ],
    "countersign": [
        ("agree", gettext_lazy("Agree"), "primary"),
        ("disagree", gettext_lazy("Disagree"), "outline-danger"),
    ],
    "signoff": [
        ("approve", gettext_lazy("Sign off 签发"), "success"),
        ("return_review", gettext_lazy("Return to review"), "outline-secondary"),
        ("return", gettext_lazy("Return to the drafter"), "outline-danger"),
    ],
    "signoff_reminder": [("done", gettext_lazy("Chased"), "primary")],
    "dispatch": [("done", gettext_lazy("Dispatch to the recipients"), "success")],
    "signfor": [
        ("received", gettext_lazy("Sign for 签收"), "success"),
        ("reject", gettext_lazy("Return to the sender"), "outline-danger"),
    ],
    "register": [("registered", gettext_lazy("Register 登记"), "primary")],
    "propose": [("proposed", gettext_lazy("Propose 拟办"), "primary")],
    "instruct": [
        ("instructed", gettext_lazy("Instruct 批办"), "success"),
        ("return", gettext_lazy("Back to proposal"), "outline-danger"),
    ],
    "handle": [("done", gettext_lazy("Handled"), "success")],
    "complete": [("completed", gettext_lazy("Complete 办结"), "success")],
    "archive": [("archived", gettext_lazy("Archive 归档"), "primary")],
}


# The statuses a list may filter by: the stages of its route, then how documents end.
LIST_STATUSES = {
    Direction.OUTGOING: [
        *dict.fromkeys(status for _spec, status in actions.OUTGOING_STAGES),
        DocumentStatus.DISTRIBUTED,
        DocumentStatus.WITHDRAWN,
        DocumentStatus.ARCHIVED,
    ],
    Direction.INCOMING: [
        *dict.fromkeys(status for _spec, status in actions.INCOMING_STAGES),
        DocumentStatus.WITHDRAWN,
        DocumentStatus.ARCHIVED,
    ],
}


def _list(request: HttpRequest, direction: str, template: str) -> HttpResponse:
    user = request.user
    if not has_permission(user, VIEW):
        raise Http404(_("Document not found."))
    qs = Document.objects.restrict(user, "view").filter(direction=direction).select_related("organization")
    status = request.GET.get("status", "")
    if status in DocumentStatus.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(doc_number__icontains=q) | Q(incoming_serial__icontains=q))
    page = Paginator(qs.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": [(value, DocumentStatus(value).label) for value in LIST_STATUSES[direction]],
            "can_add": has_permission(user, ADD),
        },
    )


@login_required
def outgoing_list(request: HttpRequest) -> HttpResponse:
    return _list(request, Direction.OUTGOING, "office/documents/outgoing_list.html")


@login_required
def incoming_list(request: HttpRequest) -> HttpResponse:
    return _list(request, Direction.INCOMING, "office/documents/incoming_list.html")


@login_required
@require_http_methods(["GET", "POST"])
def document_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user, ADD):
        raise Http404(_("Document not found."))
    units = draft_units(user)
    unit = None
    chosen = request.GET.get("organization", "")
    if chosen.isdigit():
        unit = units.filter(pk=int(chosen)).first()
    if unit is None:
        unit = units.filter(kind="bureau").first() or units.first()
    # Changing the unit reloads the form (htmx) with what was typed so far.
    initial = {k: v for k, v in request.GET.items() if k in ("doc_type", "title", "main_recipients", "body")}
    initial.setdefault("doc_type", "notice")
    form = DraftForm(request.POST or None, units=units, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = actions.do_create_draft(
                organization=data["organization"],
                doc_type=data["doc_type"],
                title=data["title"],
                body_text=data["body"],
                acting_user=user,
                series=data["series"],
                main_recipients=data["main_recipients"],
                cc_recipients=data["cc_recipients"],
                urgency=data["urgency"],
                secrecy=data["secrecy"],
                remark=data["remark"],
                attachment_notes=data["attachment_notes"],
                countersign_units=data["countersign_units"],
                recipient_units=data["recipient_units"],
            )
        except OfficeError as error:
            form.add_error("secrecy" if "classified" in type(error).__name__.lower() else None, error.message)
        else:
            messages.success(request, _("The draft is saved. Submit it for review when it is ready."))
            return redirect("office:document_detail", document.pk)
    return render(request, "office/documents/new.html", {"form": form})


def draft_units(user: User):  # noqa: ANN201 - an Organization queryset
    """Units the user may draft for: those of their grant, and the bureau above a department
    (处室拟稿: a department drafts the documents its bureau issues)."""
    q = scope_q(user, ADD, field="")
    if q is None:
        return Organization.objects.none()
    own = Organization.objects.filter(q, is_active=True)
    parents = {
        unit.path[: -Organization.steplen]
        for unit in own.filter(kind="department").only("path")[:50]
        if unit.depth > 1
    }
    return Organization.objects.filter(
        Q(pk__in=own.values("pk")) | Q(path__in=parents), is_active=True
    ).order_by("path")


def _timeline(document: Document) -> list[WorkTask]:
    return list(
        WorkTask.objects.filter(document=document)
        .select_related("organization", "assignee", "completed_by")
        .order_by("created_at", "id")
    )


@login_required
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    user = request.user
    document = access_document(user, document_id)
    tasks = _timeline(document)
    my_tasks = list(
        WorkTask.objects.open_for(user)
        .filter(document=document)
        .select_related("organization")
        .order_by("created_at")
    )
    panels = [
        {
            "task": task,
            "outcomes": STEP_OUTCOMES.get(task.spec_name, [("done", _("Done"), "primary")]),
            "form": ActForm(document=document, prefix=f"t{task.pk}"),
            "handover": HandOverForm(colleagues=_colleagues(task.organization), prefix=f"h{task.pk}"),
        }
        for task in my_tasks
    ]
    opinions = list(Opinion.objects.filter(document=document).select_related("unit"))
    # Opinions given on the sent document stay visible on every copy (and the other way round).
    source_opinions = (
        list(Opinion.objects.filter(document=document.source).select_related("unit"))
        if document.source_id
        else []
    )
    copies = (
        list(
            Document.objects.filter(source=document)
            .select_related("organization", "received_by")
            .order_by("organization__path")
        )
        if document.direction == Direction.OUTGOING
        else []
    )
    receipts = list(ReadReceipt.objects.filter(document=document).select_related("reader"))
    files = list(document.files.all()[:5])
    versions = list(
        BodyVersion.objects.filter(document=document).select_related("author").order_by("-number")
    )
    can_remind = has_permission(user, VIEW, document.organization) and any(
        t.status == TaskStatus.OPEN for t in tasks
    )
    context = {
        "document": document,
        "body_text": document.current_body.text if document.current_body_id else "",
        "tasks": tasks,
        "panels": panels,
        "opinions": opinions,
        "source_opinions": source_opinions,
        "copies": copies,
        "receipts": receipts,
        "my_receipt": next((r for r in receipts if r.reader_id == user.pk), None),
        "files": files,
        "signed": next((f for f in files if f.kind == FileKind.SIGNED), None),
        "versions": versions,
        "editable": actions.editable_task(document, user) is not None,
        "can_withdraw": document.created_by_id == user.pk
        and document.status in (DocumentStatus.REVIEW, DocumentStatus.COUNTERSIGN, DocumentStatus.SIGNOFF),
        "can_add_countersigner": document.status == DocumentStatus.COUNTERSIGN
        and has_permission(user, "office.document.review", document.organization),
        "add_unit_form": AddUnitForm(document=document),
        "can_circulate": has_permission(user, VIEW, document.organization),
        "circulate_form": CirculateForm(colleagues=_colleagues(document.organization)),
        "can_remind": can_remind,
        "following": FollowedDocument.objects.filter(user=user, document=document).exists(),
        "reason_form": ReasonForm(),
        # GB/T 9704 faces (仿宋, 小标宋) that are not installed here and what stands in for them.
        "font_messages": _font_messages(),
    }
    return render(request, "office/documents/detail.html", context)


def _font_messages() -> list[str]:
    from edugov.office.rendering.gbt9704 import font_report

    return font_report()["messages"]


def _colleagues(unit: Organization):  # noqa: ANN202
    return (
        User.objects.filter(is_active=True, memberships__organization=unit).order_by("real_name").distinct()
    )


def _back(document: Document) -> HttpResponse:
    return redirect(reverse("office:document_detail", args=[document.pk]))


@login_required
@require_POST
def task_act(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id)
    if task.document is None:
        raise Http404(_("Task not found."))
    form = ActForm(request.POST, document=task.document, prefix=f"t{task.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(task.document)
    data = form.cleaned_data
    outcome = data["outcome"]
    allowed = [o for o, _label, _style in STEP_OUTCOMES.get(task.spec_name, [("done", "", "")])]
    if outcome not in allowed:
        messages.error(request, _("This step cannot be answered that way."))
        return _back(task.document)
    options: dict[str, Any] = {}
    if task.spec_name == "signoff" and data["series"] is not None:
        options["series"] = data["series"]
    if task.spec_name == "register":
        options["needs_instruction"] = data["needs_instruction"]
    if task.spec_name in ("register", "propose", "instruct") and data["handling_units"]:
        options["handling_units"] = list(data["handling_units"])
    if task.spec_name in ("register", "propose", "instruct"):
        if data["handle_due"]:
            options["handle_due"] = data["handle_due"]
    if task.spec_name == "instruct":
        options["supervise"] = data["supervise"]
    try:
        actions.do_act(task, acting_user=request.user, outcome=outcome, opinion=data["opinion"], **options)
    except OfficeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": task.title})
    return _back(task.document)


@login_required
@require_http_methods(["GET", "POST"])
def document_body(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id)
    if actions.editable_task(document, request.user) is None:
        raise Http404(_("Document not found."))
    current = document.current_body.text if document.current_body_id else ""
    form = BodyForm(request.POST or None, initial={"body": current})
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.do_save_body(
                document,
                text=form.cleaned_data["body"],
                acting_user=request.user,
                note=form.cleaned_data["note"],
            )
        except OfficeError as error:
            form.add_error("body", error.message)
        else:
            if version is None:
                messages.info(request, _("The text is unchanged; no new version was saved."))
            else:
                messages.success(request, _("Version %(n)s saved.") % {"n": version.number})
            return _back(document)
    return render(request, "office/documents/body.html", {"document": document, "form": form})


@login_required
def document_version(request: HttpRequest, document_id: int, number: int) -> HttpResponse:
    document = access_document(request.user, document_id)
    version = (
        BodyVersion.objects.filter(document=document, number=number).select_related("blob", "author").first()
    )
    if version is None:
        raise Http404(_("Version not found."))
    return render(request, "office/documents/version.html", {"document": document, "version": version})


@login_required
def document_pdf(request: HttpRequest, document_id: int) -> HttpResponse:
    """The signed PDF when there is one (``?preview=1`` renders the current text unsigned)."""
    document = access_document(request.user, document_id)
    signed = document.files.filter(kind=FileKind.SIGNED).first()
    filename = f"{document.doc_number or document.title}.pdf"
    if signed is not None and not request.GET.get("preview"):
        response = FileResponse(signed.file.open("rb"), content_type="application/pdf")
    else:
        from edugov.office.rendering.gbt9704 import render_pdf

        response = HttpResponse(render_pdf(document, seal=False), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _post_action(request: HttpRequest, document: Document, call: Any, success: str) -> HttpResponse:
    flash_result(request, call, success)
    return _back(document)


@login_required
@require_POST
def document_withdraw(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    return _post_action(
        request,
        document,
        lambda: actions.do_withdraw(document, acting_user=request.user, reason=reason),
        _("The document is back with you."),
    )


@login_required
@require_POST
def task_return(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id)
    reason = request.POST.get("reason", "")
    to_step = request.POST.get("to_step", "draft")
    return _post_action(
        request,
        task.document,
        lambda: actions.do_return_to(task, spec_name=to_step, acting_user=request.user, reason=reason),
        _("The document was returned."),
    )


@login_required
@require_POST
def document_add_countersigner(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id)
    if not has_permission(request.user, "office.document.review", document.organization):
        raise Http404(_("Document not found."))
    form = AddUnitForm(request.POST, document=document)
    if not form.is_valid():
        messages.error(request, _("Choose a department of this unit."))
        return _back(document)
    unit = form.cleaned_data["unit"]
    return _post_action(
        request,
        document,
        lambda: actions.do_add_countersigner(document, unit, acting_user=request.user),
        _("%(unit)s was added to the countersigning.") % {"unit": unit.name},
    )


@login_required
@require_POST
def task_hand_over(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id)
    form = HandOverForm(request.POST, colleagues=_colleagues(task.organization), prefix=f"h{task.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a colleague of this unit."))
        return _back(task.document)
    to_user = form.cleaned_data["to_user"]
    return _post_action(
        request,
        task.document,
        lambda: actions.do_hand_over(
            task, to_user=to_user, acting_user=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The step was handed over to %(name)s.") % {"name": to_user.real_name or to_user.username},
    )


@login_required
@require_POST
def task_remind(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access_task(request.user, task_id)
    if task.document is None or not has_permission(request.user, VIEW, task.document.organization):
        raise Http404(_("Task not found."))
    return _post_action(
        request,
        task.document,
        lambda: actions.do_remind(task, acting_user=request.user),
        _("A reminder was sent."),
    )


@login_required
@require_POST
def document_circulate(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id)
    if not has_permission(request.user, VIEW, document.organization):
        raise Http404(_("Document not found."))
    form = CirculateForm(request.POST, colleagues=_colleagues(document.organization))
    if not form.is_valid():
        messages.error(request, _("Choose at least one reader."))
        return _back(document)
    readers = list(form.cleaned_data["readers"])
    return _post_action(
        request,
        document,
        lambda: actions.do_circulate(document, readers=readers, acting_user=request.user),
        _("The document was sent round for reading."),
    )


@login_required
@require_POST
def document_read(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id)
    actions.do_mark_read(document, acting_user=request.user, opinion=request.POST.get("opinion", ""))
    messages.success(request, _("Marked as read."))
    return _back(document)


@login_required
@require_POST
def document_follow(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id)
    actions.do_follow(document, acting_user=request.user, follow=request.POST.get("follow") != "0")
    return _back(document)
