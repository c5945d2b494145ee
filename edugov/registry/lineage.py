"""Recording and reading the lineage of registry records (数据溯源, DB-5).

Every change goes through an action, and every action records here: who, when, the
source (form, import job, API, exchange message, transfer) and old → new per field.
Values of sensitive fields are recorded masked: the lineage must not become a second,
unencrypted copy of personal data.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from typing import Any

from django.db import models

from edugov.platform.context import get_request_context
from edugov.platform.privacy import mask_middle
from edugov.registry.choices import Source
from edugov.registry.models import ChangeRecord

# Fields recorded as "changed" with masked values only.
SENSITIVE_FIELDS = frozenset({"id_number", "address", "phone", "student_number"})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _recorded(field: str, value: Any) -> Any:
    value = _plain(value)
    if field in SENSITIVE_FIELDS and value:
        return mask_middle(str(value), keep_start=2, keep_end=2)
    return value


def diff(instance: models.Model, values: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the values that differ from the instance's."""
    changes = {}
    for field, new in values.items():
        old = getattr(instance, field)
        if _plain(old) != _plain(new):
            changes[field] = [_recorded(field, old), _recorded(field, new)]
    return changes


def record_change(
    record: models.Model,
    *,
    organization: Any,
    action: str,
    changes: dict[str, list[Any]],
    source: str = Source.FORM,
    source_ref: str = "",
    acting_user: Any = None,
) -> ChangeRecord:
    actor = (
        acting_user if acting_user is not None and getattr(acting_user, "is_authenticated", False) else None
    )
    return ChangeRecord.objects.create(
        record_type=record._meta.label_lower,
        record_id=record.pk,
        organization=organization,
        action=action,
        changes=changes,
        source=source,
        source_ref=source_ref,
        acting_user=actor,
        request_id=get_request_context().request_id or "",
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    action: str
    source: str
    source_ref: str
    acting_user: Any
    changes: dict[str, list[Any]]
    record_type: str = ""  # e.g. "registry.asset": decides how coded values read

    @property
    def source_label(self) -> str:
        return str(Source(self.source).label) if self.source in Source.values else self.source


def history(record: models.Model) -> list[HistoryEntry]:
    """The record's history, newest first: its changes, then its creation."""
    rows = (
        ChangeRecord.objects.filter(record_type=record._meta.label_lower, record_id=record.pk)
        .select_related("acting_user")
        .order_by("-created_at", "-pk")
    )
    entries = [
        HistoryEntry(r.created_at, r.action, r.source, r.source_ref, r.acting_user, r.changes, r.record_type)
        for r in rows
    ]
    if hasattr(record, "created_source") and not any(e.action == "create" for e in entries):
        entries.append(
            HistoryEntry(
                record.created_at,
                "create",
                record.created_source,
                record.created_ref,
                record.created_by,
                {},
            )
        )
    return entries
