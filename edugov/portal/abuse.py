"""Abuse defences of the anonymous surface: submitted text, uploaded files, rate limits.

Every public form and lookup uses these, so a refusal reads the same everywhere and nothing
refused is stored.

- ``clean_text(value, max_length=…, required=…, field_label=…)``: normalised text or a
  ``ValidationError`` (code ``required`` or ``PortalErrorCode.INVALID_TEXT``) for empty or
  invisible-only text, over-long text, control characters, U+FFFD (text that was wrongly
  encoded: Django decodes bad bytes to U+FFFD), bidi override/isolate characters (used to
  disguise text and file names), stacked combining marks, and HTML or script markup. A lone
  ``<`` before a digit, a space or a non-Latin letter (``3<5``, ``a < b``, ``<<通知>>``) is
  ordinary punctuation; Uyghur and Kyrgyz in Arabic script pass unchanged (NFC).
- ``check_upload(uploaded_file) -> CheckedUpload(file, name, content_type, size, sha256)``:
  the type comes from the content (``filetype``) and must agree with the extension; the
  browser's content type is never used. Office files (docx/xlsx are zip packages) must hold
  ``[Content_Types].xml`` and their main part, no macros, a bounded number of members and a
  bounded uncompressed size (zip bombs); PDFs must not carry JavaScript or launch actions;
  pictures must have a readable header and stay under a pixel limit. The file name is sanitised.
- ``over_limit(request, scope, limit=…, period=…)`` and the ``rate_limited(scope, …)`` view
  decorator: per-address counters in the cache (any Django cache: LocMemCache per process,
  a shared cache for several processes), per scope; the refusal is a 429 page in Chinese
  with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import logging
import re
import unicodedata
import zipfile
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

logger = logging.getLogger("edugov.portal.abuse")

# Attachments citizens may send: documents and pictures, identified by content, not by name.
ALLOWED_UPLOADS = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The part an Office package of each kind must contain besides [Content_Types].xml.
OFFICE_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200  # uncompressed / compressed, per member
IMAGE_MAX_PIXELS = 60_000_000
NAME_MAX_LENGTH = 120
MAX_COMBINING_RUN = 4

# Bidi embeddings, overrides and isolates: they reorder what a reader sees (spoofed names,
# "exe.pdf" shown for "fdp.exe"). Marks (U+200E/U+200F/U+061C) are harmless and allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible characters that do not make a text non-empty.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")

# Markup: a tag (``<`` directly followed by a Latin letter or ``/`` and a name, up to ``>``), a comment,
# a declaration or processing instruction, a dangerous tag even left open, script URLs,
# event-handler attributes. ``3<5``, ``a < b`` and ``<<标题>>`` are not markup.
_MARKUP = re.compile(
    r"</?[a-z][a-z0-9:-]*(\s[^<>]*)?>"
    r"|</?(script|iframe|object|embed|style|svg|math|img|video|audio|source|a|form|input|button"
    r"|textarea|select|meta|link|base|frame|frameset|template|body|html)\b"
    r"|<!--|<!\s*[a-z\[]|<\?"
    r"|\b(java|vb|live)script\s*:|\bdata\s*:\s*text/html"
    r"|\bon(load|error|click|dblclick|auxclick|mouse\w*|key\w*|focus\w*|blur|change|input|submit|reset|toggle"
    r"|pointer\w*|animation\w*|transition\w*|begin|end|unload|beforeunload|resize|scroll|wheel|drag\w*"
    r"|drop|copy|cut|paste|select\w*|contextmenu|message|hashchange|pageshow|popstate|storage|invalid"
    r"|search|show|play\w*|pause)\s*=",
    re.IGNORECASE,
)
_UNSAFE_NAME_CHARS = re.compile(r'[<>:"|?*\\/\x00-\x1f\x7f]')


def _label(field_label: Any) -> str:
    return str(field_label or _("This field"))


def _is_noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _unreadable(value: str) -> bool:
    """Control characters (other than tab and new line), U+FFFD, surrogates, noncharacters."""
    for char in value:
        if char in "\n\t":
            continue
        if char == "\ufffd" or _is_noncharacter(char):
            return True
        if unicodedata.category(char) in ("Cc", "Cs"):
            return True
    return False


def _stacked_marks(value: str) -> bool:
    run = 0
    for char in value:
        run = run + 1 if unicodedata.combining(char) else 0
        if run > MAX_COMBINING_RUN:
            return True
    return False


def has_markup(value: str) -> bool:
    """Whether text holds HTML or script markup (also once HTML entities are decoded)."""
    return bool(_MARKUP.search(value) or _MARKUP.search(html.unescape(value)))


def clean_text(value: Any, *, max_length: int, required: bool = True, field_label: Any = "") -> str:
    """Normalised text (NFC, ``\\n`` line ends, trimmed), or ValidationError with a clear message."""
    label = _label(field_label)
    value = unicodedata.normalize("NFC", "" if value is None else str(value))
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not value.strip("".join(_INVISIBLE)).strip():
        if required:
            raise ValidationError(_("%(field)s: please fill this in.") % {"field": label}, code="required")
        return ""
    if len(value) > max_length:
        raise ValidationError(
            _("%(field)s: at most %(max)d characters (you wrote %(n)d).")
            % {"field": label, "max": max_length, "n": len(value)},
            code=PortalErrorCode.INVALID_TEXT,
        )
    if _unreadable(value):
        raise ValidationError(
            _(
                "%(field)s: the text contains characters that could not be read (perhaps it was sent "
                "in a wrong encoding); please type it again."
            )
            % {"field": label},
            code=PortalErrorCode.INVALID_TEXT,
        )
    if any(char in BIDI_CONTROLS for char in value):
        raise ValidationError(
            _(
                "%(field)s: the text contains hidden direction-changing characters (U+202A–U+202E, "
                "U+2066–U+2069); please type it again without copying it from elsewhere."
            )
            % {"field": label},
            code=PortalErrorCode.INVALID_TEXT,
        )
    if _stacked_marks(value):
        raise ValidationError(
            _("%(field)s: the text contains too many stacked accent marks; please type it again.")
            % {"field": label},
            code=PortalErrorCode.INVALID_TEXT,
        )
    if has_markup(value):
        raise ValidationError(
            _("%(field)s: web page code (HTML tags or scripts) is not accepted; please write plain text.")
            % {"field": label},
            code=PortalErrorCode.INVALID_TEXT,
        )
    return value


# --- Uploads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedUpload:
    file: Any
    name: str
    content_type: str
    size: int
    sha256: str


def safe_file_name(raw: Any, *, extension: str = "") -> str:
    """A file name fit to store and show: no folders, no control or bidi characters, bounded."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(
        char
        for char in name
        if char not in BIDI_CONTROLS
        and char not in _INVISIBLE
        and unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = " ".join(name.split()).strip(" ")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext.strip(" ").lower()
    if extension and ext != extension:
        ext = extension
    stem = stem[: NAME_MAX_LENGTH - len(ext) - 1].strip(" .") or _("attachment")
    return f"{stem}.{ext}" if ext else stem


