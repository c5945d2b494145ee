"""Public entry points that are not Wagtail pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET
from wagtail.views import serve

from edugov.core.views import public as core_public
from edugov.portal.sites import current_site


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The host's portal home page; the platform's plain landing page where no site is set up."""
    if current_site(request) is not None:
        # "/" is the Chinese edition, whatever the browser prefers (/ug/, /ky-arab/, /en/ are the others).
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return serve(request, "")
    return core_public.home(request)
