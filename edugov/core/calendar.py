"""The work calendar: holidays and make-up working days (调休), and working-day deadlines.

A ``CalendarDay`` row is a day that differs from the Monday–Friday rule. National rows
are seeded from the ``chinesecalendar`` package; administrators add the rest (Xinjiang's
regional holidays, next year's schedule before the package ships it). A ``CalendarYear``
row for the national jurisdiction says a year's official schedule is complete; outside
such years the arithmetic assumes Monday–Friday and says so in a warning, never an error.

"N working days" counts from the day *after* the start date (STANDARDS.md §8.2), which
is why ``chinese_calendar.find_workday`` is not used.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import CharField, DateField, F, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from edugov.core.choices import CalendarDayKind, Jurisdiction
from edugov.core.todos import Todo, TodoProvider, register_todo_provider

MANUAL_SOURCE = "manual"
PACKAGE_SOURCE_PREFIX = "chinesecalendar"

# The package's holiday detail is an English name; the calendar shows the official one.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
MAKEUP_SUFFIX = "调休"

REASON_WEEKEND = gettext_lazy("weekend")
REASON_WORKING = gettext_lazy("working day")
REASON_MAKEUP = gettext_lazy("make-up working day 调休")
REASON_HOLIDAY = gettext_lazy("holiday")


# --- Seeding from the chinesecalendar package -------------------------------------------


def package_source() -> str:
    """The ``source`` written on seeded rows, e.g. ``"chinesecalendar 1.11.0"``."""
    return f"{PACKAGE_SOURCE_PREFIX} {importlib.metadata.version('chinesecalendar')}"


def package_days() -> dict[dt.date, tuple[str, str]]:
    """Every special day the package knows: date → (kind, Chinese name)."""
    from chinese_calendar import constants

    days: dict[dt.date, tuple[str, str]] = {}
    for date, english in constants.holidays.items():
        days[date] = (CalendarDayKind.HOLIDAY, _chinese_name(english))
    for date, english in constants.workdays.items():
        days[date] = (CalendarDayKind.WORKDAY, _chinese_name(english) + MAKEUP_SUFFIX)
    return days


def package_years() -> list[int]:
    """The years the package covers (2004–2026 in version 1.11), read from its data."""
    from chinese_calendar import constants

    return sorted({d.year for d in constants.holidays} | {d.year for d in constants.workdays})


def _chinese_name(english: Any) -> str:
    text = str(getattr(english, "value", english))
    return HOLIDAY_NAMES.get(text, text)


def seed_calendar(*, using: str = "default") -> None:
    """Load national holidays and make-up working days from ``chinesecalendar``.

    Runs after every ``migrate`` and test flush, so it is idempotent and cheap when
    nothing changed (one query). A year is (re)seeded when it has no ``CalendarYear`` row
    or one written by another package version; a year an administrator marked is left
    alone, and days an administrator edited (source ``manual``) are never overwritten.
    """
    from edugov.core.models import CalendarYear

    source = package_source()
    marked = dict(
        CalendarYear.objects.using(using)
        .filter(jurisdiction=Jurisdiction.NATIONAL)
        .values_list("year", "source")
    )
    stale = [
        year
        for year in package_years()
        if year not in marked or (marked[year].startswith(PACKAGE_SOURCE_PREFIX) and marked[year] != source)
    ]
    if stale:
        _seed_years(stale, source=source, using=using)


def _seed_years(years: list[int], *, source: str, using: str) -> None:
    from edugov.core.models import CalendarDay

    wanted = {d: v for d, v in package_days().items() if d.year in years}
    with transaction.atomic(using=using):
        existing = {
            day.date: day
            for day in CalendarDay.objects.using(using).filter(
                jurisdiction=Jurisdiction.NATIONAL, date__year__in=years
            )
        }
        _write_days(wanted, existing, source=source, using=using)
        _write_years(years, source=source, using=using)


def _write_years(years: list[int], *, source: str, using: str) -> None:
    from edugov.core.models import CalendarYear

    rows = CalendarYear.objects.using(using).filter(jurisdiction=Jurisdiction.NATIONAL, year__in=years)
    rows.update(source=source)
    present = set(rows.values_list("year", flat=True))
    CalendarYear.objects.using(using).bulk_create(
        CalendarYear(jurisdiction=Jurisdiction.NATIONAL, year=year, source=source)
        for year in years
        if year not in present
    )


def _write_days(
    wanted: dict[dt.date, tuple[str, str]],
    existing: dict[dt.date, Any],
    *,
    source: str,
    using: str,
) -> None:
    from edugov.core.models import CalendarDay

    now = timezone.now()
    to_create, to_update = [], []
    for date, (kind, name) in wanted.items():
        day = existing.get(date)
        if day is None:
            to_create.append(
                CalendarDay(
                    jurisdiction=Jurisdiction.NATIONAL, date=date, kind=kind, name=name, source=source
                )
            )
        elif day.source != MANUAL_SOURCE and (day.kind, day.name, day.source) != (kind, name, source):
            day.kind, day.name, day.source, day.updated_at = kind, name, source, now
            to_update.append(day)
    # Days an older package version listed but this one does not: the package was corrected.
    obsolete = [
        day.pk
        for date, day in existing.items()
        if date not in wanted and day.source.startswith(PACKAGE_SOURCE_PREFIX)
    ]
    CalendarDay.objects.using(using).bulk_create(to_create)
    CalendarDay.objects.using(using).bulk_update(to_update, ["kind", "name", "source", "updated_at"])
    CalendarDay.objects.using(using).filter(pk__in=obsolete).delete()


# --- Working-day arithmetic -------------------------------------------------------------


@dataclass(frozen=True)
class DayStep:
    """One calendar day walked over, and whether it counted as a working day."""

    date: dt.date
    counted: bool
    category: str  # "weekend", "holiday", "makeup" or "working"
    name: str = ""
    ordinal: int = 0  # which working day this is (1-based); 0 when not counted
    assumed: bool = False  # the year has no official calendar: Monday–Friday was assumed

    @property
    def reason(self) -> str | Promise:
        if self.category == "holiday":
            return self.name or REASON_HOLIDAY
        if self.category == "makeup":
            return REASON_MAKEUP
        if self.category == "weekend":
            return REASON_WEEKEND
        return REASON_WORKING


@dataclass
class WorkingDayResult:
    """The outcome of ``add_working_days``, with everything needed to explain it."""

    start: dt.date
    n: int
    result: dt.date
    jurisdiction: str
    steps: list[DayStep] = field(default_factory=list)
    warnings: list[str | Promise] = field(default_factory=list)

    @property
    def skipped(self) -> list[DayStep]:
        return [step for step in self.steps if not step.counted]

    def explain(self) -> list[str]:
        """Human-readable lines, in the active language: the rule, every day, the result."""
        lines = [
            gettext("Start date: {date} ({weekday}); {n} working days are counted from the next day.").format(
                date=self.start.isoformat(), weekday=weekday_name(self.start), n=self.n
            )
        ]
        lines.extend(_explain_step(step, self.n) for step in self.steps)
        lines.extend(gettext("Warning: {warning}").format(warning=w) for w in self.warnings)
        lines.append(
            gettext("Result: {date} ({weekday}).").format(
                date=self.result.isoformat(), weekday=weekday_name(self.result)
            )
        )
        return lines


def weekday_name(date: dt.date) -> str:
    return str(WEEKDAYS[date.weekday()])


def _explain_step(step: DayStep, n: int) -> str:
    if step.counted:
        text = gettext("{date} ({weekday}): counted, {reason} ({ordinal} of {n})")
    else:
        text = gettext("{date} ({weekday}): not counted, {reason}")
    return text.format(
        date=step.date.isoformat(),
        weekday=weekday_name(step.date),
        reason=step.reason,
        ordinal=step.ordinal,
        n=n,
    )


@dataclass
class _Calendar:
    """The special days of a date range for one jurisdiction, and which years are covered."""

    days: dict[dt.date, tuple[str, str]]
    covered_years: set[int]

    def classify(self, date: dt.date, ordinal: int = 0) -> DayStep:
        assumed = date.year not in self.covered_years
        special = self.days.get(date)
        if special is not None:
            kind, name = special
            if kind == CalendarDayKind.WORKDAY:
                return DayStep(date, True, "makeup", name, ordinal, assumed)
            return DayStep(date, False, "holiday", name, 0, assumed)
        if date.weekday() >= 5:
            return DayStep(date, False, "weekend", "", 0, assumed)
        return DayStep(date, True, "working", "", ordinal, assumed)


def load_calendar(first: dt.date, last: dt.date, jurisdiction: str = Jurisdiction.NATIONAL) -> _Calendar:
    """Special days in [first, last] and the covered years, in a single query.

    National rows apply everywhere; a regional row for the same date overrides the
    national one. Coverage is the national ``CalendarYear`` (regions inherit it). The
    two tables are read with one UNION so a deadline costs one round trip.
    """
    from edugov.core.models import CalendarDay, CalendarYear

    jurisdictions = {Jurisdiction.NATIONAL, jurisdiction}
    day_rows = (
        CalendarDay.objects.filter(jurisdiction__in=jurisdictions, date__range=(first, last))
        .order_by()
        .values_list("jurisdiction", "date", "kind", "name")
    )
    year_rows = (
        CalendarYear.objects.filter(jurisdiction=Jurisdiction.NATIONAL, year__range=(first.year, last.year))
        .order_by()
        .annotate(
            row_date=Value(None, output_field=DateField()),
            row_kind=Value("year", output_field=CharField()),
            row_name=Cast("year", output_field=CharField()),
            row_jurisdiction=F("jurisdiction"),
        )
        .values_list("row_jurisdiction", "row_date", "row_kind", "row_name")
    )
    days: dict[dt.date, tuple[str, str]] = {}
    regional: dict[dt.date, tuple[str, str]] = {}
    covered: set[int] = set()
    for row_jurisdiction, date, kind, name in day_rows.union(year_rows, all=True):
        if kind == "year":
            covered.add(int(name))
        elif row_jurisdiction == Jurisdiction.NATIONAL:
            days[date] = (kind, name)
        else:
            regional[date] = (kind, name)
    days.update(regional)
    return _Calendar(days, covered)


def _search_end(start: dt.date, n: int) -> dt.date:
    # Generous: five working days a week, plus room for the longest holiday runs.
    return start + dt.timedelta(days=2 * n + 60)


def add_working_days(start: dt.date, n: int, jurisdiction: str = Jurisdiction.NATIONAL) -> WorkingDayResult:
    """The n-th working day after ``start`` (start itself never counts), with its explanation.

    Years without an official calendar fall back to Monday–Friday (plus any days already
    entered for them) and add a warning instead of raising.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    steps: list[DayStep] = []
    date, count = start, 0
    end = start
    calendar = _Calendar({}, set())
    while count < n:
        if date >= end:  # only when the first window was too short: load the next one
            end = _search_end(date, n - count)
            calendar = load_calendar(date + dt.timedelta(days=1), end, jurisdiction)
        date += dt.timedelta(days=1)
        step = calendar.classify(date, count + 1)
        if step.counted:
            count += 1
        steps.append(step)
    return WorkingDayResult(start, n, date, jurisdiction, steps, _coverage_warnings(steps))


