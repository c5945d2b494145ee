"""Office URLs: processes (process administrators)."""

from django.urls import path

from edugov.office.views import processes

urlpatterns: list = [
    path("processes/", processes.process_list, name="process_list"),
    path("processes/upload/", processes.process_upload, name="process_upload"),
    path("processes/<str:key>/", processes.process_detail, name="process_detail"),
    path("processes/<str:key>/v<int:version>.bpmn", processes.process_download, name="process_download"),
]
