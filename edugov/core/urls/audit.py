"""The auditor's screens, spliced into the ``workspace`` namespace at /workspace/."""

from django.urls import path

from edugov.core.views import audit

urlpatterns: list = [
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/<int:pk>/", audit.audit_detail, name="audit_detail"),
    path("audit/export/", audit.audit_export, name="audit_export"),
    path("audit/verify/", audit.audit_verify, name="audit_verify"),
]
