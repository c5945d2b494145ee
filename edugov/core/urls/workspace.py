from django.urls import path

from edugov.core.views import workspace

urlpatterns = [
    path("", workspace.home, name="home"),
]
