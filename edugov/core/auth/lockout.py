from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(request: HttpRequest, original_response: Any, credentials: Any) -> HttpResponse:
    """The same page for every locked name, whether or not such an account exists."""
    return render(request, "account/locked_out.html", status=429)


def lockout_username(request: HttpRequest, credentials: Any) -> str:
    """The name axes counts failures against: whatever was typed, existing or not."""
    credentials = credentials or {}
    name = credentials.get("username") or credentials.get("login")
    if not name and request is not None and request.method == "POST":
        name = request.POST.get("login", "")
    return str(name or "").strip().lower()
