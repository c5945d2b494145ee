"""``manage.py import_registry --kind students FILE --unit CODE`` — a bulk import, synchronously.

The same import as the web page (DB-7): every row is checked; nothing is written unless
all rows are valid, or with ``--valid-rows-only`` the valid rows are written. When any
row is invalid the report (bad cells marked) is written to ``--report`` (default
``FILE.report.xlsx``) and the command exits with status 1; a file that cannot be read
at all exits with status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.core.models import Organization, User
from edugov.registry.choices import ImportMode, ImportStatus
from edugov.registry.imports import ImportFileError, create_import_job, run_import
from edugov.registry.imports.columns import KINDS
from edugov.registry.models import ImportProblem

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = "Import students, staff, buildings or assets from an xlsx/xls/ods/csv file into a unit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The file to import (the layout of the downloadable template).")
        parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="What the file holds.")
        parser.add_argument(
            "--unit", required=True, help="The unit to import into: a school code or a unit id."
        )
        parser.add_argument("--user", help="Import as this user (their grants apply); default: the system.")
        parser.add_argument(
            "--valid-rows-only",
            action="store_true",
            help="Write the valid rows even when others have problems.",
        )
        parser.add_argument("--report", help="Where to write the problem report (default: FILE.report.xlsx).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file", returncode=2)
        unit = self._unit(options["unit"])
        user = self._user(options.get("user"))
        mode = ImportMode.VALID_ROWS_ONLY if options["valid_rows_only"] else ImportMode.ALL_OR_NOTHING
        try:
            job = create_import_job(
                kind=options["kind"],
                organization=unit,
                uploaded_file_or_path=path,
                mode=mode,
                acting_user=user,
            )
        except (ImportFileError, PermissionDenied) as error:
            raise CommandError(str(getattr(error, "message", error)), returncode=2) from None
        run_import(job)
        self._summary(job)
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.message, returncode=2)
        if job.error_rows:
            report = Path(options.get("report") or f"{path}.report.xlsx")
            self._save(job.report, report)
            if job.rejects:
                self._save(
                    job.rejects, report.with_name(report.stem.removesuffix(".report") + ".rejects.xlsx")
                )
            raise CommandError(f"{job.error_rows} rows have problems; see {report}", returncode=1)

    def _unit(self, value: str) -> Organization:
        unit = Organization.objects.filter(school_code=value).first()
        if unit is None and value.isdigit():
            unit = Organization.objects.filter(pk=int(value)).first()
        if unit is None:
            raise CommandError(f"--unit {value}: no unit has this school code or id", returncode=2)
        return unit

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--user {username}: no such active user", returncode=2)
        return user

    def _summary(self, job: Any) -> None:
        self.stdout.write(
            f"job {job.pk}: {job.get_status_display()} — rows {job.processed_rows}, "
            f"created {job.created_count}, updated {job.updated_count}, "
            f"unchanged {job.unchanged_count}, with problems {job.error_rows}"
        )
        if job.message:
            self.stdout.write(job.message)
        problems = ImportProblem.objects.filter(job=job).order_by("row", "pk")
        for problem in problems[:SHOWN_PROBLEMS]:
            self.stderr.write(f"row {problem.row} {problem.column}: {problem.message} [{problem.value}]")
        more = problems.count() - SHOWN_PROBLEMS
        if more > 0:
            self.stderr.write(f"… and {more} more problems in the report")

    def _save(self, stored: Any, target: Path) -> None:
        with stored.open("rb") as source:
            target.write_bytes(source.read())
        self.stdout.write(f"wrote {target}")
