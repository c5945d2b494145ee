"""Workspace URLs of the registry (namespace ``registry``); each area has its own module."""

from django.urls import include, path

app_name = "registry"

urlpatterns = [
    path("", include("edugov.registry.urls.students")),
    path("", include("edugov.registry.urls.transfers")),
    path("", include("edugov.registry.urls.imports")),
    path("", include("edugov.registry.urls.quality")),
    path("", include("edugov.registry.urls.units")),
]
