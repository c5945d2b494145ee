"""``manage.py run_node`` starts gunicorn and db_worker together and stops both on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT_S = 45.0
STOP_TIMEOUT_S = 25.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _node_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="edugov.config.settings.dev",
        EDUGOV_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


def _is_running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _child_pids(log: Path) -> dict[str, int]:
    pids: dict[str, int] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        for name in ("web server", "task worker", "periodic jobs"):
            if line.startswith(f"{name} pid "):
                pids[name] = int(line.rsplit(" ", 1)[1])
    return pids


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"run_node exited early with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"{url} did not answer 200 within {START_TIMEOUT_S:.0f} s:\n{log.read_text()}")


@pytest.fixture
def migrated_var_dir(tmp_path: Path) -> Path:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=REPO_ROOT, env=_node_env(var_dir), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return var_dir


@pytest.mark.slow
def test_run_node_serves_and_stops_both_children_on_sigterm(migrated_var_dir: Path, tmp_path: Path) -> None:
    (migrated_var_dir / "demo-logins.txt").write_text("demo-admin / demo-password-1\n", encoding="utf-8")
    port = _free_port()
    log = tmp_path / "run_node.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "run_node", "--host", "127.0.0.1", "--port", str(port),
             "--workers", "1"],
            cwd=REPO_ROOT, env=_node_env(migrated_var_dir), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    pids: dict[str, int] = {}
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", proc, log)
        text = log.read_text(encoding="utf-8")
        assert "demo-admin / demo-password-1" in text
        assert f"http://127.0.0.1:{port}/" in text
        pids = _child_pids(log)
        assert set(pids) == {"web server", "task worker", "periodic jobs"}, text
        assert all(_is_running(pid) for pid in pids.values())

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=STOP_TIMEOUT_S) == 0, log.read_text()
        deadline = time.monotonic() + 5
        while any(_is_running(pid) for pid in pids.values()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [name for name, pid in pids.items() if _is_running(pid)], log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in pids.values():
            if _is_running(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_run_node_stops_the_worker_when_the_web_server_dies(migrated_var_dir: Path, tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "run_node.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "run_node", "--port", str(port), "--workers", "1"],
            cwd=REPO_ROOT, env=_node_env(migrated_var_dir), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    pids: dict[str, int] = {}
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", proc, log)
        pids = _child_pids(log)
        os.kill(pids["web server"], signal.SIGKILL)
        assert proc.wait(timeout=STOP_TIMEOUT_S) != 0, log.read_text()
        assert not _is_running(pids["task worker"]), log.read_text()
        assert not _is_running(pids["periodic jobs"]), log.read_text()
        assert "web server exited" in log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in pids.values():
            if _is_running(pid):
                os.kill(pid, signal.SIGKILL)
