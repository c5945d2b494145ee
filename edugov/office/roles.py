"""The office's actions (permissions) and what the built-in roles may do with them."""

from django.utils.translation import gettext_lazy as _

from edugov.core.roles import extend_builtin_role, register_actions

register_actions(
    "office.document",
    {
        "view": _("View official documents"),
        "add": _("Draft documents"),
        "review": _("Review drafts 核稿"),
        "countersign": _("Countersign documents 会签"),
        "signoff": _("Sign off documents 签发"),
        "dispatch": _("Number, seal and distribute documents"),
        "receive": _("Sign for and register incoming documents"),
        "instruct": _("Give instructions on incoming documents 批办"),
        "handle": _("Handle incoming documents 承办"),
        "archive": _("Archive documents"),
    },
)
register_actions(
    "office.numberseries", {"view": _("View number series"), "change": _("Manage number series")}
)
register_actions(
    "office.processdefinition",
    {"view": _("View process definitions"), "deploy": _("Upload process versions")},
)
register_actions("office.delegation", {"view": _("View delegations"), "add": _("Delegate tasks")})
register_actions(
    "office.supervisionitem",
    {
        "view": _("View supervision items"),
        "add": _("Create supervision items"),
        "report": _("Report progress on supervision items"),
        "manage": _("Manage supervision items"),
    },
)
register_actions(
    "office.meeting",
    {
        "view": _("View meetings"),
        "add": _("Book rooms and call meetings"),
        "manage": _("Manage meeting rooms"),
    },
)
register_actions(
    "office.roster",
    {"view": _("View duty rosters"), "change": _("Edit duty rosters"), "approve": _("Approve duty swaps")},
)
register_actions(
    "office.archiverecord",
    {
        "view": _("View the archive catalogue"),
        "add": _("Register archive records"),
        "borrow": _("Request archive loans"),
        "lend": _("Decide on archive loans"),
    },
)

_READ = (
    "office.document.view",
    "office.supervisionitem.view",
    "office.meeting.view",
    "office.roster.view",
    "office.archiverecord.view",
    "office.archiverecord.borrow",
    "office.delegation.view",
    "office.delegation.add",
    "office.supervisionitem.report",
    "office.meeting.add",
)

extend_builtin_role(
    "bureau_leader",
    (
        *_READ,
        "office.document.signoff",
        "office.document.instruct",
        "office.document.countersign",
        "office.supervisionitem.add",
        "office.supervisionitem.manage",
        "office.roster.approve",
        "office.archiverecord.lend",
    ),
)
extend_builtin_role("bureau_staff", (*_READ, "office.document.add", "office.document.handle"))
extend_builtin_role(
    "office_clerk",
    (
        *_READ,
        "office.document.add",
        "office.document.review",
        "office.document.dispatch",
        "office.document.receive",
        "office.document.archive",
        "office.numberseries.view",
        "office.numberseries.change",
        "office.processdefinition.view",
        "office.supervisionitem.add",
        "office.supervisionitem.manage",
        "office.meeting.manage",
        "office.roster.change",
    ),
)
extend_builtin_role(
    "department_head",
    (*_READ, "office.document.add", "office.document.countersign", "office.document.handle"),
)
extend_builtin_role(
    "archivist",
    (*_READ, "office.archiverecord.add", "office.archiverecord.lend", "office.document.archive"),
)
extend_builtin_role(
    "school_admin",
    (
        *_READ,
        "office.document.add",
        "office.document.review",
        "office.document.signoff",
        "office.document.dispatch",
        "office.document.receive",
        "office.document.instruct",
        "office.document.handle",
        "office.document.archive",
        "office.numberseries.view",
        "office.numberseries.change",
        "office.supervisionitem.add",
        "office.supervisionitem.manage",
        "office.meeting.manage",
        "office.roster.change",
        "office.roster.approve",
        "office.archiverecord.add",
        "office.archiverecord.lend",
    ),
)
extend_builtin_role("teacher", ("office.document.view", "office.meeting.view", "office.roster.view"))
extend_builtin_role("process_admin", ("office.processdefinition.view", "office.processdefinition.deploy"))

# Archive loans of internal (内部) records need a leader's approval after the archivist's (IN-5).
register_actions("office.archiverecord", {"approve": _("Approve loans of internal records as a leader")})
extend_builtin_role("bureau_leader", ("office.archiverecord.approve",))
extend_builtin_role("school_admin", ("office.archiverecord.approve",))
