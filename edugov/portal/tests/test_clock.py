"""Deadline clock (PUB-3, STANDARDS §6.1): pauses, restarts and extensions, explained day by day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import translation

from edugov.portal.choices import ClockEventKind as K
from edugov.portal.clock import compute_deadline

pytestmark = pytest.mark.django_db


@dataclass
class Ev:
    kind: str
    on: dt.date
    days: int = 0
    pk: int = 0


D = dt.date


def test_twenty_working_days_skip_the_national_day_holiday_and_count_the_makeup_day():
    result = compute_deadline([Ev(K.START, D(2026, 9, 18))], 20)
    assert result.due_on == D(2026, 10, 22)  # STANDARDS §8.2 vector
    with translation.override("en"):
        lines = result.explain()
    assert any("2026-09-20" in line and "(1 of 20)" in line for line in lines)  # 调休 Sunday counts
    assert any(line.startswith("2026-10-01") and "not counted" in line for line in lines)


def test_pause_days_do_not_count_and_an_open_pause_has_no_deadline():
    events = [Ev(K.START, D(2026, 3, 2)), Ev(K.PAUSE, D(2026, 3, 4))]
    open_pause = compute_deadline(events, 20)
    assert open_pause.due_on is None
    assert open_pause.paused_since == D(2026, 3, 4)
    assert open_pause.counted == 2  # 3 and 4 March
    resumed = compute_deadline([*events, Ev(K.RESUME, D(2026, 3, 11))], 20)
    unpaused = compute_deadline(events[:1], 20)
    # Five working days (5, 6, 9, 10, 11 March) were paused.
    assert resumed.due_on == compute_deadline([Ev(K.START, D(2026, 3, 9))], 20).due_on
    assert resumed.due_on > unpaused.due_on


def test_restart_counts_afresh_from_the_corrected_request_and_extension_adds_days():
    events = [Ev(K.START, D(2026, 3, 2)), Ev(K.PAUSE, D(2026, 3, 3)), Ev(K.RESTART, D(2026, 3, 16))]
    assert compute_deadline(events, 20).due_on == compute_deadline([Ev(K.START, D(2026, 3, 16))], 20).due_on
    with translation.override("en"):
        extended = compute_deadline([Ev(K.START, D(2026, 3, 2)), Ev(K.EXTEND, D(2026, 3, 20), 20)], 20)
        assert any("extended by 20" in n for n in extended.explain())
    assert extended.due_on == compute_deadline([Ev(K.START, D(2026, 3, 2))], 40).due_on


def test_no_start_no_deadline():
    assert compute_deadline([], 20).due_on is None


def test_reopening_starts_a_new_round_counted_from_the_reopening_day():
    """A letter answered in March and reopened in May is due 15 working days after May's reopening,
    not on the first round's date; the first round's extension no longer counts (PUB-8)."""
    first_round = [
        Ev(K.START, D(2026, 3, 2), pk=1),
        Ev(K.EXTEND, D(2026, 3, 10), 10, pk=2),
        Ev(K.STOP, D(2026, 3, 20), pk=3),
    ]
    reopened = compute_deadline([*first_round, Ev(K.REOPEN, D(2026, 5, 11), pk=4)], 15)
    assert reopened.start == D(2026, 5, 11)
    assert reopened.target == 15
    assert reopened.due_on == compute_deadline([Ev(K.START, D(2026, 5, 11))], 15).due_on
    assert reopened.due_on > D(2026, 5, 11)
    with translation.override("zh-hans"):
        explained = compute_deadline([*first_round, Ev(K.REOPEN, D(2026, 5, 11), pk=4)], 15).explain()
    assert explained[0] == "申请人于2026-05-11（星期一）要求重新办理；自次日起重新计算15个工作日。"
    # A pause in the new round still holds the clock.
    paused = compute_deadline(
        [*first_round, Ev(K.REOPEN, D(2026, 5, 11), pk=4), Ev(K.PAUSE, D(2026, 5, 12), pk=5)], 15
    )
    assert paused.due_on is None
    assert paused.paused_since == D(2026, 5, 12)
