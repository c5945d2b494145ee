"""Anonymous page cache of the public portal (BEYOND B.5).

:class:`PortalPageCacheMiddleware` sits early in ``MIDDLEWARE``. For an anonymous ``GET``
or ``HEAD`` without a query string and without a session cookie it looks the response up
in the ``portal_pages`` cache under scheme + host + language + path, and answers a hit
without URL routing, the rest of the middleware or a database query.

A response is stored only when the Wagtail hook ``before_serve_page`` (see
:func:`mark_cacheable`) marked the request: a live Wagtail page served to an anonymous visitor,
not a preview, not behind a view restriction. The staff and citizen paths (``/cms/``,
``/portal/``, ``/workspace/``, ``/accounts/``, ``/services/``, ``/api/``, ``/static/``,
``/documents/``, …, in every language prefix) are never looked up nor stored, and neither is a
response that sets a cookie or is not a 200.

Invalidation: every entry carries its site's *generation*, a random token kept in the same
cache. Publishing, unpublishing, moving or deleting a page (and changing a site or its unit)
replaces the token of the page's whole site, so every page of that site (section lists,
home page) is rendered afresh on its next request. Entries also expire after
``EDUGOV_PORTAL_CACHE_SECONDS``.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language_from_path

CACHE_ALIAS = "portal_pages"
REQUEST_MARK = "_portal_cache_site_id"
HIT_HEADER = "X-Portal-Cache"
# Headers of the stored response that belong to one request only.
_NOT_STORED = {"x-request-id", "set-cookie", "content-length"}
_EXCLUDED_PREFIXES = (
    "cms",
    "portal",
    "workspace",
    "accounts",
    "services",
    "api",
    "static",
    "documents",
    "media",
    "i18n",
    "registry",
    "office",
    "healthz",
)

_bypass: contextvars.ContextVar[bool] = contextvars.ContextVar("portal_cache_bypass", default=False)


def pages_cache() -> Any:
    return caches[CACHE_ALIAS]


def _excluded_path_re() -> re.Pattern[str]:
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    prefixes = "|".join(_EXCLUDED_PREFIXES)
    return re.compile(rf"^/(?:(?:{languages})/)?(?:{prefixes})(?:/|$)")


def generation_key(site_id: int) -> str:
    return f"portal:gen:{site_id}"


def current_generation(site_id: int) -> str:
    """The site's generation token (made on first use)."""
    cache = pages_cache()
    key = generation_key(site_id)
    generation = cache.get(key)
    if generation is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        generation = cache.get(key)
    return generation


def invalidate_sites(site_ids: Iterable[int]) -> None:
    """Drop every cached page of these sites (a new generation token for each)."""
    cache = pages_cache()
    cache.set_many({generation_key(site_id): uuid.uuid4().hex for site_id in set(site_ids)}, timeout=None)


def invalidate_all_sites() -> None:
    from wagtail.models import Site

    invalidate_sites(Site.objects.values_list("pk", flat=True))


@contextlib.contextmanager
def cache_bypassed() -> Iterator[None]:
    """Requests handled inside this block neither read nor fill the page cache."""
    token = _bypass.set(True)
    try:
        yield
    finally:
        _bypass.reset(token)


def mark_cacheable(page: Any, request: HttpRequest, serve_args: Any, serve_kwargs: Any) -> None:
    """Wagtail ``before_serve_page`` hook: say that this page response may be stored."""
    if request.method not in ("GET", "HEAD") or getattr(request, "is_preview", False):
        return
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return
    if page.get_view_restrictions().exists():
        return
    from edugov.portal.sites import current_site

    site = current_site(request)
    if site is not None:
        setattr(request, REQUEST_MARK, site.pk)


class PortalPageCacheMiddleware:
    """Answer anonymous page requests from the cache; store marked page responses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.excluded = _excluded_path_re()
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.timeout = getattr(settings, "EDUGOV_PORTAL_CACHE_SECONDS", 600)
        self.default_language = settings.LANGUAGE_CODE

    def cache_key(self, request: HttpRequest) -> str | None:
        """The request's key, or None when it must not be answered from the cache."""
        meta = request.META
        if (
            request.method not in ("GET", "HEAD")
            or meta.get("QUERY_STRING")
            or meta.get("HTTP_AUTHORIZATION")
        ):
            return None
        if self.session_cookie in request.COOKIES:
            return None
        path = request.path
        if self.excluded.match(path):
            return None
        try:
            host = request.get_host().lower()
        except DisallowedHost:
            return None
        language = get_language_from_path(path) or self.default_language
        return f"portal:page:{request.scheme}://{host}|{language}|{path}"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self.cache_key(request)
        if key is None or _bypass.get():
            return self.get_response(request)
        cache = pages_cache()
        entry = cache.get(key)
        if entry is not None:
            site_id, generation, content, headers = entry
            if cache.get(generation_key(site_id)) == generation:
                return self._replay(request, content, headers)
        response = self.get_response(request)
        site_id = getattr(request, REQUEST_MARK, None)
        if (
            site_id is not None
            and request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Set-Cookie")
        ):
            headers = tuple((k, v) for k, v in response.items() if k.lower() not in _NOT_STORED)
            cache.set(key, (site_id, current_generation(site_id), response.content, headers), self.timeout)
            response[HIT_HEADER] = "miss"
        return response

    @staticmethod
    def _replay(request: HttpRequest, content: bytes, headers: tuple[tuple[str, str], ...]) -> HttpResponse:
        response = HttpResponse(b"" if request.method == "HEAD" else content)
        for name, value in headers:
            response[name] = value
        response["Content-Length"] = str(len(content))
        response["X-Request-Id"] = uuid.uuid4().hex
        response[HIT_HEADER] = "hit"
        return response
