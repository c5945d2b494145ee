"""What the office's pages share: running an action and telling the user how it went."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from edugov.office.errors import OfficeError

REFUSALS = (OfficeError, PermissionDenied)


def flash_result(request: HttpRequest, write: Callable[[], Any], success: str) -> Any:
    """Run ``write``; say ``success`` or the refusal as a message. The result, or None."""
    try:
        result = write()
    except REFUSALS as refusal:
        messages.error(request, str(refusal))
        return None
    messages.success(request, success)
    return result


def form_result(
    form: Any, write: Callable[[], Any], *, field_for: Callable[[Exception], str | None] = lambda error: None
) -> Any:
    """Run ``write``; put a refusal on ``form`` (on the field ``field_for`` names). The result, or None."""
    try:
        return write()
    except REFUSALS as refusal:
        form.add_error(field_for(refusal), str(refusal))
    return None
