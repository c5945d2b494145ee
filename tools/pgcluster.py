"""A throwaway (or cached) PostgreSQL cluster on 127.0.0.1 for benchmarks.

The same approach as ``tools/run-tests``: ``initdb`` with trust authentication (as the
``postgres`` user when running as root, since PostgreSQL refuses to run as root), a
random port, and durability switched off (``fsync=off`` …): figures measure the
database's work, not the disk's flush latency.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
from pathlib import Path

SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50 "
    "-c max_wal_size=4GB -c checkpoint_timeout=30min -c shared_buffers=512MB -c work_mem=32MB "
    "-c maintenance_work_mem=1GB"
)


def pg_bin() -> Path | None:
    found = []
    for path in Path("/usr/lib/postgresql").glob("*/bin/initdb"):
        version = path.parent.parent.name
        if version.isdigit() and int(version) >= 15:
            found.append((int(version), path.parent))
    return max(found)[1] if found else None


def _free_port() -> int:
    for _ in range(50):
        port = random.randint(20000, 40000)  # noqa: S311 - not a secret
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for PostgreSQL")


class Cluster:
    """``with Cluster(directory) as pg: pg.url("dbname")`` — created when missing, stopped at exit."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory).resolve()
        self.data = self.directory / "data"
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL 15+ is not installed (apt-get install postgresql)")
        self.port = _free_port()
        self.runas: list[str] = []
        if os.geteuid() == 0:
            self.runas = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess:
        return subprocess.run([*self.runas, *args], check=True, capture_output=True, text=True, **kwargs)  # noqa: S603

    @property
    def created(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def __enter__(self) -> Cluster:
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.runas:
            shutil.chown(self.directory, "postgres")
        if not self.created:
            self._run(
                str(self.bin / "initdb"), "-D", str(self.data), "-U", "edugov", "--auth=trust", "-E", "UTF8",
                "--locale=C.UTF-8",
            )  # fmt: skip
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"), "-w",
            "-o", f"-h 127.0.0.1 -p {self.port} -k {self.directory} {SERVER_OPTIONS}", "start",
        )  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")

    def url(self, database: str) -> str:
        return f"postgres://edugov@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(  # noqa: S603
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "edugov", "-d", database,
             "-tAc", sql],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        return result.stdout.strip()

    def database_exists(self, name: str) -> bool:
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608

    def recreate_database(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}"')
        self.psql(f'CREATE DATABASE "{name}"')
