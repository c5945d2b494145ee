"""Office URLs: supervision (督查督办, IN-3)."""

from django.urls import path

from edugov.office.views import supervision as views

urlpatterns: list = [
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/new/", views.supervision_new, name="supervision_new"),
    path("supervision/overview/", views.supervision_overview, name="supervision_overview"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision_detail"),
    path("supervision/<int:pk>/report/", views.supervision_report, name="supervision_report"),
    path("supervision/<int:pk>/deadline/", views.supervision_deadline, name="supervision_deadline"),
    path("supervision/<int:pk>/complete/", views.supervision_complete, name="supervision_complete"),
    path("supervision/<int:pk>/cancel/", views.supervision_cancel, name="supervision_cancel"),
    path("supervision/<int:pk>/escalate/", views.supervision_escalate, name="supervision_escalate"),
    path(
        "supervision/<int:pk>/milestones/add/",
        views.supervision_milestone_add,
        name="supervision_milestone_add",
    ),
    path(
        "supervision/<int:pk>/milestones/<int:milestone>/done/",
        views.supervision_milestone_done,
        name="supervision_milestone_done",
    ),
    path("supervision/evidence/<int:pk>/", views.supervision_evidence, name="supervision_evidence"),
]