def _coverage_warnings(steps: Iterable[DayStep]) -> list[str | Promise]:
    years = sorted({step.date.year for step in steps if step.assumed})
    return [
        format_lazy(gettext_lazy("No official calendar for {year}: Monday–Friday assumed."), year=year)
        for year in years
    ]


def is_working_day(date: dt.date, jurisdiction: str = Jurisdiction.NATIONAL) -> bool:
    """Whether ``date`` is a working day (Monday–Friday outside covered years)."""
    return load_calendar(date, date, jurisdiction).classify(date).counted


def working_days_between(a: dt.date, b: dt.date, jurisdiction: str = Jurisdiction.NATIONAL) -> int:
    """Working days in (a, b]: the inverse of ``add_working_days`` (negative when b < a)."""
    if b < a:
        return -working_days_between(b, a, jurisdiction)
    if a == b:
        return 0
    calendar = load_calendar(a + dt.timedelta(days=1), b, jurisdiction)
    days = (a + dt.timedelta(days=i) for i in range(1, (b - a).days + 1))
    return sum(1 for d in days if calendar.classify(d).counted)


def year_days(year: int, jurisdiction: str = Jurisdiction.NATIONAL) -> list[DayStep]:
    """Every day of ``year`` classified for ``jurisdiction`` (for the calendar page)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    calendar = load_calendar(first, last, jurisdiction)
    return [calendar.classify(first + dt.timedelta(days=i)) for i in range((last - first).days + 1)]


# --- To-do: next year's schedule ----------------------------------------------------------


@register_todo_provider
class CalendarScheduleTodo(TodoProvider):
    """Reminds calendar editors in November and December to enter next year's schedule."""

    key = "core.calendar"
    title = gettext_lazy("Work calendar")

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        from edugov.core.models import CalendarYear
        from edugov.core.permissions.scopes import has_root_permission

        today = timezone.localdate()
        if today.month < 11 or limit < 1 or not has_root_permission(user, "core.calendarday.change"):
            return []
        year = today.year + 1
        if CalendarYear.objects.filter(jurisdiction=Jurisdiction.NATIONAL, year=year).exists():
            return []
        title = gettext("Enter the official holiday schedule for {year}").format(year=year)
        url = f"{reverse('workspace:calendar')}?year={year}"
        return [Todo(title=title, url=url, due=dt.date(today.year, 12, 31))]
