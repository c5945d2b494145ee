"""Staff pages of the portal (namespace ``portal``): sites, cases, disclosure."""

from django.urls import include, path

app_name = "portal"

urlpatterns: list = [
    path("", include("edugov.portal.urls.cases_staff")),
    path("", include("edugov.portal.urls.catalogue")),
    path("", include("edugov.portal.urls.sites")),
    path("", include("edugov.portal.urls.publishing")),
    path("", include("edugov.portal.urls.disclosure_requests")),
]