def _refuse(message: str, name: str, **params: Any) -> ValidationError:
    return ValidationError(message % {"name": name, **params}, code=PortalErrorCode.ATTACHMENT_REJECTED)


def _read_all(uploaded: Any, max_bytes: int) -> bytes:
    """The whole file (attachments are a few MB at most), never more than ``max_bytes`` + 1."""
    uploaded.seek(0)
    data = bytearray()
    for chunk in (
        uploaded.chunks() if hasattr(uploaded, "chunks") else iter(lambda: uploaded.read(65536), b"")
    ):
        data.extend(chunk)
        if len(data) > max_bytes:
            break
    uploaded.seek(0)
    return bytes(data)


def _check_office(data: bytes, extension: str, name: str) -> None:
    import io

    bad = _("%(name)s is not a valid Word or Excel file (or it is damaged); please save it again and retry.")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(bad, name) from None
    if len(members) > ZIP_MAX_MEMBERS:
        raise _refuse(bad, name)
    total = 0
    names = set()
    for member in members:
        total += member.file_size
        if total > ZIP_MAX_UNCOMPRESSED:
            raise _refuse(_("%(name)s unpacks to far more data than it holds; it was refused."), name)
        if member.compress_size and member.file_size / member.compress_size > ZIP_MAX_RATIO:
            raise _refuse(_("%(name)s unpacks to far more data than it holds; it was refused."), name)
        if member.flag_bits & 0x1:  # encrypted member
            raise _refuse(bad, name)
        if member.filename.startswith(("/", "\\")) or ".." in member.filename.split("/"):
            raise _refuse(bad, name)
        names.add(member.filename)
    if "[Content_Types].xml" not in names or OFFICE_MAIN_PART[extension] not in names:
        raise _refuse(bad, name)
    if any(n.lower().endswith(("vbaproject.bin", ".exe", ".dll", ".js", ".vbs")) for n in names):
        raise _refuse(_("%(name)s contains macros or programs; please send a file without them."), name)
    try:
        content_types = package.read("[Content_Types].xml")[:200_000].lower()
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        raise _refuse(bad, name) from None
    if b"macroenabled" in content_types or b"vbaproject" in content_types:
        raise _refuse(_("%(name)s contains macros or programs; please send a file without them."), name)


