"""Registry URLs: transfers (see registry/urls/__init__.py)."""

from django.urls import path

from edugov.registry.views import transfers as views

urlpatterns: list = [
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/apply/", views.transfer_apply, name="transfer_apply"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/steps/<int:step>/decide/", views.transfer_decide, name="transfer_decide"),
    path("transfers/<int:pk>/withdraw/", views.transfer_withdraw, name="transfer_withdraw"),
]
