from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "edugov.portal"
    label = "portal"
    verbose_name = _("Public portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from edugov.portal import (  # noqa: F401 - registration
            events,
            events_cases,
            events_catalogue,
            events_disclosure,
            events_sites,
            events_translation,
            nav,
            nav_disclosure,
            periodic_disclosure,
            roles,
            todos_cases,
            todos_disclosure,
            translation_hooks,
        )
        from edugov.portal.actions import sites_sync  # noqa: F401 - grant → Wagtail group signals
        from edugov.portal.bootstrap import prepare_wagtail
        from edugov.portal.publishing import register as register_publishing
        from edugov.portal.search import connect_signals as connect_search_signals

        register_publishing()
        connect_search_signals()

        # After every app (Wagtail's own data migrations create the stock site and groups).
        post_migrate.connect(prepare_wagtail, sender=self, dispatch_uid="edugov_portal_prepare_wagtail")
