"""Navigation items of the registry (imported from RegistryConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from edugov.core.navigation import register_nav_section

register_nav_section("registry", _("Basic database"), 30)
# Each area registers its own items next to its URLs (see registry/urls/).
