"""Process administrators' pages: the processes, their versions and steps, uploads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from edugov.core.models import Role
from edugov.core.roles import ACTIONS
from edugov.office.access_processes import (
    access_process_version,
    access_process_versions,
    can_deploy,
    instance_scope,
    require_process_deployer,
    require_process_viewer,
)
from edugov.office.actions.processes import do_upload_process_version
from edugov.office.choices import ProcessStatus
from edugov.office.errors import ProcessError
from edugov.office.forms.processes import ProcessUploadForm
from edugov.office.models import ProcessDefinition, ProcessInstance
from edugov.office.workflow import engine
from edugov.office.workflow.definitions import STARTER_LANE


def _running_counts(user: Any, group_by: str) -> dict[Any, int]:
    scope = instance_scope(user)
    if scope is None:
        return {}
    rows = (
        ProcessInstance.objects.filter(status=ProcessStatus.RUNNING)
        .filter(scope)
        .values(group_by)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row[group_by]: row["n"] for row in rows}


@login_required
@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    require_process_viewer(request.user)
    definitions = ProcessDefinition.objects.defer("bpmn_xml").order_by("key", "-version")
    running = _running_counts(request.user, "definition__key")
    processes: list[dict[str, Any]] = []
    for definition in definitions:
        if processes and processes[-1]["key"] == definition.key:
            processes[-1]["versions"] += 1
            continue
        processes.append(
            {
                "key": definition.key,
                "latest": definition,
                "versions": 1,
                "running": running.get(definition.key, 0),
            }
        )
    return render(
        request,
        "office/processes/list.html",
        {"processes": processes, "can_deploy": can_deploy(request.user)},
    )


def _lane_label(lane: str, roles: dict[str, str]) -> str:
    if lane == STARTER_LANE:
        return _("The person who started it")
    if "." in lane:
        return str(ACTIONS.get(lane, lane))
    return roles.get(lane, lane)


@login_required
@require_GET
def process_detail(request: HttpRequest, key: str) -> HttpResponse:
    versions = access_process_versions(request.user, key)
    wanted = request.GET.get("version")
    selected = next((v for v in versions if str(v.version) == wanted), versions[0])
    roles = dict(Role.objects.values_list("code", "name"))
    steps = [
        {"step": step, "lane_label": _lane_label(step.lane, roles)}
        for step in engine.steps(selected).values()
    ]
    running = _running_counts(request.user, "definition_id")
    for version in versions:
        version.running = running.get(version.pk, 0)
    return render(
        request,
        "office/processes/detail.html",
        {
            "key": key,
            "versions": versions,
            "selected": selected,
            "steps": steps,
            "can_deploy": can_deploy(request.user),
        },
    )


@login_required
@require_GET
def process_download(request: HttpRequest, key: str, version: int) -> HttpResponse:
    definition = access_process_version(request.user, key, version)
    response = HttpResponse(definition.bpmn_xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{definition.key}.v{definition.version}.bpmn"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def process_upload(request: HttpRequest) -> HttpResponse:
    require_process_deployer(request.user)
    if request.method == "POST":
        form = ProcessUploadForm(request.POST, request.FILES)
        if form.is_valid():
            key = form.cleaned_data["key"]
            before = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
            try:
                definition = do_upload_process_version(
                    key,
                    form.cleaned_data["file"].read(),
                    acting_user=request.user,
                    name=form.cleaned_data["name"],
                )
            except ProcessError as error:
                form.add_error("file", error.message)
            else:
                if before is not None and before.pk == definition.pk:
                    messages.info(
                        request,
                        _("The file is the same as version %(v)s; nothing changed.")
                        % {"v": definition.version},
                    )
                else:
                    messages.success(
                        request,
                        _("Version %(v)s of %(key)s uploaded.") % {"v": definition.version, "key": key},
                    )
                return redirect("office:process_detail", key=key)
    else:
        form = ProcessUploadForm(initial={"key": request.GET.get("key", "")})
    return render(request, "office/processes/upload.html", {"form": form})