_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")


def _check_pdf(data: bytes, name: str) -> None:
    if _PDF_ACTIVE.search(data):
        raise _refuse(
            _("%(name)s contains scripts, embedded files or actions; please send a plain PDF."), name
        )


def _check_image(data: bytes, name: str) -> None:
    import io
    import warnings

    from PIL import Image

    bad = _("%(name)s is not a picture that can be opened; please save it again and retry.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # The header is enough: the type was checked by content, and the pixel count decides
            # whether opening the picture could exhaust a reader's memory (a picture bomb).
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except Exception:  # not a readable picture header, or a bomb warning: refuse
        raise _refuse(bad, name) from None
    if width * height > IMAGE_MAX_PIXELS:
        raise _refuse(_("%(name)s is too large a picture; please send a smaller one."), name)


def check_upload(uploaded: Any, *, max_bytes: int | None = None) -> CheckedUpload:
    """Accept a file only when its content is an allowed type that agrees with its extension."""
    max_bytes = max_bytes or settings.EDUGOV_PORTAL_ATTACHMENT_MAX_BYTES
    raw_name = safe_file_name(getattr(uploaded, "name", ""))
    extension = raw_name.rsplit(".", 1)[-1].lower() if "." in raw_name else ""
    declared_size = getattr(uploaded, "size", None) or 0
    if declared_size > max_bytes:
        raise _refuse(_("%(name)s is larger than %(mb)s MB."), raw_name, mb=f"{max_bytes / (1024 * 1024):g}")
    data = _read_all(uploaded, max_bytes)
    if len(data) > max_bytes:
        raise _refuse(_("%(name)s is larger than %(mb)s MB."), raw_name, mb=f"{max_bytes / (1024 * 1024):g}")
    if not data:
        raise _refuse(_("%(name)s is empty."), raw_name)
    expected = ALLOWED_UPLOADS.get(extension)
    kind = filetype.guess(data[:8192])
    if expected is None or kind is None or kind.mime != expected:
        raise _refuse(
            _("%(name)s: only PDF, JPEG, PNG, Word (.docx) and Excel (.xlsx) files are accepted."), raw_name
        )
    if extension in OFFICE_MAIN_PART:
        _check_office(data, extension, raw_name)
    elif extension == "pdf":
        _check_pdf(data, raw_name)
    else:
        _check_image(data, raw_name)
    return CheckedUpload(uploaded, raw_name, expected, len(data), hashlib.sha256(data).hexdigest())


# --- Rate limits ----------------------------------------------------------------------------------


def client_key(request: HttpRequest) -> str:
    """Who is counted: the client address (an IPv6 client by its /64, which one user holds whole)."""
    address = client_ip(request) or "-"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _counter_key(request: HttpRequest, scope: str) -> str:
    digest = hashlib.sha256(client_key(request).encode()).hexdigest()[:32]
    return f"portal:rl:{scope}:{digest}"


def over_limit(request: HttpRequest, scope: str, *, limit: int, period: int) -> bool:
    """Count one hit for this client in ``scope``; True once it exceeds ``limit`` per ``period`` s.

    A fixed window per address and scope. If the cache fails, the request is let through
    (and logged): a broken cache must not take the public site down.
    """
    key = _counter_key(request, scope)
    try:
        if cache.add(key, 1, timeout=period):
            return limit < 1
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period)
            return limit < 1
    except Exception:  # cache down: fail open
        logger.warning("rate-limit counter unavailable for scope %s", scope, exc_info=True)
        return False
    return count > limit


def rate_limited_response(request: HttpRequest, period: int) -> HttpResponse:
    """The 429 page (Chinese through the catalogue), with ``Retry-After``."""
    minutes = max(1, (period + 59) // 60)
    response = render(
        request,
        "portal/rate_limited.html",
        {"period_minutes": minutes, "error_code": PortalErrorCode.RATE_LIMITED},
        status=429,
    )
    response["Retry-After"] = str(period)
    return response


def rate_limited(scope: str, *, limit: int, period: int = 3600, methods: tuple[str, ...] = ("POST",)):
    """View decorator: refuse (429, with a Chinese message) past ``limit`` requests per address."""

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods and over_limit(request, scope, limit=limit, period=period):
                return rate_limited_response(request, period)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
