"""Abuse defences of the anonymous surface: rate limits, submitted text, uploaded files.

Every public form and lookup uses these, so a refusal reads the same everywhere and nothing
refused is stored. (Hardened and tested by the search/abuse area; keep the signatures.)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import wraps
from typing import Any

import filetype
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from edugov.platform.middleware import client_ip
from edugov.portal.error_codes import PortalErrorCode

# Attachments citizens may send: documents and pictures, identified by content, not by name.
ALLOWED_UPLOADS = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_MARKUP = re.compile(
    r"<\s*/?\s*(script|iframe|object|embed|style|svg|img|a|form|input|meta|link)\b|javascript:|on\w+\s*=",
    re.I,
)


def clean_text(value: str, *, max_length: int, required: bool = True, field_label: str = "") -> str:
    """Normalised text, or ValidationError (empty, too long, control characters, markup)."""
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").strip()
    if not value:
        if required:
            raise ValidationError(
                _("%(field)s: please fill this in.") % {"field": field_label}, code="required"
            )
        return ""
    if len(value) > max_length:
        raise ValidationError(
            _("%(field)s: at most %(max)d characters (you wrote %(n)d).")
            % {"field": field_label, "max": max_length, "n": len(value)},
            code=PortalErrorCode.INVALID_TEXT,
        )
    if "\ufffd" in value or any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in value):
        raise ValidationError(
            _("%(field)s: the text contains characters that could not be read; please type it again.")
            % {"field": field_label},
            code=PortalErrorCode.INVALID_TEXT,
        )
    if _MARKUP.search(value):
        raise ValidationError(
            _("%(field)s: web page code (HTML tags or scripts) is not accepted; please write plain text.")
            % {"field": field_label},
            code=PortalErrorCode.INVALID_TEXT,
        )
    return value


@dataclass(frozen=True)
class CheckedUpload:
    file: Any
    name: str
    content_type: str
    size: int
    sha256: str


def check_upload(uploaded: Any, *, max_bytes: int | None = None) -> CheckedUpload:
    """Accept a file only when its content is an allowed type and it is within the size limit."""
    max_bytes = max_bytes or settings.EDUGOV_PORTAL_ATTACHMENT_MAX_BYTES
    name = unicodedata.normalize("NFC", uploaded.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:150]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("%(name)s is larger than %(mb)d MB.") % {"name": name, "mb": max_bytes // (1024 * 1024)},
            code=PortalErrorCode.ATTACHMENT_REJECTED,
        )
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    expected = ALLOWED_UPLOADS.get(extension)
    if expected is None or kind is None or kind.mime != expected:
        raise ValidationError(
            _("%(name)s: only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files are accepted.")
            % {"name": name},
            code=PortalErrorCode.ATTACHMENT_REJECTED,
        )
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(uploaded, name, expected, uploaded.size, digest.hexdigest())


def over_limit(request: HttpRequest, scope: str, *, limit: int, period: int) -> bool:
    """Count one hit for this client address in ``scope``; True once it exceeds ``limit`` per ``period`` s."""
    key = f"portal:rl:{scope}:{hashlib.sha256((client_ip(request) or '-').encode()).hexdigest()[:32]}"
    added = cache.add(key, 1, timeout=period)
    if added:
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        return False
    return count > limit


def rate_limited(scope: str, *, limit: int, period: int = 3600, methods: tuple[str, ...] = ("POST",)):
    """View decorator: refuse (429, with a Chinese message) past ``limit`` requests per address."""

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods and over_limit(request, scope, limit=limit, period=period):
                return render(
                    request, "portal/rate_limited.html", {"period_minutes": period // 60}, status=429
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
