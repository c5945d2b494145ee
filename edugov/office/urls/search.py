"""Office URLs: full-text search (IN-4)."""

from django.urls import path

from edugov.office.views import search as views

urlpatterns: list = [
    path("search/", views.search, name="search"),
]
