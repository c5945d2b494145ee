"""Benchmarks of the office's document flow: ``python -m tools.bench_office_flow``.

Figures (``bench <name> <value> <unit>``):

- ``todo_list_p95_ms`` — the 待办 page (``/office/tasks/``) of a clerk with 5,000 open
  items, 95th percentile over ``--requests`` requests on PostgreSQL (and
  ``todo_list_p95_ms_sqlite`` on the embedded profile). Target < 300 ms. The open items
  are written as the engine writes them (instance, task, candidate rows) in bulk, since
  starting 5,000 processes one by one measures the engine, not the list.
- ``numbering_gaps`` / ``numbering_duplicates`` — 200 sign-offs take document numbers
  from one series at once (16 threads, each its own connection); one in ten crashes after
  taking its number and before committing. Both must be 0: crashed numbers are not burnt,
  concurrent ones not shared.

Each phase runs in a fresh interpreter on a throwaway database (SQLite file, and a
throwaway PostgreSQL cluster when PostgreSQL is installed).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tools.bench_registry import ROOT, emit, migrate, note, setup_django

OPEN_ITEMS = 5000
SIGNOFFS = 200


def _people() -> tuple[Any, Any, Any]:
    from edugov.core.models import Role
    from edugov.office.models import NumberSeries
    from edugov.platform.testing.fixtures import build_tree, make_user

    Role.objects.exists()
    tree = build_tree()
    clerk = make_user("bench_clerk", unit=tree.province, role="office_clerk")
    series = NumberSeries.objects.create(organization=tree.province, prefix="新教发", name="bench")
    return tree, clerk, series


def phase_todo(requests: int, suffix: str) -> None:
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from edugov.office.choices import Direction, DocumentStatus
    from edugov.office.models import Document, ProcessInstance, TaskCandidate, WorkTask
    from edugov.office.workflow import engine

    migrate()
    tree, clerk, _series = _people()
    definition = engine.latest("office.outgoing")
    started = time.perf_counter()
    now = timezone.now()
    with transaction.atomic():
        documents = Document.objects.bulk_create(
            [
                Document(
                    organization=tree.province,
                    direction=Direction.OUTGOING,
                    doc_type="notice",
                    status=DocumentStatus.REVIEW,
                    title=f"关于做好第{n}项工作的通知",
                    issuing_organ=tree.province.name,
                    created_by=clerk,
                )
                for n in range(OPEN_ITEMS)
            ],
            batch_size=1000,
        )
        instances = ProcessInstance.objects.bulk_create(
            [
                ProcessInstance(
                    definition=definition,
                    organization=tree.province,
                    document=d,
                    title=d.title,
                    started_by=clerk,
                )
                for d in documents
            ],
            batch_size=1000,
        )
        tasks = WorkTask.objects.bulk_create(
            [
                WorkTask(
                    process=i,
                    document=d,
                    organization=tree.province,
                    role_code="office.document.review",
                    spec_name="review",
                    spiff_task_id=f"00000000-0000-0000-0000-{n:012d}",
                    title="核稿",
                    due_at=now + timezone.timedelta(days=n % 30),
                )
                for n, (i, d) in enumerate(zip(instances, documents, strict=True))
            ],
            batch_size=1000,
        )
        TaskCandidate.objects.bulk_create([TaskCandidate(task=t, user=clerk) for t in tasks], batch_size=2000)
    note(f"{OPEN_ITEMS} open items written in {time.perf_counter() - started:.1f} s ({connection.vendor})")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(clerk)
    times = []
    for n in range(requests + 3):
        page = 1 + (n % 5) * 20 if n % 3 == 0 else 1
        start = time.perf_counter()
        response = client.get("/office/tasks/", {"page": page})
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        if n >= 3:  # warm-up
            times.append(elapsed * 1000)
    assert f'data-testid="task-total">{OPEN_ITEMS}<' in response.content.decode(), "wrong to-do count"
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    emit(f"todo_list_p95_ms{suffix}", p95, "ms")
    emit(f"todo_list_p50_ms{suffix}", statistics.median(times), "ms")


def phase_numbering(suffix: str) -> None:
    from django.db import connection, connections, transaction

    from edugov.office.actions.numbering import assign_document_number, number_gaps
    from edugov.office.choices import Direction
    from edugov.office.models import Document

    migrate()
    tree, clerk, series = _people()
    documents = Document.objects.bulk_create(
        [
            Document(
                organization=tree.province,
                direction=Direction.OUTGOING,
                doc_type="notice",
                title=f"签发{n}",
                issuing_organ=tree.province.name,
                created_by=clerk,
            )
            for n in range(SIGNOFFS)
        ]
    )
    crashed = 0
    lock = threading.Lock()

    class Crash(Exception):
        pass

    def sign(index: int, document: Document) -> None:
        nonlocal crashed
        try:
            for attempt in range(50):
                try:
                    with transaction.atomic():
                        assign_document_number(document, series, acting_user=clerk)
                        if index % 10 == 3 and attempt == 0:
                            raise Crash  # the renderer dies after the number was taken
                    return
                except Crash:
                    with lock:
                        crashed += 1
                except Exception as error:  # SQLite: "database is locked" under contention → retry
                    if "locked" not in str(error).lower():
                        raise
                    time.sleep(0.01 * (attempt + 1))
            raise RuntimeError(f"document {document.pk} could not be numbered")
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda pair: sign(*pair), enumerate(documents)))
    elapsed = time.perf_counter() - started
    year = Document.objects.filter(number_seq__isnull=False).values_list("number_year", flat=True).first()
    seqs = list(Document.objects.filter(series=series, number_year=year).values_list("number_seq", flat=True))
    duplicates = len(seqs) - len(set(seqs))
    gaps = len(number_gaps(series, year))
    note(
        f"{len(seqs)} numbers in {elapsed:.1f} s on {connection.vendor}; "
        f"{crashed} crashed sign-offs retried; highest {max(seqs)}"
    )
    emit(f"numbering_gaps{suffix}", gaps, "gaps")
    emit(f"numbering_duplicates{suffix}", duplicates, "duplicates")
    emit(f"numbering_signoffs_per_s{suffix}", len(seqs) / elapsed, "signoffs/s")


def child(phase: str, database_url: str, suffix: str, requests: int) -> None:
    command = [
        sys.executable,
        "-m",
        "tools.bench_office_flow",
        "--phase",
        phase,
        "--database",
        database_url,
        "--suffix",
        suffix,
        "--requests",
        str(requests),
    ]
    done = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed ({done.returncode})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench_office_flow", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--pg-dir", type=Path, default=ROOT / "var" / "bench-pg-office")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--suffix", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        with tempfile.TemporaryDirectory(prefix="edugov-bench-") as tmp:
            setup_django(args.database, Path(tmp) / "var")
            if args.phase == "todo":
                phase_todo(args.requests, args.suffix)
            else:
                phase_numbering(args.suffix)
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="edugov-bench-") as tmp:
        note("SQLite: to-do list of a clerk with 5,000 open items")
        child("todo", f"sqlite:///{tmp}/todo.sqlite3", "_sqlite", args.requests)
        note("SQLite: 200 concurrent sign-offs on one number series")
        child("numbering", f"sqlite:///{tmp}/numbering.sqlite3", "_sqlite", args.requests)
    if not args.skip_postgres:
        from tools.pgcluster import Cluster, pg_bin

        if pg_bin() is None:
            note("PostgreSQL is not installed: PostgreSQL figures skipped")
        else:
            with Cluster(args.pg_dir) as pg:
                pg.recreate_database("bench_office")
                note("PostgreSQL: to-do list of a clerk with 5,000 open items")
                child("todo", pg.url("bench_office"), "", args.requests)
                pg.recreate_database("bench_office")
                note("PostgreSQL: 200 concurrent sign-offs on one number series")
                child("numbering", pg.url("bench_office"), "", args.requests)
                pg.psql('DROP DATABASE IF EXISTS "bench_office"')
    note(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
