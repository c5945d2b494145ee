"""Case deadlines from the clock's events, with a day-by-day explanation (BEYOND A.1, complaint B.1).

Rules (政府信息公开条例 第三十、三十三条; STANDARDS §6.1):

* ``start`` on day S: working days count from the day after S.
* ``pause`` on day P and ``resume`` on day R: the days P+1 … R do not count (third-party
  consultation is not part of the period).
* ``restart`` on day R: the count starts afresh from the day after R (the period runs from
  receipt of the corrected request, 补正).
* ``extend`` by N: N more working days (the regulation allows at most 20, approved).
* ``stop``: the case was answered; the deadline stays what it was, for the on-time record.
* ``reopen`` on day O: the requester reopened an answered case; a new round starts, counted
  like a receipt on day O. Earlier rounds (their pauses and extensions) no longer count.

The result is cached in ``Case.due_on`` by ``refresh_due_on``; the explanation is rebuilt
on demand from the same events, so what the page explains is exactly what was computed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from edugov.core.calendar import DayStep, load_calendar, weekday_name
from edugov.core.choices import Jurisdiction
from edugov.portal.choices import ClockEventKind

REASON_PAUSED = gettext_lazy("clock paused")


@dataclass(frozen=True)
class ClockDay:
    date: dt.date
    counted: bool
    ordinal: int  # which counted day this is; 0 when not counted
    reason: str | Promise
    events: tuple[str, ...] = ()


@dataclass
class Deadline:
    start: dt.date | None
    target: int  # working days in the period, extensions included
    due_on: dt.date | None  # None while the clock has not started or is paused
    paused_since: dt.date | None = None
    stopped_on: dt.date | None = None
    counted: int = 0  # working days used when the walk ended (at a pause) or the target
    days: list[ClockDay] = field(default_factory=list)
    warnings: list[str | Promise] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def explain(self) -> list[str]:
        """Lines in the active language: the rule, each event, each day, the result."""
        lines = list(self.notes)
        for day in self.days:
            prefix = "; ".join(day.events)
            if day.counted:
                text = gettext("{date} ({weekday}): counted, {reason} ({ordinal} of {n})").format(
                    date=day.date.isoformat(),
                    weekday=weekday_name(day.date),
                    reason=day.reason,
                    ordinal=day.ordinal,
                    n=self.target,
                )
            else:
                text = gettext("{date} ({weekday}): not counted, {reason}").format(
                    date=day.date.isoformat(), weekday=weekday_name(day.date), reason=day.reason
                )
            lines.append(f"{prefix} — {text}" if prefix else text)
        lines.extend(gettext("Warning: {warning}").format(warning=w) for w in self.warnings)
        if self.due_on:
            lines.append(
                gettext("Deadline: {date} ({weekday}).").format(
                    date=self.due_on.isoformat(), weekday=weekday_name(self.due_on)
                )
            )
        elif self.paused_since:
            lines.append(
                gettext("The clock is paused since {date}; {used} of {n} working days used.").format(
                    date=self.paused_since.isoformat(), used=self.counted, n=self.target
                )
            )
        return lines


@dataclass(frozen=True)
class _RoundStart:
    """The reopening that starts the current round, read by the walk as the day of receipt."""

    on: dt.date
    pk: int
    kind: str = ClockEventKind.START
    days: int = 0


def _event_label(kind: str, days: int) -> str:
    labels = {
        ClockEventKind.START: gettext("received, clock started"),
        ClockEventKind.PAUSE: gettext("clock paused"),
        ClockEventKind.RESUME: gettext("clock resumed"),
        ClockEventKind.RESTART: gettext("corrected request received, period counts afresh"),
        ClockEventKind.STOP: gettext("answered, clock stopped"),
        ClockEventKind.REOPEN: gettext("reopened by the requester, period counts afresh"),
    }
    if kind == ClockEventKind.EXTEND:
        return gettext("extended by {n} working days").format(n=days)
    return labels.get(kind, kind)


def compute_deadline(
    events: Iterable[Any], base_days: int, jurisdiction: str = Jurisdiction.NATIONAL
) -> Deadline:
    """Walk the calendar from the start event; ``events`` have ``kind``, ``on`` and ``days``."""
    ordered: Sequence[Any] = sorted(events, key=lambda e: (e.on, getattr(e, "pk", 0) or 0))
    starts = [e for e in ordered if e.kind == ClockEventKind.START]
    if not starts:
        return Deadline(start=None, target=base_days, due_on=None)
    opening = gettext("Received on {date} ({weekday}); {n} working days count from the next day.")
    reopened_at = [i for i, e in enumerate(ordered) if e.kind == ClockEventKind.REOPEN]
    if reopened_at:
        # Only the current round counts: its reopening is its receipt.
        last = ordered[reopened_at[-1]]
        ordered = [_RoundStart(on=last.on, pk=getattr(last, "pk", 0) or 0), *ordered[reopened_at[-1] + 1 :]]
        opening = gettext(
            "Reopened by the requester on {date} ({weekday}); "
            "{n} working days count afresh from the next day."
        )
        starts = ordered[:1]
    start = starts[0].on
    target = base_days + sum(e.days for e in ordered if e.kind == ClockEventKind.EXTEND)
    by_day: dict[dt.date, list[Any]] = {}
    for event in ordered:
        by_day.setdefault(event.on, []).append(event)
    result = Deadline(start=start, target=target, due_on=None)
    result.notes.append(opening.format(date=start.isoformat(), weekday=weekday_name(start), n=base_days))
    for event in ordered:
        if event.kind == ClockEventKind.EXTEND:
            result.notes.append(
                gettext("{date}: {label}.").format(
                    date=event.on.isoformat(), label=_event_label(event.kind, event.days)
                )
            )

    paused_since: dt.date | None = None
    count = 0
    date = start
    last_event = ordered[-1].on
    window_end = start
    calendar = None
    assumed_years: set[int] = set()
    for event in by_day.get(start, []):  # the day of receipt's own pause, correction or answer
        if event.kind == ClockEventKind.PAUSE and paused_since is None:
            paused_since = start
        elif event.kind in (ClockEventKind.RESUME, ClockEventKind.RESTART):
            paused_since = None
        elif event.kind == ClockEventKind.STOP:
            result.stopped_on = start
    # The walk ends at the target, or at an open pause after the last event.
    while True:
        if count >= target:
            result.due_on = date
            result.counted = count
            break
        if paused_since is not None and date >= last_event:
            result.paused_since = paused_since
            result.counted = count
            break
        if calendar is None or date >= window_end:
            window_end = date + dt.timedelta(days=2 * (target - count) + 90)
            calendar = load_calendar(date + dt.timedelta(days=1), window_end, jurisdiction)
        date += dt.timedelta(days=1)
        step: DayStep = calendar.classify(date, count + 1)
        if step.assumed:
            assumed_years.add(date.year)
        labels = tuple(_event_label(e.kind, e.days) for e in by_day.get(date, []))
        if paused_since is not None:
            result.days.append(ClockDay(date, False, 0, REASON_PAUSED, labels))
        elif step.counted:
            count += 1
            result.days.append(ClockDay(date, True, count, step.reason, labels))
        else:
            result.days.append(ClockDay(date, False, 0, step.reason, labels))
        # Events of this day take effect from the next day.
        for event in by_day.get(date, []):
            if event.kind == ClockEventKind.PAUSE and paused_since is None:
                paused_since = date
            elif event.kind == ClockEventKind.RESUME:
                paused_since = None
            elif event.kind == ClockEventKind.RESTART:
                paused_since = None
                count = 0
            elif event.kind == ClockEventKind.STOP:
                result.stopped_on = date
    result.warnings = [
        gettext("No official calendar for {year}: Monday–Friday assumed.").format(year=year)
        for year in sorted(assumed_years)
    ]
    return result


def case_deadline(case: Any) -> Deadline:
    return compute_deadline(case.clock_events.all(), case.statutory_days, case.jurisdiction)


def refresh_due_on(case: Any) -> Deadline:
    """Recompute and store ``case.due_on`` (call inside the transaction that added the event)."""
    deadline = case_deadline(case)
    if case.due_on != deadline.due_on:
        case.due_on = deadline.due_on
        case.save(update_fields=["due_on"])
    return deadline
