"""Navigation items of the registry (imported from RegistryConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from edugov.core.navigation import register_nav_item, register_nav_section
from edugov.registry.todos_transfers import transfer_badge

register_nav_section("registry", _("Basic database"), 30)

# Students (学籍).
register_nav_item(
    "registry", _("Students"), "registry:student_list", permission="registry.student.view", order=10
)
register_nav_item(
    "registry", _("Enrol a student"), "registry:student_enrol", permission="registry.student.add", order=11
)
register_nav_item(
    "registry",
    _("Duplicate records"),
    "registry:duplicate_list",
    permission="registry.student.merge",
    order=12,
)

# Transfers (转学, DB-3): the badge counts steps awaiting the user's unit's decision.
register_nav_item(
    "registry",
    _("Transfers"),
    "registry:transfer_list",
    permission="registry.transfer.view",
    order=20,
    badge=transfer_badge,
)

# A unit's records: school profiles, staff, buildings, assets and finance.
register_nav_item(
    "registry", _("Schools"), "registry:school_list", permission="registry.schoolprofile.view", order=40
)
register_nav_item(
    "registry", _("Staff"), "registry:staff_list", permission="registry.staffmember.view", order=41
)
register_nav_item(
    "registry", _("Buildings"), "registry:building_list", permission="registry.building.view", order=42
)
register_nav_item("registry", _("Assets"), "registry:asset_list", permission="registry.asset.view", order=43)
register_nav_item(
    "registry", _("Finance"), "registry:finance_list", permission="registry.financerecord.view", order=44
)

# Data quality (DB-6): scores, findings and checks of the unit and the units below.
register_nav_item(
    "registry",
    _("Data quality"),
    "registry:quality_overview",
    permission="registry.qualityfinding.view",
    order=60,
)

# Bulk imports (DB-7): templates, uploads and their jobs.
register_nav_item(
    "registry", _("Imports"), "registry:import_list", permission="registry.importjob.view", order=50
)
