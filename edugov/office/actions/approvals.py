"""Internal approvals (IN-8): submit a request on a kind's form; the process routes it.

The shipped process ``office.approval`` asks the applicant's department head
(``approve_department``: approve / reject / return for revision), then the bureau leader
(``approve_leader``). The request's status follows the process's ``decision``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.office.choices import ProcessStatus
from edugov.office.errors import OfficeError
from edugov.office.events import OfficeEvent
from edugov.office.models import ApprovalComment, ApprovalKind, ApprovalRequest, WorkTask
from edugov.office.models.approvals import FIELD_TYPES, ApprovalStatus

# Kinds shipped with the product (created on migrate; units may add their own).
BUILTIN_KINDS: list[dict[str, Any]] = [
    {
        "code": "leave",
        "name": "请假申请",
        "fields": [
            {"name": "start", "label": "开始日期", "type": "date", "required": True},
            {"name": "end", "label": "结束日期", "type": "date", "required": True},
            {
                "name": "kind",
                "label": "假别",
                "type": "choice",
                "required": True,
                "choices": ["事假", "病假", "年休假", "婚假", "产假"],
            },
            {"name": "reason", "label": "事由", "type": "textarea", "required": True},
        ],
    },
    {
        "code": "seal",
        "name": "用印申请",
        "fields": [
            {"name": "material", "label": "用印材料", "type": "text", "required": True},
            {"name": "copies", "label": "份数", "type": "number", "required": True},
            {"name": "purpose", "label": "用途", "type": "textarea", "required": True},
        ],
    },
    {
        "code": "vehicle",
        "name": "公务用车申请",
        "fields": [
            {"name": "date", "label": "用车日期", "type": "date", "required": True},
            {"name": "destination", "label": "目的地", "type": "text", "required": True},
            {"name": "passengers", "label": "乘车人数", "type": "number", "required": True},
        ],
    },
    {
        "code": "purchase",
        "name": "采购申请",
        "fields": [
            {"name": "item", "label": "采购内容", "type": "text", "required": True},
            {"name": "amount", "label": "预算金额（元）", "type": "number", "required": True},
            {"name": "reason", "label": "理由", "type": "textarea", "required": False},
        ],
    },
]


def ensure_builtin_kinds(**kwargs: Any) -> None:
    """post_migrate: create the shipped kinds once (an edited kind is left alone)."""
    for spec in BUILTIN_KINDS:
        ApprovalKind.objects.get_or_create(
            organization=None, code=spec["code"], defaults={"name": spec["name"], "fields": spec["fields"]}
        )


def validate_fields_spec(fields: Any) -> list[dict[str, Any]]:
    """Check a kind's field list; the message names the field that is wrong."""
    if not isinstance(fields, list) or not fields:
        raise OfficeError(_("A form needs at least one field."))
    names = set()
    for position, field in enumerate(fields, start=1):
        if not isinstance(field, dict) or not field.get("name") or not field.get("label"):
            raise OfficeError(_("Field %(n)s needs a name and a label.") % {"n": position})
        if field.get("type", "text") not in FIELD_TYPES:
            raise OfficeError(
                _("Field %(name)s has an unknown type %(type)s.")
                % {"name": field["name"], "type": field.get("type")}
            )
        if field["name"] in names:
            raise OfficeError(_("Field %(name)s appears twice.") % {"name": field["name"]})
        if field.get("type") == "choice" and not field.get("choices"):
            raise OfficeError(_("Field %(name)s lists no choices.") % {"name": field["name"]})
        names.add(field["name"])
    return fields


def clean_values(kind: ApprovalKind, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The typed values of a submitted form and, per field, what is wrong."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in kind.fields:
        name, kind_of = field["name"], field.get("type", "text")
        value = (raw.get(name) or "").strip() if isinstance(raw.get(name, ""), str) else raw.get(name)
        if value in ("", None):
            if field.get("required"):
                errors[name] = _("Fill in %(label)s.") % {"label": field["label"]}
            continue
        if kind_of == "number":
            try:
                values[name] = str(Decimal(str(value)))
            except InvalidOperation:
                errors[name] = _("%(label)s must be a number.") % {"label": field["label"]}
        elif kind_of == "date":
            try:
                values[name] = dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                errors[name] = _("%(label)s must be a date like 2026-09-01.") % {"label": field["label"]}
        elif kind_of == "choice":
            if value not in field.get("choices", []):
                errors[name] = _("Choose one of the listed values for %(label)s.") % {"label": field["label"]}
            else:
                values[name] = value
        else:
            values[name] = str(value)[:2000]
    return values, errors


def do_submit_approval(
    *, organization: Any, kind: ApprovalKind, title: str, values: dict[str, Any], acting_user: Any
) -> ApprovalRequest:
    from edugov.office.workflow import engine

    with transaction.atomic():
        request = ApprovalRequest.objects.create(
            organization=organization, kind=kind, title=title, values=values, created_by=acting_user
        )
        instance = engine.start(
            kind.process_key,
            organization=organization,
            acting_user=acting_user,
            title=title,
            subject_ref=request.subject_ref,
            data={"kind": kind.code, "values": values},
        )
        request.process = instance
        request.save(update_fields=["process"])
        log_event(
            OfficeEvent.PROCESS_STARTED, acting_user=acting_user, target=request, extra={"kind": kind.code}
        )
    return request


def do_decide_approval(
    task: WorkTask, *, acting_user: Any, outcome: str, comment: str = "", values: dict[str, Any] | None = None
) -> ApprovalRequest:
    """Answer a step of an approval; ``values`` replace the form when the applicant revises."""
    from edugov.office.workflow import engine

    request = approval_of(task)
    if outcome in ("reject", "return") and not comment.strip():
        raise OfficeError(_("Say why: the reason is kept with the request."))
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        if values is not None:
            locked.values = values
            locked.save(update_fields=["values"])
        ApprovalComment.objects.create(
            request=locked, step=task.title, outcome=outcome, author=acting_user, text=comment.strip()
        )
        instance = engine.complete(
            task, acting_user=acting_user, outcome=outcome, data={"comment": comment[:500]}
        )
        if instance.status == ProcessStatus.COMPLETED:
            decision = (instance.data or {}).get("decision") or outcome
            approved = decision in ("approve", "approved")
            locked.status = ApprovalStatus.APPROVED if approved else ApprovalStatus.REJECTED
            locked.decided_at = timezone.now()
            locked.save(update_fields=["status", "decided_at"])
    return locked


def approval_of(task: WorkTask) -> ApprovalRequest:
    ref = task.process.subject_ref
    if not ref.startswith("office.approvalrequest:"):
        raise OfficeError(_("This task does not belong to an approval request."))
    return ApprovalRequest.objects.get(pk=int(ref.split(":", 1)[1]))
