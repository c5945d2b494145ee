from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "edugov.portal"
    label = "portal"
    verbose_name = _("Public portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from edugov.portal import events, events_translation, roles, translation_hooks  # noqa: F401 - registration  # noqa: F401 - registration
        from edugov.portal.bootstrap import prepare_wagtail

        # After every app (Wagtail's own data migrations create the stock site and groups).
        post_migrate.connect(prepare_wagtail, sender=self, dispatch_uid="edugov_portal_prepare_wagtail")
