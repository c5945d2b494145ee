"""Writes of the process administrators: uploading a version of a process definition."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from edugov.office.access_processes import can_deploy
from edugov.office.errors import ProcessError
from edugov.office.models import ProcessDefinition
from edugov.office.workflow import engine


def do_upload_process_version(
    key: str, xml: str | bytes, *, acting_user: Any, name: str = ""
) -> ProcessDefinition:
    """Check and store ``xml`` as the next version of ``key`` (nothing is stored on error).

    Raises ``ProcessError`` naming the element at fault.
    """
    if not can_deploy(acting_user):
        raise ProcessError(_("You may not upload process versions."))
    return engine.deploy(key, xml, acting_user=acting_user, name=name)
