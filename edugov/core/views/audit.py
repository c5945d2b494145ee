"""The auditor's screens: search, read, export and verify the audit log (L3-CES1-12..15).

Only holders of ``core.auditentry.*`` grants get here. Everyone else gets 404 rather than
403, so "not allowed" looks the same as "does not exist". An auditor sees the entries
of the units in their grants; entries with no unit (sign-ins and the like) only when
they hold a grant on a root unit that covers the whole tree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from edugov.core.audit import (
    APP_EVENT_LABELS,
    AuditEvent,
    ChainProblem,
    chain_snapshot,
    compute_hash,
    fingerprint,
    hashed_fields,
    log_event,
    verify_chain,
)
from edugov.core.models import AuditChainHead, AuditEntry, Organization
from edugov.core.permissions.scopes import entries_for, scope_q

if TYPE_CHECKING:
    from edugov.core.models import User

AUDIT_VERIFIED = "audit.verified"
PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # one sheet's rows, less the header
PROBLEMS_SHOWN = 5
UTF8_BOM = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

EVENT_LABELS: dict[str, Any] = {
    AuditEvent.LOGIN: _("Signed in"),
    AuditEvent.LOGIN_FAILED: _("Sign-in failed"),
    AuditEvent.LOGOUT: _("Signed out"),
    AuditEvent.LOCKED_OUT: _("Locked out"),
    AuditEvent.PASSWORD_CHANGED: _("Password changed"),
    AuditEvent.PASSWORD_RESET: _("Password reset"),
    AuditEvent.MFA_ENABLED: _("Two-factor authentication enabled"),
    AuditEvent.MFA_DISABLED: _("Two-factor authentication disabled"),
    AuditEvent.UNIT_SWITCHED: _("Switched unit"),
    AuditEvent.USER_CREATED: _("Account created"),
    AuditEvent.USER_CHANGED: _("Account changed"),
    AuditEvent.USER_DEACTIVATED: _("Account deactivated"),
    AuditEvent.MEMBERSHIP_ADDED: _("Membership added"),
    AuditEvent.GRANT_CREATED: _("Role granted"),
    AuditEvent.GRANT_REVOKED: _("Grant revoked"),
    AuditEvent.GRANT_REFUSED: _("Grant refused"),
    AuditEvent.ROLE_CHANGED: _("Role changed"),
    AuditEvent.ORG_CREATED: _("Unit created"),
    AuditEvent.ORG_CHANGED: _("Unit changed"),
    AuditEvent.ORG_CLOSED: _("Unit closed"),
    AuditEvent.PERSONAL_DATA_VIEWED: _("Personal data viewed in full"),
    AuditEvent.AUDIT_EXPORTED: _("Audit log exported"),
    AuditEvent.CALENDAR_CHANGED: _("Work calendar changed"),
    AuditEvent.ACCESS_DENIED: _("Access denied"),
    AuditEvent.SIGNING_KEY_CREATED: _("Signing key created"),
    AuditEvent.SIGNING_KEY_ROTATED: _("Signing key replaced"),
    AUDIT_VERIFIED: _("Audit chain verified"),
}


def event_label(event_type: str) -> str:
    """The human name of an event type, or the type itself when none is known."""
    label = EVENT_LABELS.get(event_type) or APP_EVENT_LABELS.get(event_type)
    return str(label) if label is not None else event_type


# --- Access -------------------------------------------------------------------------


def _permission(action: str) -> str:
    return f"core.auditentry.{action}"


def _is_root_path(path: str) -> bool:
    return len(path) == Organization.steplen


def audit_entries_for(user: User, action: str = "view") -> QuerySet[AuditEntry]:
    """The audit entries ``user`` may ``action`` ("view" or "export").

    Entries of units inside the user's grant scopes, plus entries without a unit
    only for a grant on a root unit that includes everything below it.
    """
    permission = _permission(action)
    scopes = entries_for(user, permission)
    if not scopes:
        return AuditEntry.objects.none()
    q = scope_q(user, permission, field="organization") or Q(pk__in=[])
    if any(s.include_descendants and _is_root_path(s.path) for s in scopes):
        q |= Q(organization__isnull=True)
    return AuditEntry.objects.filter(q)


def units_for(user: User, action: str = "view") -> QuerySet[Organization]:
    """The units whose entries ``user`` may ``action``: the choices of the unit filter."""
    q = scope_q(user, _permission(action), field="")
    if q is None:
        return Organization.objects.none()
    return Organization.objects.filter(q).only("id", "name", "path", "depth").order_by("path")


def auditor_required(action: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Sign-in required; without a ``core.auditentry.<action>`` grant the page does not exist."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not entries_for(request.user, _permission(action)):  # type: ignore[arg-type]
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


# --- Filters -----------------------------------------------------------------------


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:  # type: ignore[override]
        return "\u2003" * (obj.depth - 1) + obj.name


class AuditFilterForm(forms.Form):
    """The list's search form; the export applies the same filters."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    event_type = forms.ChoiceField(label=_("Event"), required=False)
    user = forms.CharField(label=_("User name contains"), required=False, max_length=64)
    unit = UnitChoiceField(
        label=_("Unit (and units below)"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("All units"),
    )
    success = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Succeeded")), ("no", _("Failed"))],
    )
    q = forms.CharField(label=_("Text"), required=False, max_length=200)

    def __init__(self, data: Any, *, units: QuerySet[Organization]) -> None:
        super().__init__(data)
        events = [*EVENT_LABELS, *APP_EVENT_LABELS]
        event_choices = sorted(((value, event_label(value)) for value in events), key=lambda c: c[1])
        self.fields["event_type"].choices = [("", _("All events")), *event_choices]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """``entries`` narrowed by every valid filter; an invalid one is ignored (and shown)."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("date_from"):
            entries = entries.filter(created_at__gte=_start_of_day(data["date_from"]))
        if data.get("date_to"):
            entries = entries.filter(created_at__lt=_start_of_day(data["date_to"] + dt.timedelta(days=1)))
        if data.get("event_type"):
            entries = entries.filter(event_type=data["event_type"])
        if data.get("user"):
            word = data["user"]
            entries = entries.filter(
                Q(acting_username__icontains=word) | Q(acting_user__real_name__icontains=word)
            )
        if data.get("unit"):
            entries = entries.filter(organization__path__startswith=data["unit"].path)
        if data.get("success"):
            entries = entries.filter(success=data["success"] == "yes")
        if data.get("q"):
            entries = entries.filter(_text_q(data["q"]))
        return entries

    def applied(self) -> dict[str, str | int]:
        """The filters in force, as plain values for the export's audit entry."""
        self.is_valid()
        applied: dict[str, str | int] = {}
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            applied[name] = value.pk if isinstance(value, Organization) else str(value)
        return applied


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _text_q(text: str) -> Q:
    return (
        Q(target_repr__icontains=text)
        | Q(reason__icontains=text)
        | Q(target_id__icontains=text)
        | Q(request_id__icontains=text)
    )


