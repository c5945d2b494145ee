"""The shared search of every portal site: /services/search/?q=…[&site=<slug>]."""

from django.urls import path

from edugov.portal.views import search

urlpatterns = [
    path("search/", search.search_view, name="search"),
]
