"""Writes to the work calendar: administrators' holidays, make-up working days and years."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from edugov.core.audit import AuditEvent, log_event
from edugov.core.calendar import MANUAL_SOURCE
from edugov.core.models import CalendarDay, CalendarYear

if TYPE_CHECKING:
    from edugov.core.models import User


def _day_extra(jurisdiction: str, date: dt.date, operation: str) -> dict[str, Any]:
    return {"jurisdiction": jurisdiction, "date": date.isoformat(), "operation": operation}


@transaction.atomic
def do_set_calendar_day(
    *, jurisdiction: str, date: dt.date, kind: str, name: str, acting_user: User
) -> CalendarDay:
    """Create or update the special day of ``jurisdiction`` on ``date``; it becomes a manual edit."""
    day = CalendarDay.objects.select_for_update().filter(jurisdiction=jurisdiction, date=date).first()
    if day is None:
        day = CalendarDay.objects.create(
            jurisdiction=jurisdiction,
            date=date,
            kind=kind,
            name=name,
            source=MANUAL_SOURCE,
            updated_by=acting_user,
        )
        changes = {"kind": [None, kind], "name": [None, name]}
        log_event(
            AuditEvent.CALENDAR_CHANGED,
            acting_user=acting_user,
            target=day,
            changes=changes,
            extra=_day_extra(jurisdiction, date, "created"),
        )
        return day
    new_values = {"kind": kind, "name": name, "source": MANUAL_SOURCE}
    changes = {f: [getattr(day, f), v] for f, v in new_values.items() if getattr(day, f) != v}
    if not changes:
        return day
    for field_name, value in new_values.items():
        setattr(day, field_name, value)
    day.updated_by = acting_user
    day.save(update_fields=[*new_values, "updated_by", "updated_at"])
    log_event(
        AuditEvent.CALENDAR_CHANGED,
        acting_user=acting_user,
        target=day,
        changes=changes,
        extra=_day_extra(jurisdiction, date, "updated"),
    )
    return day


@transaction.atomic
def do_delete_calendar_day(day: CalendarDay, *, acting_user: User) -> None:
    """Remove a special day: the date follows the Monday–Friday rule (or the national row) again."""
    log_event(
        AuditEvent.CALENDAR_CHANGED,
        acting_user=acting_user,
        target=day,
        changes={"kind": [day.kind, None], "name": [day.name, None]},
        extra=_day_extra(day.jurisdiction, day.date, "deleted"),
    )
    day.delete()


@transaction.atomic
def do_mark_calendar_year(*, jurisdiction: str, year: int, acting_user: User, note: str = "") -> CalendarYear:
    """Declare ``year`` officially covered once its holidays and make-up days are entered."""
    row = CalendarYear.objects.select_for_update().filter(jurisdiction=jurisdiction, year=year).first()
    if row is None:
        row = CalendarYear.objects.create(
            jurisdiction=jurisdiction, year=year, source=MANUAL_SOURCE, note=note
        )
        changes: dict[str, list[Any]] = {"covered": [False, True], "note": [None, note]}
    elif row.note != note:
        changes = {"note": [row.note, note]}
        row.note = note
        row.save(update_fields=["note"])
    else:
        return row
    log_event(
        AuditEvent.CALENDAR_CHANGED,
        acting_user=acting_user,
        target=row,
        changes=changes,
        extra={"jurisdiction": jurisdiction, "year": year, "operation": "year_marked"},
    )
    return row
