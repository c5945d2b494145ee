"""Work calendar pages, spliced into the ``workspace`` namespace."""

from django.urls import path

from edugov.core.views import calendar

urlpatterns = [
    path("calendar/", calendar.calendar_view, name="calendar"),
    path("calendar/days/add/", calendar.calendar_day_add, name="calendar_day_add"),
    path("calendar/days/<int:pk>/edit/", calendar.calendar_day_edit, name="calendar_day_edit"),
    path("calendar/days/<int:pk>/delete/", calendar.calendar_day_delete, name="calendar_day_delete"),
    path("calendar/years/mark/", calendar.calendar_year_mark, name="calendar_year_mark"),
    path("calendar/compute/", calendar.calendar_compute, name="calendar_compute"),
]
