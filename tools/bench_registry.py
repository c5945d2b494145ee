"""Benchmark figures for the registry (issue 3): ``python -m tools.bench_registry`` (``make bench``).

Prints ``bench <name> <value> <unit>`` lines on stdout (progress notes on stderr), like
``tools.bench``. Each measurement runs in a child process with its own database:

* ``import_ratio_sqlite``, ``import_ratio_pg`` — validated student import rows/s (the
  real pipeline: ``create_import_job`` + ``run_import`` on a generated csv of ``--rows``
  rows, every cell checked) divided by raw bulk-insert rows/s of the same pupils into the
  same tables the import writes: student, enrolment, status change, guardian and
  guardian link (values precomputed: encrypted, hashed; only the inserts and their commit
  are timed: PostgreSQL ``COPY``, SQLite ``executemany`` in one transaction). Target
  ≥ 0.40. Each time is the median of ``--repeat`` runs (3).
  ``import_ratio_student_table_*`` divides by the student table alone, for reference (a
  one-table registry would write only that; see ADR 0008). The rates are printed too.
* ``import_1m_rows_per_s``, ``import_1m_peak_rss_mib`` (with ``--with-1m``: it takes several
  minutes, so it is not in the default run) — a 1,000,000-row csv imported end to end by
  ``manage.py import_registry`` in a child process on PostgreSQL; peak RSS from
  ``getrusage(RUSAGE_CHILDREN)``. Target < 1.5 GiB. The file (≈ 150 MB) is above the
  default upload limit, so the run raises ``EDUGOV_IMPORT_MAX_BYTES`` for it.
* ``student_list_p95_ms`` (and ``_p50_ms``) — the real student list view
  (``registry:student_list``, Django test client, signed in as the prefecture bureau's
  staff) over province-scale data on PostgreSQL, filtered by grade (page 1 and deep pages)
  or by county; ``student_list_name_p95_ms`` the same for name searches. Target < 300 ms.
  The province database is built by ``populate_demo --scale province`` and cached in
  ``var/bench-pg/`` (a PostgreSQL data directory reused by later runs; rebuilt when the
  migrations changed, or with ``--rebuild``). By default only one prefecture (喀什地区,
  653100: ≈ 600,000 pupils in ≈ 1,800 schools; the tree is always complete, ≈ 15,000
  schools) holds pupils: the rows a prefecture's list reads, but tables a tenth of the
  province's size, so plans that scan whole tables look faster than they would be.
  ``--province`` loads all ≈ 5.6 million pupils (about 10 minutes on 2 cores, once; then
  cached).
* ``list_queries_10``, ``list_queries_1000`` — queries run by the student list for a school
  with 10 and with 1,000 enrolled pupils (must be equal).

Flags: ``--rows N`` (50,000), ``--repeat N`` (3), ``--with-1m``, ``--rows-1m N``, ``--province``,
``--prefecture CODE``, ``--rebuild``, ``--list-requests N`` (60), ``--skip-sqlite``,
``--skip-postgres``, ``--skip-list``, ``--pg-dir DIR`` (var/bench-pg).
``make bench BENCH_REGISTRY_FLAGS="--with-1m --province"`` passes flags through.
Needs PostgreSQL 15+ for the PostgreSQL figures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "tools.bench_settings"
DEFAULT_PREFECTURE = "653100"
SEED = 2026


def emit(name: str, value: float | int, unit: str) -> None:
    from tools.bench import emit as bench_emit

    bench_emit(name, value, unit)


def note(message: str) -> None:
    sys.stderr.write(f"# {message}\n")
    sys.stderr.flush()


# --- data ----------------------------------------------------------------------------------------

GRADE_NAMES = {"11": "一年级", "12": "二年级", "13": "三年级", "14": "四年级", "15": "五年级", "16": "六年级"}
ETHNIC_NAMES = {
    "01": "汉族",
    "05": "维吾尔族",
    "03": "回族",
    "17": "哈萨克族",
    "02": "蒙古族",
    "38": "锡伯族",
}
ETHNIC_NAMES.update({"43": "乌孜别克族", "29": "柯尔克孜族"})
COUNTIES = ("650102", "650103", "650104", "650105", "650106", "650107", "650109", "650121")


def student_records(n: int, *, seed: int = SEED) -> Any:
    """``n`` plausible, valid pupils of one large primary school (dicts of import columns)."""
    from edugov.devtools.registry import people
    from edugov.registry.rules import school_year_start

    rng = people.FastRandom(seed)
    ids = people.IdAllocator()
    phones = people.PhoneAllocator(rng)
    start = school_year_start(dt.date.today())  # noqa: DTZ011 - a calendar date
    grades = list(GRADE_NAMES)
    mix = people.ETHNIC_MIX["650100"]
    for i in range(n):
        grade = grades[i % len(grades)]
        index = grades.index(grade)
        sex = "1" if rng.random() < 0.515 else "2"
        ethnicity = people.weighted_pick(rng, mix)
        county = rng.choice(COUNTIES)
        birth = people.birth_for_grade(rng, 6 + index, start)
        family = people.new_family(rng, ethnicity, "", county)
        yield {
            "name": people.child_name(rng, family, sex),
            "id_number": ids.number(county, birth, sex),
            "sex": sex,
            "ethnicity": ethnicity,
            "birth_date": birth,
            "household_region": county,
            "address": people.home_address(rng, "乌鲁木齐市", rural=False),
            "grade": grade,
            "class_name": f"{(i // len(grades)) // 45 + 1}班",
            "entry_date": dt.date(start.year - index, 9, 1),
            "guardian_name": family.father,
            "guardian_phone": phones.next(),
        }


def write_csv(path: Path, records: Any) -> int:
    from edugov.registry.imports.columns import STUDENTS

    headers = STUDENTS.headers
    by_field = {c.key: c.header for c in STUDENTS.columns}
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for r in records:
            row = {
                by_field["name"]: r["name"],
                by_field["id_type"]: "1",
                by_field["id_number"]: r["id_number"],
                by_field["sex"]: "男" if r["sex"] == "1" else "女",
                by_field["ethnicity"]: ETHNIC_NAMES.get(r["ethnicity"], r["ethnicity"]),
                by_field["birth_date"]: r["birth_date"].isoformat(),
                by_field["nationality"]: "中国",
                by_field["household_region"]: r["household_region"],
                by_field["address"]: r["address"],
                by_field["left_behind"]: "否",
                by_field["migrant"]: "否",
                by_field["aid_eligible"]: "否",
                by_field["grade"]: GRADE_NAMES[r["grade"]],
                by_field["class_name"]: r["class_name"],
                by_field["entry_date"]: r["entry_date"].isoformat(),
                by_field["study_mode"]: "走读",
                by_field["guardian_name"]: r["guardian_name"],
                by_field["guardian_relation"]: "父亲",
                by_field["guardian_phone"]: r["guardian_phone"],
            }
            writer.writerow([row.get(h, "") for h in headers])
            count += 1
    return count


def raw_tables(records: list[dict], school_id: int) -> list[tuple[Any, list[str], list[tuple]]]:
    """The rows the import writes for these pupils, precomputed (encrypted, hashed, masked).

    (model, fields, rows) for each table in insert order: the student, the active
    enrolment, the enrolment's status change, the guardian and the guardian link; primary
    keys are given (the tables start empty). The baseline for ``import_ratio_*``.
    """
    from edugov.core.crypto import Sealer
    from edugov.platform.privacy import mask_id_number, mask_phone
    from edugov.registry.models import Enrolment, Guardian, GuardianLink, StatusChange, Student

    sealer = Sealer()
    students, enrolments, changes, guardians, links = [], [], [], [], []
    for pk, r in enumerate(records, start=1):
        number = r["id_number"]
        masked = mask_id_number(number)
        entry = r["entry_date"]
        students.append(
            (
                pk, r["name"], "1", sealer.encrypt(number, context="registry.student.id_number"),
                sealer.lookup_hash(number),
                masked, r["sex"], r["ethnicity"], r["birth_date"], "CHN",
                sealer.encrypt("G" + number, context="registry.student.student_number"),
                sealer.lookup_hash("G" + number, kind="student_number"), "G" + masked,
                r["household_region"], sealer.encrypt(r["address"], context="registry.student.address"),
                False, False,
                "", False, "import",
            )
        )  # fmt: skip
        enrolments.append(
            (pk, pk, school_id, r["grade"], r["class_name"], entry, "1", "01", "active", entry, "import")
        )
        changes.append((pk, pk, "01", entry, "01"))
        phone = r["guardian_phone"]
        guardians.append(
            (
                pk, r["guardian_name"], sealer.encrypt(phone, context="registry.guardian.phone"),
                sealer.lookup_hash(phone, kind="phone"), mask_phone(phone), "import",
            )
        )  # fmt: skip
        links.append((pk, pk, "1", True))
    return [
        (Student, STUDENT_FIELDS, students),
        (Enrolment, ENROLMENT_FIELDS, enrolments),
        (StatusChange, ["student_id", "enrolment_id", "kind", "effective_on", "to_status"], changes),
        (Guardian, ["id", "name", "phone", "phone_hash", "phone_masked", "created_source"], guardians),
        (GuardianLink, ["student_id", "guardian_id", "relation", "is_primary"], links),
    ]


STUDENT_FIELDS = [
    "id", "name", "id_type", "id_number", "id_hash", "id_masked", "sex", "ethnicity", "birth_date",
    "nationality", "student_number", "student_number_hash", "student_number_masked", "household_region",
    "address", "left_behind", "migrant", "disability", "aid_eligible", "created_source",
]  # fmt: skip
ENROLMENT_FIELDS = [
    "id", "student_id", "school_id", "grade", "class_name", "entry_date", "study_mode", "status", "state",
    "started_on", "created_source",
]  # fmt: skip


def raw_insert_seconds(tables: list[tuple[Any, list[str], list[tuple]]]) -> float:
    """Insert the precomputed rows (COPY / executemany in one transaction); only that is timed."""
    from django.db import transaction

    from edugov.devtools.registry.bulk import Writer

    writers = []
    for model, fields, rows in tables:
        writer = Writer(model, fields)
        writer.rows = [row + writer.extra for row in rows]
        writers.append(writer)
    started = time.perf_counter()
    with transaction.atomic():
        for writer in writers:
            writer.flush()
    return time.perf_counter() - started


def empty_tables() -> None:
    """Empty the registry's people tables again (no dead rows left behind on PostgreSQL)."""
    from django.db import connection

    from edugov.devtools.registry.bulk import reset_sequences
    from edugov.registry.models import Enrolment, Guardian, GuardianLink, StatusChange, Student

    models_ = [GuardianLink, Guardian, StatusChange, Enrolment, Student]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(m._meta.db_table for m in models_)
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")  # noqa: S608 - our tables
        else:
            for model in models_:
                cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - our tables
    reset_sequences(models_)


