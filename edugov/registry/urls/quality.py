"""Registry URLs: quality (see registry/urls/__init__.py)."""

from django.urls import path

from edugov.registry.views import quality as views

urlpatterns = [
    path("quality/", views.quality_overview, name="quality_overview"),
    path("quality/run/", views.quality_run, name="quality_run"),
    path("quality/findings/", views.quality_findings, name="quality_findings"),
]
