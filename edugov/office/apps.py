from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "edugov.office"
    label = "office"
    verbose_name = _("Internal office")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from edugov.office import events, nav, roles, todo_providers, todos_archives  # noqa: F401 - registration
