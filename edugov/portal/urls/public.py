"""Public (citizen) pages of the portal, under /services/ in every portal language.

Namespace ``portal_public``. Each area adds its own module and includes it here.
"""

from django.urls import include, path

from edugov.portal.views import public

app_name = "portal_public"

urlpatterns: list = [
    path("", public.home, name="index"),
    path("", include("edugov.portal.urls.cases")),
    path("", include("edugov.portal.urls.publishing_public")),
    path("", include("edugov.portal.urls.disclosure_requests_public")),
    path("", include("edugov.portal.urls.search")),
    path("", include("edugov.portal.urls.directory")),
]
