"""Duty roster pages (IN-7)."""

from django.urls import path

from edugov.office.views import rosters as views

urlpatterns: list = [
    path("rosters/", views.roster_list, name="roster_list"),
    path("rosters/new/", views.roster_new, name="roster_new"),
    path("rosters/holiday/new/", views.roster_holiday_new, name="roster_holiday_new"),
    path("rosters/<int:pk>/", views.roster_detail, name="roster_detail"),
    path("rosters/<int:pk>/publish/", views.roster_publish, name="roster_publish"),
    path("rosters/<int:pk>/slots/add/", views.slot_add, name="slot_add"),
    path("rosters/slots/<int:pk>/remove/", views.slot_remove, name="slot_remove"),
    path("rosters/slots/<int:pk>/swap/", views.swap_request, name="swap_request"),
    path("rosters/slots/<int:pk>/log/", views.duty_log, name="duty_log"),
    path("rosters/swaps/", views.swap_list, name="swap_list"),
    path("rosters/swaps/<int:pk>/decide/", views.swap_decide, name="swap_decide"),
    path("rosters/phones/", views.duty_phones, name="duty_phones"),
]
