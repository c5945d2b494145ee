from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    """Navigation for the staff workspace, built lazily so public pages pay nothing."""
    from edugov.core.navigation import navigation_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav": lambda: navigation_for(request)}
