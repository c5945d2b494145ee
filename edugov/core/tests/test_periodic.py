"""Periodic jobs: due once per period, never twice, also when two loops race."""

from __future__ import annotations

import datetime as dt
import threading
import time
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils.module_loading import import_string

from edugov.core import periodic
from edugov.core.models import PeriodicRun

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CALLS: list[str] = []


def record_call() -> None:
    CALLS.append("called")


def slow_call() -> None:
    time.sleep(0.3)
    CALLS.append("slow")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def only_test_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry's real jobs stay out: only what the test registers is run."""
    monkeypatch.setattr(periodic, "_JOBS", {})
    monkeypatch.setattr(periodic, "_discovered", True)
    CALLS.clear()


def test_register_needs_exactly_one_schedule() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        periodic.register_periodic("x", "a.b")
    with pytest.raises(ValueError, match="exactly one"):
        periodic.register_periodic("x", "a.b", every=dt.timedelta(hours=1), at=dt.time(2))
    with pytest.raises(ValueError, match="once a minute"):
        periodic.register_periodic("x", "a.b", every=dt.timedelta(seconds=5))


def test_daily_job_is_due_once_after_its_time_of_day() -> None:
    job = periodic.PeriodicJob("nightly", "a.b", at=dt.time(2, 0))
    assert job.is_due(None, at(10, 1))
    assert not job.is_due(at(10, 2, 0), at(10, 2, 5))  # already ran in this slot
    assert not job.is_due(at(10, 2, 0), at(11, 1, 59))  # the next slot has not come
    assert job.is_due(at(10, 2, 0), at(11, 2, 0))
    assert job.is_due(at(8, 2, 0), at(10, 0, 30))  # missed nights: catch up once
    assert job.last_slot(at(10, 1, 59)) == at(9, 2, 0)


def test_interval_job_is_due_after_its_interval() -> None:
    job = periodic.PeriodicJob("hourly", "a.b", every=dt.timedelta(hours=1))
    assert job.is_due(None, at(10, 1))
    assert not job.is_due(at(10, 1), at(10, 1, 59))
    assert job.is_due(at(10, 1), at(10, 2))


@pytest.mark.django_db
def test_a_due_job_runs_once_and_not_twice(only_test_jobs: None) -> None:
    periodic.register_periodic("test.nightly", f"{__name__}.record_call", at=dt.time(2, 0))
    assert periodic.run_due(at(10, 2, 0)) == ["test.nightly"]
    assert CALLS == ["called"]
    # later ticks the same night, and the next day before 02:00: nothing
    assert periodic.run_due(at(10, 2, 1)) == []
    assert periodic.run_due(at(11, 1, 59)) == []
    assert CALLS == ["called"]
    row = PeriodicRun.objects.get(name="test.nightly")
    assert (row.run_count, row.last_run_at) == (1, at(10, 2, 0))
    assert row.last_task_id
    # the next night it runs again
    assert periodic.run_due(at(11, 2, 0)) == ["test.nightly"]
    assert CALLS == ["called", "called"]


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others(only_test_jobs: None) -> None:
    periodic.register_periodic(
        "test.broken", "edugov.core.tests.test_periodic.no_such_function", at=dt.time(1)
    )
    periodic.register_periodic("test.fine", f"{__name__}.record_call", every=dt.timedelta(hours=1))
    started = periodic.run_due(at(10, 3))
    # the broken job is started (its task fails in the worker) and does not block the next one
    assert started == ["test.broken", "test.fine"]
    assert CALLS == ["called"]


@pytest.mark.django_db
def test_run_periodic_once_starts_due_jobs(only_test_jobs: None) -> None:
    periodic.register_periodic("test.hourly", f"{__name__}.record_call", every=dt.timedelta(hours=1))
    out = StringIO()
    call_command("run_periodic", "--once", stdout=out)
    call_command("run_periodic", "--once", stdout=out)
    assert CALLS == ["called"]
    assert out.getvalue().count("started test.hourly") == 1


def test_the_registry_schedules_nightly_quality_and_daily_transfer_reminders() -> None:
    jobs = periodic.jobs()
    quality = jobs["registry.data_quality"]
    assert quality.at == dt.time(2, 0)
    assert quality.func_path == "edugov.registry.quality.runner.run_nightly"
    reminders = jobs["registry.transfer_reminders"]
    assert reminders.at == dt.time(8, 0)
    assert reminders.func_path == "edugov.registry.actions.transfers.send_due_reminders"
    # the dotted paths are imported only when the job runs, but they must resolve
    assert callable(import_string(quality.func_path))
    assert callable(import_string(reminders.func_path))


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_loops_start_a_job_once(only_test_jobs: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (SELECT ... FOR UPDATE) from two connections: PostgreSQL only")
    periodic.register_periodic("test.slow", f"{__name__}.slow_call", at=dt.time(2, 0))
    barrier = threading.Barrier(2)
    started: list[list[str]] = []
    errors: list[BaseException] = []

    def loop() -> None:
        try:
            barrier.wait(timeout=10)
            started.append(periodic.run_due(at(10, 2, 0)))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=loop) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(started) == [[], ["test.slow"]]
    assert CALLS == ["slow"]
    assert PeriodicRun.objects.get(name="test.slow").run_count == 1
