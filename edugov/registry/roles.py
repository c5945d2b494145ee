"""The registry's actions and what the built-in business roles may do with them."""

from django.utils.translation import gettext_lazy as _

from edugov.core.roles import extend_builtin_role, register_actions

register_actions(
    "registry.student",
    {
        "view": _("View students"),
        "view_personal": _("View students' personal data in full"),
        "add": _("Enrol students"),
        "change": _("Edit student records"),
        "change_aid": _("Set financial-aid eligibility"),
        "export": _("Export students"),
        "import": _("Import students"),
        "merge": _("Merge duplicate student records"),
    },
)
register_actions(
    "registry.transfer",
    {"view": _("View transfers"), "apply": _("Apply for transfers"), "approve": _("Decide on transfers")},
)
register_actions(
    "registry.staffmember",
    {
        "view": _("View staff"),
        "view_personal": _("View staff personal data in full"),
        "add": _("Add staff"),
        "change": _("Edit staff"),
        "export": _("Export staff"),
        "import": _("Import staff"),
    },
)
register_actions(
    "registry.building",
    {
        "view": _("View buildings"),
        "add": _("Add buildings"),
        "change": _("Edit buildings"),
        "rate_safety": _("Record building safety ratings"),
        "export": _("Export buildings"),
        "import": _("Import buildings"),
    },
)
register_actions(
    "registry.asset",
    {
        "view": _("View assets"),
        "add": _("Add assets"),
        "change": _("Edit assets"),
        "export": _("Export assets"),
        "import": _("Import assets"),
    },
)
register_actions(
    "registry.financerecord",
    {"view": _("View finance"), "change": _("Edit finance"), "export": _("Export finance")},
)
register_actions(
    "registry.schoolprofile", {"view": _("View school profiles"), "change": _("Edit school profiles")}
)
register_actions("registry.importjob", {"view": _("View import jobs")})
register_actions(
    "registry.qualityfinding", {"view": _("View data-quality findings"), "run": _("Run data-quality checks")}
)

_VIEW_ALL = (
    "registry.student.view",
    "registry.transfer.view",
    "registry.staffmember.view",
    "registry.building.view",
    "registry.asset.view",
    "registry.financerecord.view",
    "registry.schoolprofile.view",
    "registry.qualityfinding.view",
    "registry.importjob.view",
)
_EXPORT_ALL = (
    "registry.student.export",
    "registry.staffmember.export",
    "registry.building.export",
    "registry.asset.export",
    "registry.financerecord.export",
)

extend_builtin_role("bureau_leader", _VIEW_ALL)
extend_builtin_role(
    "bureau_staff",
    (
        *_VIEW_ALL,
        *_EXPORT_ALL,
        "registry.transfer.approve",
        "registry.student.change_aid",
        "registry.building.rate_safety",
        "registry.qualityfinding.run",
    ),
)
extend_builtin_role(
    "registrar",
    (
        "registry.student.view",
        "registry.student.view_personal",
        "registry.student.add",
        "registry.student.change",
        "registry.student.export",
        "registry.student.import",
        "registry.student.merge",
        "registry.transfer.view",
        "registry.transfer.apply",
        "registry.transfer.approve",
        "registry.schoolprofile.view",
        "registry.qualityfinding.view",
        "registry.qualityfinding.run",
        "registry.importjob.view",
    ),
)
extend_builtin_role(
    "school_admin",
    (
        *_VIEW_ALL,
        *_EXPORT_ALL,
        "registry.schoolprofile.change",
        "registry.staffmember.view_personal",
        "registry.staffmember.add",
        "registry.staffmember.change",
        "registry.staffmember.import",
        "registry.building.add",
        "registry.building.change",
        "registry.building.import",
        "registry.asset.add",
        "registry.asset.change",
        "registry.asset.import",
        "registry.financerecord.change",
        "registry.qualityfinding.run",
    ),
)
extend_builtin_role("teacher", ("registry.student.view",))
