"""Who may see and change process definitions (the process administrators' pages).

Definitions belong to no unit: one version serves every unit. Viewing them needs
``office.processdefinition.view`` anywhere; uploading a version changes the process for
the whole tree, so it needs ``office.processdefinition.deploy`` on a root unit (with the
units below). Missing and not allowed both answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from edugov.core.permissions.scopes import has_permission, has_root_permission, scope_q
from edugov.office.models import ProcessDefinition

VIEW = "office.processdefinition.view"
DEPLOY = "office.processdefinition.deploy"


def can_deploy(user: Any) -> bool:
    return user.is_authenticated and has_root_permission(user, DEPLOY)


def require_process_viewer(user: Any) -> None:
    if not user.is_authenticated or not has_permission(user, VIEW):
        raise Http404(_("Process not found."))


def require_process_deployer(user: Any) -> None:
    if not can_deploy(user):
        raise Http404(_("Process not found."))


def access_process_versions(user: Any, key: str) -> list[ProcessDefinition]:
    """Every version of ``key``, newest first."""
    require_process_viewer(user)
    versions = list(
        ProcessDefinition.objects.filter(key=key).select_related("uploaded_by").order_by("-version")
    )
    if not versions:
        raise Http404(_("Process not found."))
    return versions


def access_process_version(user: Any, key: str, version: Any) -> ProcessDefinition:
    require_process_viewer(user)
    try:
        return ProcessDefinition.objects.get(key=key, version=int(version))
    except (ProcessDefinition.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Process not found.")) from None


def instance_scope(user: Any) -> Q | None:
    """Running instances a process viewer may count: those of units in their scope."""
    return scope_q(user, VIEW, field="organization")
