"""Creating and running import jobs (DB-7): the synchronous API and the background task.

``create_import_job`` stores the file and records who imports what into which unit;
``run_import`` does the work (views start it in the background with ``start_import``;
the management command, tests and benchmarks call it directly). ``run_import`` never
leaves half a file written: the checking pass writes nothing but the job's progress and
problems, and the writing pass is one transaction.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.choices import OrganizationKind
from edugov.core.permissions.scopes import has_permission
from edugov.platform.privacy import mask_middle
from edugov.registry.choices import ImportKind, ImportMode, ImportStatus
from edugov.registry.events import RegistryEvent
from edugov.registry.imports.cells import display
from edugov.registry.imports.columns import KINDS, KindSpec
from edugov.registry.imports.engine import CHUNK_ROWS, Checked, ImportContext, Spill
from edugov.registry.imports.reading import ImportFileError, check_name_and_size, local_copy, open_source
from edugov.registry.imports.records import AssetImporter, BuildingImporter, StaffImporter
from edugov.registry.imports.sinks import make_sink
from edugov.registry.imports.students import StudentImporter
from edugov.registry.imports.workbooks import build_rejects, build_report
from edugov.registry.models import ImportJob, ImportProblem

logger = logging.getLogger(__name__)

IMPORTERS: dict[str, Any] = {
    ImportKind.STUDENTS: StudentImporter,
    ImportKind.STAFF: StaffImporter,
    ImportKind.BUILDINGS: BuildingImporter,
    ImportKind.ASSETS: AssetImporter,
}
PROBLEM_VALUE_MAX = 200
# Columns whose values the problem list (a database table anyone viewing the job reads) masks.
SENSITIVE_KEYS = frozenset({"id_number", "address", "guardian_phone", "phone"})
PROBLEM_MESSAGE_MAX = 300


def spec_for(kind: str) -> KindSpec:
    try:
        return KINDS[kind]
    except KeyError:
        raise ImportFileError(_("Unknown kind of import: %(kind)s.") % {"kind": kind}) from None


def may_import(user: Any, kind: str, organization: Any) -> bool:
    return user is None or has_permission(user, spec_for(kind).permission, organization)


def create_import_job(
    *,
    kind: str,
    organization: Any,
    uploaded_file_or_path: Any,
    mode: str = ImportMode.ALL_OR_NOTHING,
    acting_user: Any,
) -> ImportJob:
    """Store the file and create a queued job; raises ImportFileError for a file refused outright."""
    spec = spec_for(kind)
    if mode not in ImportMode.values:
        raise ValueError(f"unknown import mode {mode!r}")
    if not may_import(acting_user, kind, organization):
        raise PermissionDenied(
            _("You may not import %(kind)s into %(unit)s.") % {"kind": spec.title, "unit": organization}
        )
    if isinstance(uploaded_file_or_path, str | Path):
        path = Path(uploaded_file_or_path)
        with path.open("rb") as handle:
            return _create(spec, organization, File(handle, name=path.name), path.name, mode, acting_user)
    upload = uploaded_file_or_path
    return _create(spec, organization, upload, os.path.basename(upload.name or ""), mode, acting_user)


def _create(
    spec: KindSpec, organization: Any, upload: Any, filename: str, mode: str, acting_user: Any
) -> ImportJob:
    check_name_and_size(filename, upload.size)
    digest = hashlib.sha256()
    for block in upload.chunks():
        digest.update(block)
    upload.seek(0)
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    job = ImportJob(
        kind=spec.kind,
        organization=organization,
        mode=mode,
        filename=filename[:200],
        file_size=upload.size,
        file_sha256=digest.hexdigest(),
        created_by=actor,
    )
    job.file.save(filename, upload, save=False)
    with transaction.atomic():
        job.save()
        log_event(
            RegistryEvent.IMPORT_STARTED,
            acting_user=acting_user,
            target=job,
            organization=organization,
            extra={"kind": spec.kind, "mode": mode, "file_size": job.file_size, "sha256": job.file_sha256},
        )
    return job


def start_import(job: ImportJob) -> None:
    """Run the job in the background once the current transaction commits."""
    from edugov.registry.imports.tasks import run_import_task

    transaction.on_commit(lambda: run_import_task.enqueue(job.pk))


def run_import(job: ImportJob) -> ImportJob:
    """Check and write the job's file; returns the job with its outcome. Safe to run again."""
    _reset(job)
    try:
        _run(job)
    except ImportFileError as error:
        _finish(job, ImportStatus.FAILED, error.message)
    except IntegrityError:
        logger.warning("import job %s hit a concurrent change", job.pk, exc_info=True)
        _finish(
            job,
            ImportStatus.FAILED,
            _("Someone changed the same records while the import ran; nothing was written. Run it again."),
        )
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(
            job,
            ImportStatus.FAILED,
            _("The import stopped because of an internal error; nothing was written. Run it again later."),
        )
    return job


