"""Read-only Wagtail pages API v2 at ``/api/portal/v2/`` (anonymous, one site per host, PUB-2).

``/api/portal/v2/pages/`` lists the live, public pages of the site whose host name the request
came in on, and nothing of any other site: the ``site`` query parameter of Wagtail's API is
ignored (a host never reads another host's pages), and a host without a portal site gets none.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from rest_framework.permissions import AllowAny
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page

from edugov.portal.sites import current_portal_site


def live_pages_of_host(request: Any) -> Any:
    """Live pages without view restrictions of the request host's site (and its translations)."""
    portal_site = current_portal_site(request)
    if portal_site is None:
        return Page.objects.none()
    root = portal_site.site.root_page
    q = Q()
    for path in Page.objects.filter(translation_key=root.translation_key).values_list("path", flat=True):
        q |= Q(path__startswith=path)
    return Page.objects.live().public().filter(q)


class PortalPagesAPIViewSet(PagesAPIViewSet):
    authentication_classes: list = []  # anonymous and read-only: no session, no CSRF
    permission_classes = [AllowAny]

    def get_base_queryset(self) -> Any:
        return live_pages_of_host(self.request)


portal_api = WagtailAPIRouter("portal_api")
portal_api.register_endpoint("pages", PortalPagesAPIViewSet)

urlpatterns = portal_api.get_urlpatterns()
