"""Workspace URLs of the office (namespace ``office``); each area has its own module."""

from django.urls import include, path

app_name = "office"

urlpatterns = [
    path("", include("edugov.office.urls.documents")),
    path("", include("edugov.office.urls.tasks")),
    path("", include("edugov.office.urls.processes")),
    path("", include("edugov.office.urls.supervision")),
    path("", include("edugov.office.urls.meetings")),
    path("", include("edugov.office.urls.rosters")),
    path("", include("edugov.office.urls.archives")),
    path("", include("edugov.office.urls.search")),
    path("", include("edugov.office.urls.approvals")),
]
