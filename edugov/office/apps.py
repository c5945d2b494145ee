from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "edugov.office"
    label = "office"
    verbose_name = _("Internal office")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from edugov.office import (  # noqa: F401 - registration
            events,
            nav,
            roles,
            todo_providers,
            todos_archives,
            todos_meetings,
            todos_supervision,
        )
        from edugov.office.actions.approvals import ensure_builtin_kinds
        from edugov.office.workflow.builtin import deploy_builtin_processes

        post_migrate.connect(
            deploy_builtin_processes, sender=self, dispatch_uid="edugov_office_builtin_processes"
        )
        post_migrate.connect(ensure_builtin_kinds, sender=self, dispatch_uid="office.approval_kinds")
