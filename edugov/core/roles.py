"""Actions, built-in roles and the rules that keep the three operator roles apart (三员分立).

An action is ``<app>.<model>.<action>``. Apps register the actions they check so the
role editor can offer them. Operator actions belong to exactly one operator kind:
a business role may not carry them, and an operator role carries only its own kind's
(plus the read-only actions listed as shared).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from edugov.core.choices import RoleKind

ACTIONS: dict[str, object] = {}


def register_actions(model_label: str, actions: dict[str, object]) -> None:
    for action, label in actions.items():
        ACTIONS[f"{model_label}.{action}"] = label


register_actions(
    "core.organization",
    {"view": _("View units"), "add": _("Create units"), "change": _("Edit units"), "close": _("Close units")},
)
register_actions(
    "core.user",
    {
        "view": _("View accounts"),
        "view_personal": _("View accounts' personal data in full"),
        "add": _("Create accounts"),
        "change": _("Edit accounts"),
        "deactivate": _("Deactivate accounts"),
    },
)
register_actions("core.membership", {"view": _("View memberships"), "add": _("Add memberships")})
register_actions(
    "core.grant", {"view": _("View grants"), "add": _("Grant roles"), "revoke": _("Revoke grants")}
)
register_actions("core.role", {"view": _("View roles"), "change": _("Edit roles")})
register_actions("core.auditentry", {"view": _("Read the audit log"), "export": _("Export the audit log")})
register_actions("core.calendarday", {"change": _("Edit the work calendar")})

OPERATOR_ACTIONS: dict[str, frozenset[str]] = {
    RoleKind.SYSTEM_ADMIN: frozenset(
        {
            "core.organization.add",
            "core.organization.change",
            "core.organization.close",
            "core.user.add",
            "core.user.change",
            "core.user.deactivate",
            "core.membership.add",
            "core.calendarday.change",
        }
    ),
    RoleKind.SECURITY_ADMIN: frozenset({"core.grant.add", "core.grant.revoke", "core.role.change"}),
    RoleKind.AUDITOR: frozenset({"core.auditentry.view", "core.auditentry.export"}),
}
ALL_OPERATOR_ACTIONS = frozenset().union(*OPERATOR_ACTIONS.values())


def role_action_problems(kind: str, actions: list[str]) -> list[str]:
    """Why a role of ``kind`` may not carry ``actions``; empty when it may."""
    problems = []
    unknown = [a for a in actions if a not in ACTIONS and not a.endswith(".*")]
    if unknown:
        problems.append(_("Unknown actions: %s") % ", ".join(sorted(unknown)))
    if any(a.endswith(".*") for a in actions):
        problems.append(_("Wildcard actions are reserved for built-in roles."))
    if kind == RoleKind.AUDITOR:
        extra = set(actions) - OPERATOR_ACTIONS[RoleKind.AUDITOR]
        if extra:
            problems.append(_("An auditor role may only read and export the audit log."))
        return problems
    own = OPERATOR_ACTIONS.get(kind, frozenset())
    foreign = (set(actions) & ALL_OPERATOR_ACTIONS) - own
    if foreign:
        problems.append(_("These actions belong to another operator role: %s") % ", ".join(sorted(foreign)))
    return problems


@dataclass(frozen=True)
class BuiltinRole:
    code: str
    name: str
    kind: str
    actions: tuple[str, ...]
    description: str = ""


BUILTIN_ROLES: tuple[BuiltinRole, ...] = (
    BuiltinRole(
        "system_admin",
        "系统管理员",
        RoleKind.SYSTEM_ADMIN,
        (
            "core.organization.view",
            "core.organization.add",
            "core.organization.change",
            "core.organization.close",
            "core.user.view",
            "core.user.view_personal",
            "core.user.add",
            "core.user.change",
            "core.user.deactivate",
            "core.membership.view",
            "core.membership.add",
            "core.calendarday.change",
        ),
        "Manages units, accounts and the work calendar; cannot grant roles or read the audit log.",
    ),
    BuiltinRole(
        "security_admin",
        "安全管理员",
        RoleKind.SECURITY_ADMIN,
        (
            "core.organization.view",
            "core.user.view",
            "core.membership.view",
            "core.grant.view",
            "core.grant.add",
            "core.grant.revoke",
            "core.role.view",
            "core.role.change",
        ),
        "Grants and revokes roles inside its scope; cannot create accounts or read the audit log.",
    ),
    BuiltinRole(
        "auditor",
        "审计员",
        RoleKind.AUDITOR,
        ("core.auditentry.view", "core.auditentry.export"),
        "Reads, searches and exports the audit log, and nothing else.",
    ),
    BuiltinRole(
        "bureau_leader",
        "局领导",
        RoleKind.BUSINESS,
        ("core.organization.view", "core.user.view", "core.user.view_personal", "core.membership.view"),
        "Leader of a bureau: sees its units and people.",
    ),
    BuiltinRole(
        "bureau_staff",
        "机关工作人员",
        RoleKind.BUSINESS,
        ("core.organization.view", "core.user.view", "core.membership.view"),
        "Staff of a bureau or department.",
    ),
    BuiltinRole(
        "registrar",
        "学籍管理员",
        RoleKind.BUSINESS,
        ("core.organization.view",),
        "Keeps student records of the units in scope.",
    ),
    BuiltinRole(
        "school_admin",
        "学校管理员",
        RoleKind.BUSINESS,
        ("core.organization.view", "core.user.view", "core.membership.view"),
        "Runs a school's office work.",
    ),
    BuiltinRole("teacher", "教师", RoleKind.BUSINESS, ("core.organization.view",), "A teacher."),
    BuiltinRole(
        "office_clerk",
        "办公室文秘",
        RoleKind.BUSINESS,
        ("core.organization.view", "core.user.view", "core.membership.view"),
        "Runs a bureau's document office: reviews drafts, numbers, dispatches and registers documents.",
    ),
    BuiltinRole(
        "department_head",
        "处室负责人",
        RoleKind.BUSINESS,
        ("core.organization.view", "core.user.view", "core.membership.view"),
        "Heads a department: countersigns and handles documents for it.",
    ),
    BuiltinRole(
        "archivist",
        "档案管理员",
        RoleKind.BUSINESS,
        ("core.organization.view",),
        "Keeps the archive catalogue and lends records.",
    ),
    BuiltinRole(
        "process_admin",
        "流程管理员",
        RoleKind.BUSINESS,
        ("core.organization.view",),
        "Uploads new versions of the business processes (BPMN).",
    ),
    BuiltinRole(
        "site_editor",
        "网站编辑",
        RoleKind.BUSINESS,
        ("core.organization.view",),
        "Writes pages and news on the unit's portal site and submits them for review.",
    ),
    BuiltinRole(
        "site_reviewer",
        "网站审核员",
        RoleKind.BUSINESS,
        ("core.organization.view",),
        "Reviews and publishes pages on the unit's portal site (审核发布).",
    ),
    BuiltinRole(
        "site_admin",
        "网站管理员",
        RoleKind.BUSINESS,
        ("core.organization.view", "core.user.view"),
        "Sets up the unit's portal site and those below it: review steps, syndication, editors.",
    ),
    BuiltinRole(
        "case_handler",
        "政务服务办理人员",
        RoleKind.BUSINESS,
        ("core.organization.view",),
        "Handles disclosure requests, mailbox letters and complaints of the unit.",
    ),
    BuiltinRole(
        "case_supervisor",
        "政务公开工作机构负责人",
        RoleKind.BUSINESS,
        ("core.organization.view", "core.user.view"),
        "Routes citizens' cases, approves extensions and decides on closing.",
    ),
)


# Actions other apps add to built-in business roles (core knows no app above it).
_ROLE_EXTENSIONS: dict[str, list[str]] = {}


def extend_builtin_role(code: str, actions: list[str] | tuple[str, ...]) -> None:
    """Let an app give a built-in business role the actions of its own models."""
    spec = next((r for r in BUILTIN_ROLES if r.code == code), None)
    if spec is None or spec.kind != RoleKind.BUSINESS:
        raise ValueError(f"{code} is not a built-in business role")
    current = _ROLE_EXTENSIONS.setdefault(code, [])
    current.extend(a for a in actions if a not in current)


def builtin_role_actions(spec: BuiltinRole) -> list[str]:
    return [*spec.actions, *(a for a in _ROLE_EXTENSIONS.get(spec.code, []) if a not in spec.actions)]


def sync_builtin_roles(*, using: str = "default") -> None:
    """Create or refresh the built-in roles (their actions are owned by the code)."""
    from edugov.core.models import Role

    for spec in BUILTIN_ROLES:
        Role.objects.using(using).update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "actions": builtin_role_actions(spec),
                "description": spec.description,
                "is_builtin": True,
            },
        )
