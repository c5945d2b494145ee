"""``manage.py run_node``: serve one node — the web server, the background-task worker and
the periodic-job loop.

All run as child processes of this command: gunicorn (threaded workers, sized for an
embedded SQLite node), django-tasks-db's ``db_worker`` and ``run_periodic``. SIGINT and
SIGTERM are passed on to all; when any child exits, the others are stopped and this
command exits too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

#: Seconds a child gets to finish after SIGTERM before it is killed.
STOP_TIMEOUT_S = 15.0
#: How often the supervisor looks at its children.
POLL_INTERVAL_S = 0.2


def _set_parent_death_signal() -> None:
    """In the child (Linux): get SIGTERM if the supervisor dies without cleaning up."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux / no libc: best effort only
        pass


class Command(BaseCommand):
    help = "Start the web server (gunicorn) and the background-task worker together."

    # The children run their own checks; the supervisor itself touches no database.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to bind (default 8000).")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2).")
        parser.add_argument("--threads", type=int, default=4, help="Threads per gunicorn worker (default 4).")
        parser.add_argument(
            "--no-task-worker", action="store_true", help="Run the web server only, without db_worker."
        )
        parser.add_argument(
            "--no-periodic", action="store_true", help="Do not start periodic jobs (run_periodic)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {port}")
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")

        self._print_demo_logins()
        env = self._child_env()
        commands = {"web server": self._gunicorn_command(host, port, options["workers"], options["threads"])}
        if not options["no_task_worker"]:
            commands["task worker"] = [sys.executable, "-m", "edugov", "db_worker", "--no-reload"]
        if not options["no_periodic"]:
            commands["periodic jobs"] = [sys.executable, "-m", "edugov", "run_periodic"]

        children: dict[str, subprocess.Popen[bytes]] = {}
        received: list[int] = []
        signalled: set[int] = set()

        def forward(signum: int, frame: FrameType | None) -> None:
            received.append(signum)
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signum)
                    signalled.add(child.pid)

        previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for name, command in commands.items():
                if received:
                    break
                # Own process group: a terminal's Ctrl-C reaches the children once, through us.
                children[name] = subprocess.Popen(
                    command,
                    cwd=settings.BASE_DIR,
                    env=env,
                    process_group=0,
                    preexec_fn=_set_parent_death_signal,
                )
                self.stdout.write(f"{name} pid {children[name].pid}")
            url_host = f"[{host}]" if ":" in host else host
            self.stdout.write(self.style.SUCCESS(f"edugov is serving on http://{url_host}:{port}/"))
            self.stdout.write("Press Ctrl-C to stop.")
            self.stdout.flush()
            exit_code = self._supervise(children, received)
        finally:
            # Children that were already sent the signal we received are not signalled twice.
            self._stop_all(children, skip=signalled)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if exit_code:
            sys.exit(exit_code)

    # --- helpers -------------------------------------------------------------
    def _print_demo_logins(self) -> None:
        logins = Path(settings.VAR_DIR) / "demo-logins.txt"
        if logins.is_file():
            self.stdout.write(logins.read_text(encoding="utf-8").rstrip("\n"))
            self.stdout.write("")

    @staticmethod
    def _child_env() -> dict[str, str]:
        """The children read the same settings module as this command, even if given by --settings."""
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = env.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    @staticmethod
    def _gunicorn_command(host: str, port: int, workers: int, threads: int) -> list[str]:
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        return [
            sys.executable, "-m", "gunicorn", "edugov.config.wsgi:application",
            "--bind", bind,
            "--chdir", str(settings.BASE_DIR),
            "--worker-class", "gthread",
            "--workers", str(workers),
            "--threads", str(threads),
            "--graceful-timeout", str(int(STOP_TIMEOUT_S) - 5),
            "--timeout", "60",
            # gunicorn's control socket lives at one fixed path per user; nodes must not share it.
            "--no-control-socket",
        ]  # fmt: skip

    def _supervise(self, children: dict[str, subprocess.Popen[bytes]], received: list[int]) -> int:
        """Wait until a child exits (or we are told to stop); return this command's exit code."""
        while True:
            for name, child in children.items():
                code = child.poll()
                if code is not None:
                    if received:
                        return 0
                    self.stderr.write(f"{name} exited with status {code}; stopping the node.")
                    return code if code > 0 else 1
            if received:
                return 0
            time.sleep(POLL_INTERVAL_S)

    def _stop_all(self, children: dict[str, subprocess.Popen[bytes]], *, skip: set[int]) -> None:
        """Ask every live child to stop, wait for them, and kill what does not."""
        for child in children.values():
            if child.pid not in skip and child.poll() is None:
                try:
                    child.terminate()
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for name, child in children.items():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop in {STOP_TIMEOUT_S:.0f} s; killing it.")
                child.kill()
                child.wait()
