from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "edugov.platform"
    label = "platform"
    verbose_name = "Platform"
