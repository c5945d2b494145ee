"""The background task that runs an import job (django.tasks; django-tasks-db in production)."""

from __future__ import annotations

from django.tasks import task

from edugov.registry.models import ImportJob


@task
def run_import_task(job_id: int) -> None:
    from edugov.registry.imports.jobs import run_import

    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    run_import(job)
