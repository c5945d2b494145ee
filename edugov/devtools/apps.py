from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "edugov.devtools"
    label = "devtools"
    verbose_name = "Development tools"