def _reset(job: ImportJob) -> None:
    ImportProblem.objects.filter(job=job).delete()
    for name in ("report", "rejects"):
        stored = getattr(job, name)
        if stored:
            stored.delete(save=False)
    job.status = ImportStatus.RUNNING
    job.started_at, job.finished_at = timezone.now(), None
    job.total_rows = job.processed_rows = job.error_rows = 0
    job.created_count = job.updated_count = job.unchanged_count = 0
    job.message = ""
    job.save()


def _finish(job: ImportJob, status: str, message: str) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    if status in {ImportStatus.DONE, ImportStatus.INVALID} and job.file:
        # The upload holds personal data in clear; once imported (or refused) it is not kept.
        # A failed job keeps it, so that it can run again.
        job.file.delete(save=False)
    job.save()


def _run(job: ImportJob) -> None:
    spec = spec_for(job.kind)
    with local_copy(job.file) as path, open_source(path, filename=job.filename, kind=spec) as source:
        if (
            spec.kind == ImportKind.STUDENTS
            and "school_code" not in source.positions
            and job.organization.kind != OrganizationKind.SCHOOL
        ):
            raise ImportFileError(
                _("Required columns are missing: %(columns)s.")
                % {"columns": spec.column("school_code").header}
            )
        job.encoding, job.total_rows = source.encoding, source.estimated_rows
        job.save(update_fields=["encoding", "total_rows"])
        ctx = ImportContext(job, spec, source.positions)
        importer = IMPORTERS[spec.kind](ctx)
        notes = []
        if source.unknown_headers:
            notes.append(
                _("Columns not recognised and left out: %(columns)s.")
                % {"columns": "、".join(source.unknown_headers)}
            )
        sink = make_sink(importer)
        try:
            with Spill() as rejects:
                _check_pass(job, source, importer, sink, rejects)
                job.total_rows = job.processed_rows  # the estimate counted lines, not rows
                ImportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)
                if job.processed_rows == 0:
                    raise ImportFileError(_("The file has headers but no rows of data below them."))
                if job.error_rows and job.mode == ImportMode.ALL_OR_NOTHING:
                    sink.abort()
                    _refuse(job, spec, source.positions, rejects, notes)
                    return
                _write(job, sink)
                if job.error_rows:
                    _save_files(job, spec, source.positions, rejects)
                    notes.insert(
                        0,
                        _(
                            "%(n)s rows with problems were left out; download them, fix them and "
                            "upload them again."
                        )
                        % {"n": job.error_rows},
                    )
                _finish(job, ImportStatus.DONE, " ".join(str(n) for n in notes))
        finally:
            sink.close()


def _save_files(job: ImportJob, spec: KindSpec, positions: dict[str, int], rejects: Spill) -> None:
    report = build_report(spec, positions, rejects)
    job.report.save(f"import-{job.pk}-report.xlsx", ContentFile(report), save=False)
    rejected = build_rejects(spec, positions, rejects)
    job.rejects.save(f"import-{job.pk}-rejects.xlsx", ContentFile(rejected), save=False)


