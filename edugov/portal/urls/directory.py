"""The public school directory: /services/schools/ and /services/schools/<10-digit code>/."""

from django.urls import path

from edugov.portal.views import directory

urlpatterns = [
    path("schools/", directory.school_list, name="schools"),
    path("schools/<str:school_code>/", directory.school_detail, name="school_detail"),
]
