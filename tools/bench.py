"""Benchmark figures for the platform core: ``python -m tools.bench`` (``make bench``).

Builds a throwaway SQLite database (WAL mode, as on an embedded node) in a temporary
directory, and prints one figure per line as ``bench <name> <value> <unit>``.
Progress notes go to stderr, so stdout holds only the figures.

It uses only the public core APIs (``Organization``, ``log_event``, ``verify_chain``,
``/healthz``) and creates its own region rows, so it does not depend on the details of
the reference data that ``migrate`` loads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Shape of the benchmark tree: 1 province, 14 prefectures, each with 3 departments and
#: 9 counties, each county with 2 departments and 13 schools: 2,073 units.
PREFECTURES = 14
PREFECTURE_DEPARTMENTS = 3
COUNTIES_PER_PREFECTURE = 9
COUNTY_DEPARTMENTS = 2
SCHOOLS_PER_COUNTY = 13


def emit(name: str, value: float | int, unit: str) -> None:
    """Print one figure in the ``bench <name> <value> <unit>`` format."""
    if isinstance(value, int):
        text = str(value)
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.4f}"
    sys.stdout.write(f"bench {name} {text} {unit}\n")
    sys.stdout.flush()


def note(message: str) -> None:
    sys.stderr.write(f"# {message}\n")
    sys.stderr.flush()


def setup_django(db_file: Path, var_dir: Path) -> None:
    """Point the settings at a throwaway SQLite file in WAL mode, then set Django up."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.config.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
    os.environ["EDUGOV_VAR_DIR"] = str(var_dir)

    import django
    from django.conf import settings

    from edugov.config.settings.base import sqlite_options

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        raise SystemExit(f"{settings.SETTINGS_MODULE} does not use SQLite for DATABASE_URL={db_file}")
    # The same connection options as the embedded profile: WAL, synchronous=NORMAL.
    database["OPTIONS"] = sqlite_options()
    database["CONN_MAX_AGE"] = 0
    database["NAME"] = str(db_file)
    django.setup()


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def bench_migrate() -> None:
    from django.core.management import call_command

    seconds, _ = timed(lambda: call_command("migrate", interactive=False, verbosity=0))
    emit("migrate_s", seconds, "s")


def _bench_regions() -> tuple[Any, list[Any], list[list[Any]]]:
    """Regions owned by the benchmark (codes 99xxxx are not used by GB/T 2260)."""
    from edugov.core.choices import RegionLevel
    from edugov.core.models import Region

    province, _ = Region.objects.get_or_create(
        code="990000", defaults={"name": "Bench province", "level": RegionLevel.PROVINCE}
    )
    prefectures: list[Any] = []
    counties: list[list[Any]] = []
    for p in range(PREFECTURES):
        pref, _ = Region.objects.get_or_create(
            code=f"99{p + 1:02d}00",
            defaults={
                "name": f"Bench prefecture {p + 1}",
                "level": RegionLevel.PREFECTURE,
                "parent": province,
            },
        )
        prefectures.append(pref)
        row = []
        for c in range(COUNTIES_PER_PREFECTURE):
            county, _ = Region.objects.get_or_create(
                code=f"99{p + 1:02d}{c + 1:02d}",
                defaults={
                    "name": f"Bench county {p + 1}-{c + 1}",
                    "level": RegionLevel.COUNTY,
                    "parent": pref,
                },
            )
            row.append(county)
        counties.append(row)
    return province, prefectures, counties