# --- child phases (Django set up in this process) ------------------------------------------------


def setup_django(database_url: str, var_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["DATABASE_URL"] = database_url
    os.environ["EDUGOV_VAR_DIR"] = str(var_dir)
    import django
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        from edugov.config.settings.base import sqlite_options

        database["OPTIONS"] = sqlite_options()  # WAL, synchronous=NORMAL: the embedded profile
    database["CONN_MAX_AGE"] = None
    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    note(f"migrated in {time.perf_counter() - started:.0f} s")


def import_school() -> Any:
    from edugov.platform.testing.fixtures import build_tree

    return build_tree().school_tianshan


def phase_ratio(rows: int, tmp: Path, repeat: int) -> None:
    from django.db import connection

    from edugov.registry.imports import create_import_job, run_import

    vendor = "pg" if connection.vendor == "postgresql" else "sqlite"
    migrate()
    school = import_school()
    records = list(student_records(rows))
    path = tmp / "students.csv"
    write_csv(path, records)
    tables = raw_tables(records, school.pk)

    raw_runs, student_runs, import_runs = [], [], []
    for run in range(1, repeat + 1):
        # The figure's baseline: the same rows into the same tables the import writes.
        raw_runs.append(raw_insert_seconds(tables))
        empty_tables()
        # For reference: the student table alone (what a one-table registry would write).
        student_runs.append(raw_insert_seconds(tables[:1]))
        empty_tables()
        started = time.perf_counter()
        job = run_import(
            create_import_job(
                kind="students", organization=school, uploaded_file_or_path=path, acting_user=None
            )
        )
        import_runs.append(time.perf_counter() - started)
        if job.status != "done" or job.created_count != rows:
            raise SystemExit(
                f"the import did not write {rows} rows: {job.status} {job.created_count} {job.message}"
            )
        empty_tables()
        note(
            f"{vendor} run {run}/{repeat}: raw insert of {rows:,} pupils into 5 tables {raw_runs[-1]:.2f} s "
            f"(the student table alone {student_runs[-1]:.2f} s); validated import {import_runs[-1]:.2f} s"
        )
    # Medians of the runs: one slow run on a shared machine does not decide the figure.
    raw_seconds, student_seconds = statistics.median(raw_runs), statistics.median(student_runs)
    import_seconds = statistics.median(import_runs)
    emit(f"raw_insert_rows_per_s_{vendor}", rows / raw_seconds, "rows/s")
    emit(f"raw_insert_student_table_rows_per_s_{vendor}", rows / student_seconds, "rows/s")
    emit(f"import_rows_per_s_{vendor}", rows / import_seconds, "rows/s")
    emit(f"import_ratio_{vendor}", raw_seconds / import_seconds, "ratio")
    emit(f"import_ratio_student_table_{vendor}", student_seconds / import_seconds, "ratio")


def phase_import_1m(rows: int, tmp: Path) -> None:
    migrate()
    school = import_school()
    path = tmp / "students-1m.csv"
    started = time.perf_counter()
    write_csv(path, student_records(rows, seed=SEED + 1))
    note(f"wrote {path.stat().st_size / 2**20:.0f} MiB csv in {time.perf_counter() - started:.0f} s")
    env = {**os.environ, "EDUGOV_IMPORT_MAX_BYTES": str(max(path.stat().st_size * 2, 100 * 2**20))}
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "import_registry", "--kind", "students", str(path),
         "--unit", school.school_code],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"import_registry failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}"
        )
    note(done.stdout.strip().splitlines()[0] if done.stdout.strip() else "imported")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    emit("import_1m_rows_per_s", rows / seconds, "rows/s")
    emit("import_1m_seconds", seconds, "s")
    emit("import_1m_peak_rss_mib", peak, "MiB")


