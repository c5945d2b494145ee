"""Office URLs: internal approvals."""

from django.urls import path

from edugov.office.views import approvals

urlpatterns = [
    path("approvals/", approvals.approval_list, name="approval_list"),
    path("approvals/new/<slug:code>/", approvals.approval_new, name="approval_new"),
    path("approvals/<int:approval_id>/", approvals.approval_detail, name="approval_detail"),
    path("approvals/tasks/<int:task_id>/decide/", approvals.approval_decide, name="approval_decide"),
]
