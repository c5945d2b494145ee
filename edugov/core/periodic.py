"""Periodic jobs of the node: nightly checks, daily reminders.

Apps register jobs in their own ``<app>/periodic.py`` (found by ``autodiscover_modules``):

    register_periodic("registry.data_quality", "edugov.registry.quality.runner.run_nightly",
                      at=dt.time(2, 0))

``manage.py run_periodic`` calls :func:`run_due` every minute (``run_node`` starts it beside
the web server and the task worker). A due job is started once per period: the runner
locks the job's :class:`~edugov.core.models.PeriodicRun` row with ``select_for_update``
(on SQLite, the node's immediate transactions serialise writers the same way), checks
again that the job is due, records the start and enqueues the job as a ``django.tasks``
task in the same transaction. Two loops or two nodes sharing one database therefore never
start a job twice in one period, and the loop itself never runs long work.

The job is named by a dotted path, imported when it runs, so a registration never imports
the code it schedules (and an app may schedule code another part of the app provides).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules, import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func_path: str
    every: dt.timedelta | None = None
    at: dt.time | None = None

    def last_slot(self, now: dt.datetime) -> dt.datetime:
        """The latest scheduled start at or before ``now`` of a daily job (local time)."""
        assert self.at is not None
        local = timezone.localtime(now)
        slot = local.replace(hour=self.at.hour, minute=self.at.minute, second=self.at.second, microsecond=0)
        if slot > local:
            slot -= dt.timedelta(days=1)
        return slot

    def is_due(self, last_run_at: dt.datetime | None, now: dt.datetime) -> bool:
        """Whether the job should start now, having last started at ``last_run_at``.

        A daily job that has never run starts at the first tick after its time of day
        (so a node started at 10:00 sends the 08:00 reminders at 10:00, once).
        """
        if last_run_at is None:
            return True
        if self.every is not None:
            return now - last_run_at >= self.every
        return last_run_at < self.last_slot(now)


_JOBS: dict[str, PeriodicJob] = {}
_discovered = False


def register_periodic(
    name: str, func_path: str, *, every: dt.timedelta | None = None, at: dt.time | None = None
) -> PeriodicJob:
    """Run the function at ``func_path`` every ``every``, or daily at local time ``at``."""
    if (every is None) == (at is None):
        raise ValueError("register_periodic needs exactly one of every= or at=")
    if every is not None and every < dt.timedelta(minutes=1):
        raise ValueError("periodic jobs run at most once a minute")
    job = PeriodicJob(name=name, func_path=func_path, every=every, at=at)
    _JOBS[name] = job
    return job


def discover() -> None:
    """Import every installed app's ``periodic`` module once (where jobs register)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("periodic")
        _discovered = True


def jobs() -> dict[str, PeriodicJob]:
    discover()
    return dict(_JOBS)


@task()
def run_job(func_path: str) -> None:
    """The task that runs one periodic job (in the task worker)."""
    import_string(func_path)()


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Start every job that is due at ``now``; return the names of the jobs started."""
    from edugov.core.models import PeriodicRun

    now = now or timezone.now()
    registered = jobs()
    if not registered:
        return []
    # Make sure every job has its row, so that there is always something to lock.
    PeriodicRun.objects.bulk_create([PeriodicRun(name=name) for name in registered], ignore_conflicts=True)
    started = []
    for job in registered.values():
        try:
            if _start_if_due(job, now):
                started.append(job.name)
        except Exception:  # one broken job must not stop the others
            logger.exception("periodic job %s could not be started", job.name)
    return started


def _start_if_due(job: PeriodicJob, now: dt.datetime) -> bool:
    from edugov.core.models import PeriodicRun

    with transaction.atomic():
        row = PeriodicRun.objects.select_for_update().get(name=job.name)
        if not job.is_due(row.last_run_at, now):
            return False
        result = run_job.enqueue(job.func_path)
        row.last_run_at = now
        row.last_task_id = str(result.id)[:64]
        row.run_count += 1
        row.save(update_fields=["last_run_at", "last_task_id", "run_count"])
    logger.info("periodic job %s started (task %s)", job.name, result.id)
    return True
