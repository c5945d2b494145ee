"""Refuse requests whose form data is not text in the declared encoding (normally UTF-8).

Django decodes a query string or form body with ``errors="replace"``: GBK bytes posted as
UTF-8 (an old browser, a copy from a GBK system, a crafted request) arrive as U+FFFD and
would be stored as garbage. This middleware answers such a request with 400 and a page in
Chinese before any view runs, so nothing is stored. It checks the query string and
``application/x-www-form-urlencoded`` bodies (always UTF-8: a request declaring another charset
is refused too, as Django 6 does, but with the Chinese page); fields of
multipart bodies are decoded by Django's parser and refused by ``abuse.clean_text`` (U+FFFD).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FORM_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _decodes(raw: bytes, encoding: str) -> bool:
    """Whether every name and value of an urlencoded ``raw`` is text in ``encoding``."""
    for pair in raw.replace(b";", b"&").split(b"&"):
        try:
            unquote_to_bytes(pair.replace(b"+", b" ")).decode(encoding)
        except (UnicodeDecodeError, LookupError):
            return False
    return True


def badly_encoded(request: HttpRequest) -> bool:
    """Whether the request's query string or urlencoded body is not valid text."""
    query = request.META.get("QUERY_STRING", "")
    if query and not _decodes(query.encode("latin-1", "replace"), "utf-8"):
        return True
    if request.method in FORM_METHODS and request.content_type == "application/x-www-form-urlencoded":
        # Form bodies are UTF-8 whatever the request declares (RFC 1866; Django 6 refuses others).
        charset = (getattr(request, "content_params", None) or {}).get("charset", "utf-8")
        if charset.strip().lower().replace("_", "-") not in ("utf-8", "utf8"):
            return True
        try:
            body = request.body
        except RequestDataTooBig:
            return False  # Django refuses it on its own when the view reads the form
        if body and not _decodes(body, "utf-8"):
            return True
    return False


def bad_encoding_response(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/abuse/bad_encoding.html", status=400)


class RejectBadEncodingMiddleware:
    """400 for requests whose form data or query string is not valid text (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if badly_encoded(request):
            return bad_encoding_response(request)
        return self.get_response(request)