def _check_pass(job: ImportJob, source: Any, importer: Any, sink: Any, rejects: Spill) -> None:
    chunk: list[tuple[int, list[Any]]] = []
    for item in source.rows():
        chunk.append(item)
        if len(chunk) >= CHUNK_ROWS:
            _check_chunk(job, importer, chunk, sink, rejects)
            chunk = []
    if chunk:
        _check_chunk(job, importer, chunk, sink, rejects)


def _check_chunk(job: ImportJob, importer: Any, chunk: list, sink: Any, rejects: Spill) -> None:
    if sink.error is not None:
        raise sink.error
    result: Checked = importer.check(chunk)
    for row in result.rejects:
        row.values = {}
    if result.rejects and job.mode == ImportMode.ALL_OR_NOTHING:
        sink.abort()  # nothing of this file will be written: stop writing, keep checking
    sink.add(result.ops)
    rejects.add(result.rejects)
    headers = {c.key: c.header for c in importer.spec.columns}
    positions = importer.ctx.positions
    ImportProblem.objects.bulk_create(
        [
            ImportProblem(
                job=job,
                row=row.number,
                column=headers.get(key, ""),
                value=_cell_text(row.cells, positions.get(key), masked=key in SENSITIVE_KEYS),
                message=message[:PROBLEM_MESSAGE_MAX],
            )
            for row in result.rejects
            for key, message in row.problems
        ],
        batch_size=1000,
    )
    job.processed_rows += len(chunk)
    job.error_rows += len(result.rejects)
    job.unchanged_count += result.unchanged
    job.total_rows = max(job.total_rows, job.processed_rows)
    # Outside any transaction: the progress bar sees it at once.
    ImportJob.objects.filter(pk=job.pk).update(
        processed_rows=job.processed_rows, error_rows=job.error_rows, total_rows=job.total_rows
    )


def _cell_text(row_cells: list[Any], position: int | None, *, masked: bool) -> str:
    """The cell as shown in the problem list; personal data masked (the report file has it whole)."""
    if position is None or position >= len(row_cells):
        return ""
    value = display(row_cells[position])[:PROBLEM_VALUE_MAX]
    return mask_middle(value, keep_start=min(6, len(value) // 3), keep_end=2) if masked else value


def _refuse(job: ImportJob, spec: KindSpec, positions: dict[str, int], rejects: Spill, notes: list) -> None:
    job.report.save(
        f"import-{job.pk}-report.xlsx", ContentFile(build_report(spec, positions, rejects)), save=False
    )
    job.unchanged_count = 0
    log_event(
        RegistryEvent.IMPORT_FINISHED,
        acting_user=job.created_by,
        target=job,
        organization=job.organization,
        success=False,
        extra={"kind": job.kind, "rows": job.processed_rows, "rejected": job.error_rows, "written": 0},
    )
    message = _(
        "%(n)s of %(total)s rows have problems, so nothing was written. Fix them and upload the file again."
    ) % {"n": job.error_rows, "total": job.processed_rows}
    _finish(job, ImportStatus.INVALID, " ".join([message, *(str(n) for n in notes)]))


def _write(job: ImportJob, sink: Any) -> None:
    """Commit the decided writes with the job's one audit entry, in the same transaction."""

    def final(created: int, updated: int) -> None:
        log_event(
            RegistryEvent.IMPORT_FINISHED,
            acting_user=job.created_by,
            target=job,
            organization=job.organization,
            extra={
                "kind": job.kind,
                "mode": job.mode,
                "rows": job.processed_rows,
                "created": created,
                "updated": updated,
                "unchanged": job.unchanged_count,
                "rejected": job.error_rows,
            },
        )

    job.created_count, job.updated_count = sink.commit(final)
