"""The portal's actions (permissions) and the built-in roles that hold them."""

from django.utils.translation import gettext_lazy as _

from edugov.core.roles import extend_builtin_role, register_actions

register_actions(
    "portal.portalsite",
    {
        "view": _("View portal sites"),
        "edit": _("Edit pages of the unit's site"),
        "publish": _("Review and publish pages of the unit's site"),
        "manage": _("Set up sites, review steps and syndication"),
    },
)
register_actions(
    "portal.case",
    {
        "view": _("View citizens' requests and letters"),
        "handle": _("Handle and reply to requests and letters"),
        "route": _("Route requests and letters to another unit"),
        "approve": _("Approve extensions and close cases"),
    },
)

extend_builtin_role("site_editor", ["portal.portalsite.view", "portal.portalsite.edit"])
extend_builtin_role(
    "site_reviewer", ["portal.portalsite.view", "portal.portalsite.edit", "portal.portalsite.publish"]
)
extend_builtin_role("case_handler", ["portal.case.view", "portal.case.handle"])
extend_builtin_role(
    "case_supervisor", ["portal.case.view", "portal.case.handle", "portal.case.route", "portal.case.approve"]
)
extend_builtin_role("bureau_leader", ["portal.portalsite.view", "portal.case.view"])
extend_builtin_role(
    "site_admin",
    [
        "portal.portalsite.view",
        "portal.portalsite.edit",
        "portal.portalsite.publish",
        "portal.portalsite.manage",
    ],
)