def build_tree() -> list[Any]:
    """Bulk-create the benchmark tree with treebeard paths; return the prefecture bureaus."""
    from django.db import transaction

    from edugov.core.choices import OrganizationKind, OrganizationLevel
    from edugov.core.models import Organization

    kind, level = OrganizationKind, OrganizationLevel
    province_region, prefecture_regions, county_regions = _bench_regions()
    nodes: list[Organization] = []

    def node(parent: Organization | None, index: int, **fields: Any) -> Organization:
        parent_path = parent.path if parent is not None else ""
        depth = parent.depth + 1 if parent is not None else 1
        path = Organization._get_path(parent_path, depth, index)
        unit = Organization(path=path, depth=depth, numchild=0, **fields)
        if parent is not None:
            parent.numchild += 1
        nodes.append(unit)
        return unit

    last_root = Organization.get_last_root_node()
    root_index = int(last_root.path[: Organization.steplen], 36) + 1 if last_root else 1
    root = node(
        None, root_index, name="Bench provincial bureau", kind=kind.BUREAU, level=level.PROVINCE,
        region=province_region,
    )  # fmt: skip
    prefecture_bureaus = []
    for p, pref_region in enumerate(prefecture_regions):
        pref = node(
            root, p + 1, name=f"Bench prefecture bureau {p + 1}", kind=kind.BUREAU, level=level.PREFECTURE,
            region=pref_region,
        )  # fmt: skip
        prefecture_bureaus.append(pref)
        step = 1
        for d in range(PREFECTURE_DEPARTMENTS):
            node(pref, step, name=f"Department {p + 1}.{d + 1}", kind=kind.DEPARTMENT,
                 level=level.PREFECTURE, region=pref_region)  # fmt: skip
            step += 1
        for c, county_region in enumerate(county_regions[p]):
            county = node(
                pref, step, name=f"Bench county bureau {p + 1}-{c + 1}", kind=kind.BUREAU,
                level=level.COUNTY, region=county_region,
            )  # fmt: skip
            step += 1
            for d in range(COUNTY_DEPARTMENTS):
                node(county, d + 1, name=f"Department {p + 1}-{c + 1}.{d + 1}", kind=kind.DEPARTMENT,
                     level=level.COUNTY, region=county_region)  # fmt: skip
            for s in range(SCHOOLS_PER_COUNTY):
                node(county, COUNTY_DEPARTMENTS + s + 1, name=f"School {p + 1}-{c + 1}-{s + 1}",
                     kind=kind.SCHOOL, level=level.SCHOOL, region=county_region)  # fmt: skip
    with transaction.atomic():
        Organization.objects.bulk_create(nodes, batch_size=500)
    problems = [ids for ids in Organization.find_problems() if ids]
    if problems:
        raise SystemExit(f"the benchmark tree is malformed: {problems}")
    emit("org_tree_units", len(nodes), "units")
    return list(Organization.objects.filter(path__in=[p.path for p in prefecture_bureaus]))


def bench_subtree(prefectures: list[Any], repeats: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from edugov.core.models import Organization

    expected = (
        1 + PREFECTURE_DEPARTMENTS + COUNTIES_PER_PREFECTURE * (1 + COUNTY_DEPARTMENTS + SCHOOLS_PER_COUNTY)
    )
    samples = []
    for i in range(repeats):
        prefecture = prefectures[i % len(prefectures)]
        seconds, units = timed(lambda p=prefecture: list(Organization.objects.subtree(p)))
        if len(units) != expected:
            raise SystemExit(f"subtree of {prefecture} has {len(units)} units, expected {expected}")
        samples.append(seconds)
    emit("org_subtree_ms", statistics.median(samples) * 1000, "ms")
    with CaptureQueriesContext(connection) as queries:
        list(Organization.objects.subtree(prefectures[0]))
    emit("org_subtree_queries", len(queries.captured_queries), "queries")


def bench_audit(entries: int) -> None:
    from edugov.core.audit import AuditEvent, log_event, verify_chain
    from edugov.core.models import AuditEntry

    def append() -> None:
        for i in range(entries):
            log_event(AuditEvent.ORG_CHANGED, acting_user=None, username="bench", extra={"n": i})

    seconds, _ = timed(append)
    append_rate = entries / seconds
    emit("audit_append_per_s", append_rate, "entries/s")

    total = AuditEntry.objects.count()
    seconds, problems = timed(lambda: list(verify_chain()))
    if problems:
        raise SystemExit(f"the audit chain does not verify: {problems[0].message}")
    verify_rate = total / seconds
    emit("audit_verify_per_s", verify_rate, "entries/s")
    emit("audit_verify_to_append_ratio", verify_rate / append_rate, "ratio")


def bench_healthz(requests: int) -> None:
    from django.test import Client

    client = Client()
    client.get("/healthz")  # warm up URL resolver and middleware

    def run() -> None:
        for _ in range(requests):
            response = client.get("/healthz")
            if response.status_code != 200:
                raise SystemExit(f"/healthz answered {response.status_code}")

    seconds, _ = timed(run)
    emit("healthz_rps", requests / seconds, "req/s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--audit-entries", type=int, default=2000)
    parser.add_argument("--healthz-requests", type=int, default=500)
    parser.add_argument("--subtree-repeats", type=int, default=200)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="edugov-bench-") as tmp:
        db_file = Path(tmp) / "bench.sqlite3"
        setup_django(db_file, Path(tmp) / "var")
        note(f"throwaway database {db_file}")
        from django.db import connections

        try:
            bench_migrate()
            prefectures = build_tree()
            bench_subtree(prefectures, args.subtree_repeats)
            bench_audit(args.audit_entries)
            bench_healthz(args.healthz_requests)
        finally:
            connections.close_all()
    note(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
