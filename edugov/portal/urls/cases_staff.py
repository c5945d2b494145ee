"""Staff routes of cases (included from ``urls/workspace.py``, namespace ``portal``)."""

from django.urls import path

from edugov.portal.views import cases_staff as views

urlpatterns = [
    path("cases/", views.case_inbox, name="case_inbox"),
    path("cases/routing/", views.case_routing, name="case_routing"),
    path("cases/routing/<int:pk>/delete/", views.case_routing_delete, name="case_routing_delete"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/accept/", views.case_accept, name="case_accept"),
    path("cases/<int:pk>/reply/", views.case_reply, name="case_reply"),
    path("cases/<int:pk>/reroute/", views.case_reroute, name="case_reroute"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/follow-up/", views.case_follow_up, name="case_follow_up"),
    path("cases/<int:pk>/publish/", views.case_publish, name="case_publish"),
    path("cases/<int:pk>/unpublish/", views.case_unpublish, name="case_unpublish"),
    path("cases/<int:pk>/files/<int:fid>/", views.case_attachment, name="case_attachment"),
    path("cases/<int:pk>/rectifications/<int:rid>/", views.case_rectification, name="case_rectification"),
    path("cases/<int:pk>/ratings/<int:rid>/appeal/", views.case_appeal, name="case_appeal"),
    path("cases/<int:pk>/appeals/<int:aid>/decide/", views.case_appeal_decide, name="case_appeal_decide"),
]
