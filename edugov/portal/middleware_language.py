"""Language rules beyond Django's LocaleMiddleware (PUB-10).

* Public portal pages carry their language in the URL: ``/…`` Chinese, ``/ug/…``,
  ``/ky-arab/…``, ``/en/…`` (i18n_patterns without a prefix for Chinese). Django's
  LocaleMiddleware therefore forces Chinese on *every* unprefixed path once i18n_patterns
  is used, the staff side included.
* The staff side (workspace, office, registry, CMS, sign-in …: every path outside the
  i18n patterns, and the platform landing page on a host without a portal site) negotiates
  its language again from the language cookie and Accept-Language, restricted to
  ``settings.EDUGOV_WORKSPACE_LANGUAGES``; anything else (Uyghur, Kyrgyz) gets Chinese.
* A public page missing from a language's page tree (``/ug/news/item/`` where only the
  Chinese item exists) is served in Chinese under that prefix, with a fallback banner,
  instead of a 404 (see ``edugov.portal.translation.serve_fallback``).

Placed right after ``django.middleware.locale.LocaleMiddleware``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import get_language_from_path, get_language_from_request

PORTAL_URL_NAMES = {"wagtail_serve"}
PORTAL_NAMESPACES = {"portal_public"}
LANDING_VIEW = "public:home"


def is_portal_path(request: HttpRequest) -> bool:
    """True for public portal pages (their language comes from the URL), False for the staff side."""
    if get_language_from_path(request.path_info):
        return True
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return True
    if match.url_name in PORTAL_URL_NAMES or PORTAL_NAMESPACES.intersection(match.namespaces):
        return True
    if match.view_name == LANDING_VIEW:
        from edugov.portal.sites import current_site

        return current_site(request) is not None
    return False


def workspace_language(request: HttpRequest) -> str:
    language = get_language_from_request(request, check_path=False)
    return language if language in settings.EDUGOV_WORKSPACE_LANGUAGES else settings.LANGUAGE_CODE


class PortalLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        prefixed = get_language_from_path(request.path_info)
        if not is_portal_path(request):
            language = workspace_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        if response.status_code == 404 and prefixed and prefixed != settings.LANGUAGE_CODE:
            match = getattr(request, "resolver_match", None)
            if match is not None and match.url_name in PORTAL_URL_NAMES and request.method in ("GET", "HEAD"):
                from edugov.portal.translation import serve_fallback

                path = match.args[0] if match.args else match.kwargs.get("path", "")
                fallback = serve_fallback(request, path)
                if fallback is not None:
                    return fallback
        return response
