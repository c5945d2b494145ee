from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "edugov.platform"
    label = "platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from edugov.platform import lookups

        lookups.register()
