from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "edugov.registry"
    label = "registry"
    verbose_name = _("Basic education database")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from edugov.registry import events, nav, roles, todo_providers  # noqa: F401 - registration
