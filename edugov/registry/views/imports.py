"""Staff UI for bulk imports (DB-7): templates, upload, the job's progress and its report.

The upload starts a background job (``start_import``); the job page polls its progress
with htmx and, once finished, shows the counts, every problem (paged) and the report and
rejects files. An upload over the size limit is refused by an upload handler that
discards the file's bytes as they arrive, so a 200 MB file is never stored or held.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from edugov.core.audit import log_event
from edugov.core.permissions.scopes import has_permission
from edugov.registry.access import access_import_job
from edugov.registry.choices import ImportStatus
from edugov.registry.events import RegistryEvent
from edugov.registry.forms.imports import ImportForm, importable_kinds
from edugov.registry.imports import ImportFileError, create_import_job, spec_for, start_import, template_bytes
from edugov.registry.imports.columns import KINDS
from edugov.registry.imports.reading import max_bytes, too_large_message
from edugov.registry.models import ImportJob, ImportProblem

VIEW = "registry.importjob.view"
PAGE_SIZE = 50
PROBLEMS_PAGE_SIZE = 100
# Multipart framing and the other form fields around the file.
MULTIPART_SLACK = 64 * 1024
# A job queued or running this long without finishing has lost its worker; it may run again.
STALE_AFTER = dt.timedelta(minutes=30)
FINISHED = {ImportStatus.DONE, ImportStatus.INVALID, ImportStatus.FAILED}


class SizeLimitHandler(FileUploadHandler):
    """Discards an upload's bytes once the request or the file is over the limit."""

    def __init__(self, request: Any = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.refused_size: int | None = None

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:  # noqa: N803
        if content_length and content_length > self.limit + MULTIPART_SLACK:
            self.refused_size = content_length

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.refused_size is None and start + len(raw_data) > self.limit:
            self.refused_size = start + len(raw_data)
        return None if self.refused_size is not None else raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _can_list(user: Any) -> bool:
    return has_permission(user, VIEW) or bool(importable_kinds(user))


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _can_list(user):
        raise Http404(_("Import job not found."))
    jobs = (
        ImportJob.objects.restrict(user, "view")
        .select_related("organization", "created_by")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/imports/list.html", {"page": page, "kinds": importable_kinds(user)})


@login_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    # The size limit must be in place before anything reads the body (CSRF checking does).
    handler = SizeLimitHandler(request, limit=max_bytes())
    request.upload_handlers.insert(0, handler)
    return _import_new(request, handler)


@csrf_protect
def _import_new(request: HttpRequest, handler: SizeLimitHandler) -> HttpResponse:
    user = request.user
    if not importable_kinds(user):
        raise Http404(_("Import job not found."))
    initial_unit = getattr(request, "current_unit", None)
    if request.method != "POST":
        form = ImportForm(user=user, initial_unit=initial_unit, initial={"kind": request.GET.get("kind")})
        return render(request, "registry/imports/new.html", {"form": form, "limit": max_bytes()})
    form = ImportForm(request.POST, request.FILES, user=user, initial_unit=initial_unit)
    if handler.refused_size is not None:
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", too_large_message(handler.refused_size, max_bytes()))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            job = create_import_job(
                kind=data["kind"],
                organization=data["unit"],
                uploaded_file_or_path=data["file"],
                mode=data["mode"],
                acting_user=user,
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        except PermissionDenied as error:
            form.add_error("unit", str(error))
        else:
            start_import(job)
            messages.success(request, _("The file was received; the import runs in the background."))
            return redirect("registry:import_detail", pk=job.pk)
    return render(request, "registry/imports/new.html", {"form": form, "limit": max_bytes()})


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS.get(kind)
    if spec is None or not has_permission(request.user, spec.permission):
        raise Http404(_("Import job not found."))
    filename = _("%(kind)s import template") % {"kind": spec.title} + ".xlsx"
    return FileResponse(io.BytesIO(template_bytes(kind)), as_attachment=True, filename=filename)


def _context(request: HttpRequest, job: ImportJob) -> dict[str, Any]:
    user = request.user
    may_import = has_permission(user, spec_for(job.kind).permission, job.organization)
    context: dict[str, Any] = {
        "job": job,
        "finished": job.status in FINISHED,
        "percent": int(100 * job.processed_rows / job.total_rows) if job.total_rows else 0,
        "may_download": may_import,
        "may_retry": may_import and _may_retry(job),
    }
    if context["finished"]:
        problems = ImportProblem.objects.filter(job=job).order_by("row", "pk")
        context["problems"] = Paginator(problems, PROBLEMS_PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = context["problems"]
    return context


def _may_retry(job: ImportJob) -> bool:
    if not job.file:  # finished jobs no longer keep the upload
        return False
    if job.status == ImportStatus.FAILED:
        return True
    if job.status in {ImportStatus.QUEUED, ImportStatus.RUNNING}:
        since = job.started_at or job.created_at
        return since is not None and timezone.now() - since > STALE_AFTER
    return False


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_import_job(request.user, pk)
    return render(request, "registry/imports/detail.html", _context(request, job))


@login_required
@require_GET
@never_cache
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls; once the job is finished the page reloads for the summary."""
    job = access_import_job(request.user, pk)
    response = render(request, "registry/imports/_progress.html", _context(request, job))
    if job.status in FINISHED:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def import_download(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    """The report (bad cells marked) or the rejected rows; both hold personal data, so audited."""
    user = request.user
    job = access_import_job(user, pk)
    stored = getattr(job, which, None) if which in {"report", "rejects"} else None
    if not stored or not has_permission(user, spec_for(job.kind).permission, job.organization):
        raise Http404(_("Import job not found."))
    log_event(
        RegistryEvent.EXPORTED,
        acting_user=user,
        target=job,
        organization=job.organization,
        extra={"what": f"import_{which}", "kind": job.kind, "rows": job.error_rows},
    )
    names = {"report": _("import %(id)s problems"), "rejects": _("import %(id)s rows to fix")}
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=names[which] % {"id": job.pk} + ".xlsx"
    )


@login_required
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    job = access_import_job(user, pk)
    if not has_permission(user, spec_for(job.kind).permission, job.organization):
        raise Http404(_("Import job not found."))
    if not _may_retry(job):
        messages.error(request, _("Only a failed or stalled import can run again."))
    else:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED, message="")
        start_import(job)
        messages.success(request, _("The import runs again."))
    return redirect("registry:import_detail", pk=job.pk)
