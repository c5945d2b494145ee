"""Reference pages for code tables and regions (included in the ``workspace`` namespace)."""

from __future__ import annotations

from django.urls import path

from edugov.core.views import codes

urlpatterns: list = [
    path("codes/", codes.code_table_list, name="code_tables"),
    path("codes/<slug:slug>/", codes.code_table_detail, name="code_table"),
    path("regions/", codes.region_list, name="region_list"),
]
