"""``populate_demo --scale province``: ≈ 15,000 schools and ≈ 5.6 million pupils, for benchmarks.

Not used by ``make demo``. The tree is the demo tree at factor 11 (``SCALES["province"]``);
every school gets a profile, pupils with their active enrolment, staff, buildings,
assets and finance. Guardians and status-change rows are left out (they would double
the build time and the benchmarks do not read them). Class counts are scaled so the
province totals ≈ 5.6 million pupils (``TARGET_PUPILS``).

Speed: rows are generated in Python (values encrypted and hashed exactly as the
application does) and written with PostgreSQL ``COPY`` (SQLite: ``executemany``), with
the tables' secondary indexes and constraints dropped during the load and rebuilt
after it, all in one transaction. ``prefectures`` limits the pupils to some
prefectures (the benchmark's scaled-down mode); the tree is always complete.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from edugov.core.models import Organization
from edugov.devtools.registry import bulk
from edugov.devtools.registry.demo import LOADED_MODELS, region_table, school_infos
from edugov.devtools.registry.generate import RegistryGenerator

TARGET_PUPILS = 5_600_000
SCALE_FACTOR = 11  # schools per county and type, relative to the small demo (≈ 15,500 schools)


def density_for(gen: RegistryGenerator, infos: list[Any], target: int) -> float:
    """The class-count density that gives ``target`` pupils over ``infos`` (bisection)."""
    low, high = 0.05, 3.0
    for _ in range(40):
        gen.density = (low + high) / 2
        total = sum(gen.expected_students(i) for i in infos)
        low, high = (gen.density, high) if total < target else (low, gen.density)
    return gen.density


def build_province_registry(
    *,
    seed: int = 2026,
    prefectures: set[str] | None = None,
    target: int = TARGET_PUPILS,
    progress: Callable[[str], Any] | None = None,
) -> dict[str, Any]:
    say = progress or (lambda _m: None)
    started = time.monotonic()
    schools = list(Organization.objects.schools().filter(region__code__startswith="65").order_by("path"))
    infos = school_infos(schools)
    regions, _by_prefecture = region_table()
    gen = RegistryGenerator(seed=seed, regions=regions, guardians=False, status_changes=False, batch=50000)
    density = density_for(gen, infos, target)
    if prefectures:
        infos = [i for i in infos if i.prefecture in prefectures]
    expected = sum(gen.expected_students(i) for i in infos)
    say(
        f"  province: {len(schools)} schools, density {density:.3f}; "
        f"loading {len(infos)} schools, ≈ {expected:,.0f} pupils ({connection.vendor})"
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        with bulk.loading(LOADED_MODELS):
            last = time.monotonic()
            for n, info in enumerate(infos, start=1):
                gen.school(info)
                if time.monotonic() - last > 10 or n == len(infos):
                    last = time.monotonic()
                    pupils = gen.students.count + len(gen.students.rows)
                    rate = pupils / max(0.001, last - started)
                    say(f"  province: {n}/{len(infos)} schools, {pupils:,} pupils ({rate:,.0f}/s)")
            counts = gen.close()
            say(f"  province: rows written in {time.monotonic() - started:.0f}s; rebuilding indexes")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in LOADED_MODELS:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    seconds = time.monotonic() - started
    say(f"  province: {counts['student']:,} pupils in {len(infos)} schools in {seconds:.0f}s")
    return {**counts, "seconds": round(seconds, 1), "schools": len(schools), "expected": round(expected)}
