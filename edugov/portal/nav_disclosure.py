"""Workspace navigation of disclosure requests."""

from django.utils.translation import gettext_lazy as _

from edugov.core.navigation import register_nav_item, register_nav_section

register_nav_section("portal", _("Public portal"), 40)
register_nav_item(
    "portal",
    _("Disclosure requests 依申请公开"),
    "portal:disclosure_list",
    permission="portal.case.view",
    order=20,
)
