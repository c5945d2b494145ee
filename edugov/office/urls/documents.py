"""Office URLs: official documents."""

from django.urls import path

from edugov.office.views import documents as views
from edugov.office.views import series

urlpatterns = [
    path("documents/outgoing/", views.outgoing_list, name="outgoing_list"),
    path("documents/incoming/", views.incoming_list, name="incoming_list"),
    path("documents/new/", views.document_new, name="document_new"),
    path("documents/<int:document_id>/", views.document_detail, name="document_detail"),
    path("documents/<int:document_id>/body/", views.document_body, name="document_body"),
    path(
        "documents/<int:document_id>/versions/<int:number>/", views.document_version, name="document_version"
    ),
    path("documents/<int:document_id>/pdf/", views.document_pdf, name="document_pdf"),
    path("documents/<int:document_id>/withdraw/", views.document_withdraw, name="document_withdraw"),
    path(
        "documents/<int:document_id>/countersigners/",
        views.document_add_countersigner,
        name="document_add_countersigner",
    ),
    path("documents/<int:document_id>/circulate/", views.document_circulate, name="document_circulate"),
    path("documents/<int:document_id>/read/", views.document_read, name="document_read"),
    path("documents/<int:document_id>/follow/", views.document_follow, name="document_follow"),
    path("tasks/<int:task_id>/act/", views.task_act, name="task_act"),
    path("tasks/<int:task_id>/return/", views.task_return, name="task_return"),
    path("tasks/<int:task_id>/hand-over/", views.task_hand_over, name="task_hand_over"),
    path("tasks/<int:task_id>/remind/", views.task_remind, name="task_remind"),
    path("series/", series.series_list, name="series_list"),
    path("series/new/", series.series_new, name="series_new"),
]