def phase_build_province(prefectures: list[str]) -> None:
    from django.core.management import call_command

    migrate()
    args = ["populate_demo", "--scale", "province", "--url", "http://bench/"]
    for code in prefectures:
        args += ["--prefecture", code]
    started = time.perf_counter()
    call_command(*args, stdout=sys.stderr)  # progress as notes; the logins are not figures
    note(f"province database built in {time.perf_counter() - started:.0f} s")


def _list_user(prefecture: str) -> Any:
    from edugov.core.models import User

    username = "urumqi_staff" if prefecture == "650100" else f"p{prefecture}_staff"
    return User.objects.get(username=username)


def phase_list(prefecture: str, requests: int) -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from edugov.core.models import Organization
    from edugov.registry.models import Enrolment

    setup_test_environment()
    settings.EDUGOV_MFA_REQUIRED_ROLES = []
    user = _list_user(prefecture)
    bureau = Organization.objects.get(kind="bureau", level="prefecture", region_id=prefecture)
    counties = list(Organization.objects.filter(kind="bureau", level="county", path__startswith=bureau.path))
    pupils = Enrolment.objects.filter(school__path__startswith=bureau.path, state="active").count()
    note(f"student list over {pupils:,} pupils of {bureau.name} as {user.username}")
    client = Client()
    client.force_login(user)
    url = reverse("registry:student_list")
    middle, first = counties[len(counties) // 2], counties[0]
    filtered = [  # the figure: a filtered, paged list (grade or county; first and deep pages)
        {"grade": "13"},
        {"grade": "21", "page": "40"},
        {"grade": "11", "page": "200"},
        {"unit": str(middle.pk)},
        {"unit": str(first.pk), "grade": "16", "page": "5"},
    ]
    by_name = [{"name": "阿依"}, {"name": "王"}, {"name": "古丽", "name_match": "contains"}]
    client.get(url, filtered[0])  # warm up
    emit("student_list_pupils", pupils, "pupils")
    for label, queries, count in (("", filtered, requests), ("_name", by_name, max(20, requests // 3))):
        samples = []
        for i in range(count):
            params = queries[i % len(queries)]
            started = time.perf_counter()
            response = client.get(url, params)
            samples.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{url} {params} answered {response.status_code}")
            if i < len(queries):
                listed = response.context["page"]
                note(
                    f"  {params}: {listed.paginator.count:,} pupils, {len(listed.object_list)} shown, "
                    f"{samples[-1] * 1000:.0f} ms"
                )
        samples.sort()
        p95 = samples[max(0, int(len(samples) * 0.95 + 0.5) - 1)]
        emit(f"student_list{label}_p50_ms", statistics.median(samples) * 1000, "ms")
        emit(f"student_list{label}_p95_ms", p95 * 1000, "ms")


def phase_queries() -> None:
    """Queries of the student list with 10 and 1,000 pupils at the viewer's school."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from edugov.devtools.registry.bulk import reset_sequences
    from edugov.devtools.registry.demo import LOADED_MODELS, region_table, school_infos
    from edugov.devtools.registry.generate import TYPES, RegistryGenerator, SchoolStats
    from edugov.platform.testing.fixtures import build_tree, make_user

    migrate()
    setup_test_environment()  # responses keep their template context
    settings.EDUGOV_MFA_REQUIRED_ROLES = []
    tree = build_tree()
    regions, _ = region_table()
    gen = RegistryGenerator(seed=SEED, regions=regions)
    url = reverse("registry:student_list")
    counts = {}
    for n, school in ((10, tree.school_tianshan), (1000, tree.school_shayibake)):
        info = school_infos([school])[0]
        info.school_type = "211"
        gen.stats[school.pk] = SchoolStats()
        for i in range(n):
            gen.student(info, TYPES["211"], "14", f"{i // 45 + 1}班", dt.date(2022, 9, 1))
        gen.close()
        reset_sequences(LOADED_MODELS)
        user = make_user(f"registrar{n}", unit=school, role="registrar")
        client = Client()
        client.force_login(user)
        client.get(url)  # warm caches (sessions, code tables)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        listed = response.context["page"]
        if listed.paginator.count != n or len(listed.object_list) != min(n, listed.paginator.per_page):
            raise SystemExit(f"the list shows {listed.paginator.count} pupils, expected {n}")
        counts[n] = len(captured.captured_queries)
    emit("list_queries_10", counts[10], "queries")
    emit("list_queries_1000", counts[1000], "queries")


# --- orchestration -------------------------------------------------------------------------------


def child(phase: str, database_url: str, *extra: str) -> None:
    """Run one phase in a fresh interpreter; its figures go straight to our stdout."""
    command = [
        sys.executable,
        "-m",
        "tools.bench_registry",
        "--phase",
        phase,
        "--database",
        database_url,
        *extra,
    ]
    done = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed ({done.returncode})")


def _schema() -> str:
    """A fingerprint of the migrations: a cached database built before a new one is rebuilt."""
    names = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "edugov").glob("*/migrations/0*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def _fresh(marker: Path) -> bool:
    try:
        built = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return built.get("seed") == SEED and built.get("schema") == _schema()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench_registry", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--rows-1m", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="import-ratio runs (the median is printed)")
    parser.add_argument("--with-1m", action="store_true", help="also import a 1,000,000-row file (minutes)")
    parser.add_argument("--province", action="store_true", help="pupils in every prefecture (≈ 5.6 million)")
    parser.add_argument("--prefecture", default=DEFAULT_PREFECTURE)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached province database")
    parser.add_argument("--list-requests", type=int, default=60)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-list", action="store_true")
    parser.add_argument("--pg-dir", type=Path, default=ROOT / "var" / "bench-pg")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        with tempfile.TemporaryDirectory(prefix="edugov-bench-") as tmp:
            setup_django(args.database, Path(tmp) / "var")
            phases = {
                "ratio": lambda: phase_ratio(args.rows, Path(tmp), args.repeat),
                "import1m": lambda: phase_import_1m(args.rows_1m, Path(tmp)),
                "province": lambda: phase_build_province([] if args.province else [args.prefecture]),
                "list": lambda: phase_list(args.prefecture, args.list_requests),
                "queries": phase_queries,
            }
            phases[args.phase]()
        return

    started = time.perf_counter()
    common = ["--rows", str(args.rows), "--rows-1m", str(args.rows_1m), "--prefecture", args.prefecture]
    common += ["--repeat", str(args.repeat)]
    common += ["--list-requests", str(args.list_requests)] + (["--province"] if args.province else [])
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="edugov-bench-") as tmp:
            note("SQLite: import ratio")
            child("ratio", f"sqlite:///{tmp}/ratio.sqlite3", *common)
            note("SQLite: list queries for 10 and 1,000 pupils")
            child("queries", f"sqlite:///{tmp}/queries.sqlite3", *common)
    if not args.skip_postgres:
        from tools.pgcluster import Cluster

        with Cluster(args.pg_dir) as pg:
            note(f"PostgreSQL cluster in {args.pg_dir} on port {pg.port}")
            pg.recreate_database("bench_import")
            note("PostgreSQL: import ratio")
            child("ratio", pg.url("bench_import"), *common)
            if args.with_1m:
                pg.recreate_database("bench_import")
                note(f"PostgreSQL: {args.rows_1m:,}-row import end to end")
                child("import1m", pg.url("bench_import"), *common)
            pg.psql('DROP DATABASE IF EXISTS "bench_import"')
            if not args.skip_list:
                name = "province_all" if args.province else f"province_{args.prefecture}"
                marker = args.pg_dir / f"{name}.json"
                if args.rebuild or not _fresh(marker) or not pg.database_exists(name):
                    note(f"PostgreSQL: building the province database {name} (cached in {args.pg_dir})")
                    marker.unlink(missing_ok=True)
                    pg.recreate_database(name)
                    built = time.perf_counter()
                    child("province", pg.url(name), *common)
                    marker.write_text(
                        json.dumps(
                            {"built_s": round(time.perf_counter() - built), "seed": SEED, "schema": _schema()}
                        ),
                        encoding="utf-8",
                    )
                else:
                    note(f"PostgreSQL: reusing the province database {name}")
                scope = "all prefectures" if args.province else f"prefecture {args.prefecture} only"
                note(f"student list over province-scale data: pupils in {scope}")
                child("list", pg.url(name), *common)
    note(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
