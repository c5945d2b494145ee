from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(request: HttpRequest, original_response: Any, credentials: Any) -> HttpResponse:
    """The same page for every locked name, whether or not such an account exists."""
    return render(request, "account/locked_out.html", status=429)
