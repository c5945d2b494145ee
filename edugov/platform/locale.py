"""Which language a request is answered in.

Two surfaces, two rules:

* The public portal (the URLs inside ``i18n_patterns``) takes its language from the path only:
  ``/…`` is Chinese, ``/ug/…``, ``/ky-arab/…``, ``/en/…`` the others. A cached page then
  never depends on a cookie or the browser's Accept-Language.
* Everything else (workspace, office, registry, sign-in, CMS) follows the visitor's choice
  (language cookie, then Accept-Language) among ``EDUGOV_WORKSPACE_LANGUAGES``; the portal-only
  languages fall back to Chinese there.

Django's own LocaleMiddleware ignores the cookie on every unprefixed path as soon as the
URLconf uses ``i18n_patterns`` with ``prefix_default_language=False``; hence this subclass.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Paths outside i18n_patterns (see edugov/config/urls.py). "/" is the host's portal home but
# also the platform's landing page; portal.views.public.home switches to Chinese for a site.
NON_PORTAL_PREFIXES = (
    "/workspace/",
    "/registry/",
    "/office/",
    "/portal/",
    "/api/",
    "/accounts/",
    "/i18n/",
    "/healthz",
    "/cms/",
    "/documents/",
    "/static/",
    "/media/",
)


def is_portal_path(path: str) -> bool:
    return path != "/" and not path.startswith(NON_PORTAL_PREFIXES)


class EdugovLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        path = request.path_info
        language = translation.get_language_from_path(path)
        if language is None:
            if is_portal_path(path):
                language = settings.LANGUAGE_CODE
            else:
                language = translation.get_language_from_request(request, check_path=False)
                if language not in settings.EDUGOV_WORKSPACE_LANGUAGES:
                    language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
