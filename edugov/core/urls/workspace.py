from django.urls import path

from edugov.core.urls import audit, calendar, codes
from edugov.core.views import workspace

urlpatterns = [
    path("", workspace.home, name="home"),
    *calendar.urlpatterns,
    *audit.urlpatterns,
    *codes.urlpatterns,
]
