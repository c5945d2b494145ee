"""Public routes of the publishing area (included by urls/public.py, namespace ``portal_public``)."""

from django.urls import path

from edugov.portal.views import publishing

urlpatterns = [
    path("ping", publishing.ping, name="ping"),
]
