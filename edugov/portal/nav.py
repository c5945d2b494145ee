"""Workspace navigation of the website group (imported from PortalConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from edugov.core.navigation import register_nav_item, register_nav_section

register_nav_section("portal", _("Public portal"), 40)
register_nav_item(
    "portal", _("Portal sites"), "portal:site_list", permission="portal.portalsite.view", order=10
)
