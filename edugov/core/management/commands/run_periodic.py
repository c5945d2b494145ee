"""``manage.py run_periodic [--once]``: start the node's periodic jobs when they are due.

Checks once a minute (at the start of each minute) and enqueues due jobs as background
tasks; the task worker runs them. Safe to run on several nodes sharing one database:
a job starts once per period (see ``edugov.core.periodic``).
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from edugov.core.periodic import jobs, run_due

TICK_S = 60


class Command(BaseCommand):
    help = "Start periodic jobs (nightly data quality, daily reminders…) when they are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self._tick()
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, request_stop)
        names = ", ".join(sorted(jobs())) or "none"
        self.stdout.write(f"periodic jobs: {names}")
        self.stdout.flush()
        while not stop.is_set():
            # A long-lived loop must not keep a dead or stale connection between ticks.
            close_old_connections()
            self._tick()
            close_old_connections()
            # Sleep to the start of the next minute; a signal ends the wait at once.
            stop.wait(TICK_S - time.time() % TICK_S)

    def _tick(self) -> None:
        try:
            started = run_due(timezone.now())
        except Exception as error:  # the database may be briefly unavailable: try next minute
            self.stderr.write(f"periodic jobs not checked: {error}")
            return
        for name in started:
            self.stdout.write(f"started {name}")
        self.stdout.flush()