def _filtered(request: HttpRequest, action: str) -> tuple[AuditFilterForm, QuerySet[AuditEntry]]:
    user = request.user
    form = AuditFilterForm(request.GET, units=units_for(user, action))  # type: ignore[arg-type]
    entries = form.filter(audit_entries_for(user, action))  # type: ignore[arg-type]
    return form, entries.select_related("acting_user", "organization").order_by("-seq")


# --- Pages -------------------------------------------------------------------------


@require_GET
@auditor_required("view")
def audit_list(request: HttpRequest) -> HttpResponse:
    """Search the audit log, newest first, 50 to a page."""
    form, entries = _filtered(request, "view")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    head = AuditChainHead.objects.filter(pk=1).first()
    context = {
        "form": form,
        "page_obj": page,
        "rows": [(entry, event_label(entry.event_type)) for entry in page.object_list],
        "can_export": bool(entries_for(request.user, _permission("export"))),  # type: ignore[arg-type]
        "head_seq": head.last_seq if head is not None else 0,
        "fingerprint": fingerprint(),
    }
    return render(request, "core/audit/list.html", context)


@require_GET
@auditor_required("view")
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every field of one entry, with its details pretty-printed and its hash rechecked."""
    entries = audit_entries_for(request.user).select_related("acting_user", "organization")  # type: ignore[arg-type]
    entry = get_object_or_404(entries, pk=pk)  # scoped: entries is audit_entries_for(user)
    details = dict(entry.extra_data) if isinstance(entry.extra_data, dict) else {"value": entry.extra_data}
    changes = details.pop("changes", None)
    context = {
        "entry": entry,
        "event_label": event_label(entry.event_type),
        "changes_json": _pretty_json(changes) if changes is not None else "",
        "details_json": _pretty_json(details) if details else "",
        "hash_matches": compute_hash(hashed_fields(entry), entry.prev_hash) == entry.entry_hash,
    }
    return render(request, "core/audit/detail.html", context)


def _pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


@require_POST
@auditor_required("view")
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Walk the whole chain now, report the outcome, and audit that it was checked."""
    with chain_snapshot():
        count, shown = _check_chain()
        head = AuditChainHead.objects.filter(pk=1).first()
        head_seq = head.last_seq if head is not None else 0
        total = AuditEntry.objects.count()
        digest = fingerprint()
    log_event(
        AUDIT_VERIFIED,
        acting_user=request.user,  # type: ignore[arg-type]
        success=count == 0,
        extra={
            "problems": count,
            "first_bad_seq": shown[0].seq if shown else None,
            "entries": total,
            "head_seq": head_seq,
            "fingerprint": digest,
        },
    )
    if count == 0:
        messages.success(
            request,
            _t("Audit chain intact: %(count)s entries, head #%(seq)s, fingerprint %(fingerprint)s")
            % {"count": total, "seq": head_seq, "fingerprint": digest},
        )
    else:
        _report_problems(request, count, shown)
    return redirect("workspace:audit_list")


