from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "edugov.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Imported for their registrations: navigation, login auditing, to-do providers.
        from edugov.core import calendar, nav, signals, todo_providers  # noqa: F401
        from edugov.core.bootstrap import load_reference_data

        post_migrate.connect(load_reference_data, sender=self, dispatch_uid="edugov_core_reference_data")
