"""Meeting and meeting-room pages (IN-6)."""

from django.urls import path

from edugov.office.views import meetings as views

urlpatterns: list = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/respond/", views.meeting_respond, name="meeting_respond"),
    path("meetings/<int:pk>/remind/", views.meeting_remind, name="meeting_remind"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/check-in/<int:attendee_pk>/", views.meeting_check_in, name="meeting_check_in"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path("meetings/decisions/<int:pk>/supervise/", views.decision_supervise, name="decision_supervise"),
    path("meetings/rooms/", views.room_list, name="room_list"),
    path("meetings/rooms/new/", views.room_new, name="room_new"),
    path("meetings/rooms/<int:pk>/", views.room_schedule, name="room_schedule"),
]