def _check_chain() -> tuple[int, list[ChainProblem]]:
    # A wrong key breaks every entry: count them all, keep only the first few.
    count = 0
    shown: list[ChainProblem] = []
    for problem in verify_chain():
        count += 1
        if len(shown) < PROBLEMS_SHOWN:
            shown.append(problem)
    return count, shown


def _report_problems(request: HttpRequest, count: int, shown: list[ChainProblem]) -> None:
    first = shown[0]
    messages.error(
        request,
        _t("Audit chain broken: %(count)s problem(s). First bad entry #%(seq)s (id %(id)s): %(message)s")
        % {"count": count, "seq": first.seq, "id": first.entry_id or "-", "message": first.message},
    )
    for problem in shown[1:]:
        messages.warning(
            request,
            _t("Also entry #%(seq)s (id %(id)s): %(message)s")
            % {"seq": problem.seq, "id": problem.entry_id or "-", "message": problem.message},
        )


# --- Export ------------------------------------------------------------------------


@require_GET
@auditor_required("export")
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered entries as CSV (UTF-8 with BOM, streamed) or XLSX; the export is audited."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form, entries = _filtered(request, "export")
    # Fix the set before logging, so the export does not contain its own audit entry.
    newest = AuditEntry.objects.aggregate(newest=Max("seq"))["newest"] or 0
    entries = entries.filter(seq__lte=newest)
    rows = entries.count()
    if fmt == "xlsx" and rows > XLSX_MAX_ROWS:
        messages.error(request, _t("Too many entries for one spreadsheet: narrow the filters or export CSV."))
        return redirect(f"{reverse('workspace:audit_list')}?{request.GET.urlencode()}")
    log_event(
        AuditEvent.AUDIT_EXPORTED,
        acting_user=request.user,  # type: ignore[arg-type]
        extra={"filters": form.applied(), "rows": rows, "format": fmt},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if fmt == "csv":
        return _csv_response(entries, f"audit-{stamp}.csv")
    return _xlsx_response(entries, f"audit-{stamp}.xlsx")


def _headers() -> list[str]:
    return [
        _t("Sequence"),
        _t("Time"),
        _t("Event type"),
        _t("Event"),
        _t("Succeeded"),
        _t("User name"),
        _t("Real name"),
        _t("Unit"),
        _t("Object type"),
        _t("Object id"),
        _t("Object"),
        _t("Reason"),
        _t("IP address"),
        _t("Request id"),
        _t("Details"),
        _t("Entry hash"),
    ]


def _safe_text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def _row(entry: AuditEntry) -> list[Any]:
    """One exported row; text cells are defused so no spreadsheet runs them as formulas."""
    text = [
        entry.event_type,
        event_label(entry.event_type),
        _t("yes") if entry.success else _t("no"),
        entry.acting_username,
        entry.acting_user.real_name if entry.acting_user else "",
        entry.organization.name if entry.organization else "",
        entry.target_type,
        entry.target_id,
        entry.target_repr,
        entry.reason,
        entry.ip_address or "",
        entry.request_id,
        json.dumps(entry.extra_data, ensure_ascii=False, sort_keys=True, default=str),
        entry.entry_hash,
    ]
    local = timezone.localtime(entry.created_at).replace(tzinfo=None)
    return [entry.seq, local, *(_safe_text(str(value)) for value in text)]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(entries: QuerySet[AuditEntry], language: str) -> Iterator[str]:
    # The body is produced after the view returns: keep the request's language.
    with translation.override(language):
        writer = csv.writer(_Echo())
        yield UTF8_BOM + writer.writerow(_headers())
        for entry in entries.iterator(chunk_size=2000):
            row = _row(entry)
            row[1] = row[1].strftime("%Y-%m-%d %H:%M:%S")
            yield writer.writerow(row)


def _csv_response(entries: QuerySet[AuditEntry], filename: str) -> StreamingHttpResponse:
    lines = _csv_lines(entries, translation.get_language() or "zh-hans")
    response = StreamingHttpResponse(_encode(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _encode(lines: Iterable[str]) -> Iterator[bytes]:
    for line in lines:
        yield line.encode("utf-8")


def _xlsx_response(entries: QuerySet[AuditEntry], filename: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_t("Audit log")[:31])
    sheet.append(_headers())
    for entry in entries.iterator(chunk_size=2000):
        row = _row(entry)
        sheet.append(row[:2] + [ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row[2:]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
