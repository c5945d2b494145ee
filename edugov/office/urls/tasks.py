"""Office URLs: the workspace of tasks."""

from django.urls import path

from edugov.office.views import delegations, tasks

urlpatterns = [
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/done/", tasks.done_list, name="done_list"),
    path("tasks/followed/", tasks.followed_list, name="followed_list"),
    path("tasks/<int:task_id>/", tasks.task_detail, name="task_detail"),
    path("delegations/", delegations.delegation_list, name="delegation_list"),
    path("delegations/<int:delegation_id>/end/", delegations.delegation_revoke, name="delegation_revoke"),
]
