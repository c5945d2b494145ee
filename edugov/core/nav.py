"""Navigation items of the core app (imported from CoreConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from edugov.core.navigation import register_nav_item

register_nav_item("workspace", _("Home"), "workspace:home", order=10)
register_nav_item("workspace", _("My to-dos"), "workspace:todos", order=20)
register_nav_item("workspace", _("API tokens"), "workspace:token_list", order=90)
register_nav_item("organisation", _("Units"), "workspace:org_list", permission="core.organization.view")
register_nav_item("security", _("Accounts"), "workspace:user_list", permission="core.user.view")
register_nav_item("security", _("Grants"), "workspace:grant_list", permission="core.grant.view")
register_nav_item("security", _("Roles"), "workspace:role_list", permission="core.role.view")
register_nav_item("audit", _("Audit log"), "workspace:audit_list", permission="core.auditentry.view")
register_nav_item("reference", _("Work calendar"), "workspace:calendar", order=10)
register_nav_item("reference", _("Code tables"), "workspace:code_tables", order=20)
register_nav_item("reference", _("Regions"), "workspace:region_list", order=30)
