"""Granting and revoking roles, with the rules that keep 三员 apart.

A refused grant is audited in its own transaction before the error is raised, so the
refusal survives the caller's rollback.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edugov.core.audit import AuditEvent, log_event
from edugov.core.choices import RoleKind
from edugov.core.error_codes import GrantErrorCode
from edugov.core.models import Grant, Organization, Role, User
from edugov.core.permissions.scopes import clear_grant_cache, has_permission

REFUSAL_MESSAGES = {
    GrantErrorCode.OUT_OF_SCOPE: _("You may only grant roles on units inside your own scope."),
    GrantErrorCode.SELF_GRANT: _(
        "Nobody may grant a role to themselves; ask another security administrator."
    ),
    GrantErrorCode.OPERATOR_CONFLICT: _(
        "System administrator, security administrator and auditor are separate duties: "
        "this person already holds a different one."
    ),
    GrantErrorCode.AUDITOR_EXCLUSIVE: _("An auditor holds the auditor role and nothing else."),
    GrantErrorCode.DUPLICATE: _("This grant already exists."),
    GrantErrorCode.NO_GRANTEE: _("Choose a user or a group to grant the role to."),
}


class GrantRefused(ValidationError):
    def __init__(self, code: GrantErrorCode) -> None:
        super().__init__(REFUSAL_MESSAGES[code], code=str(code))
        self.error_code = code


def _holder_grants(user: User | None, group: Group | None) -> list[Grant]:
    """Grants the grantee already holds, directly or through groups.

    For a group, that is every grant any of its members holds: a role granted to the
    group reaches each of them.
    """
    qs = Grant.objects.active().select_related("role")
    if user is not None:
        return list(qs.filter(Q(user=user) | Q(group__in=user.groups.all())))
    members = User.objects.filter(groups=group)
    return list(qs.filter(Q(group=group) | Q(user__in=members) | Q(group__user__in=members)).distinct())


def grant_refusal(
    *,
    acting_user: User,
    user: User | None,
    group: Group | None,
    role: Role,
    organization: Organization,
    include_descendants: bool,
) -> GrantErrorCode | None:
    """Why ``acting_user`` may not make this grant, or None when they may."""
    if (user is None) == (group is None):
        return GrantErrorCode.NO_GRANTEE
    if not has_permission(acting_user, "core.grant.add", organization):
        return GrantErrorCode.OUT_OF_SCOPE
    if user is not None and user.pk == acting_user.pk:
        return GrantErrorCode.SELF_GRANT
    if group is not None and acting_user.groups.filter(pk=group.pk).exists():
        return GrantErrorCode.SELF_GRANT
    existing = _holder_grants(user, group)
    kinds = {g.role.kind for g in existing}
    if RoleKind.AUDITOR in kinds or (role.kind == RoleKind.AUDITOR and existing):
        if not (kinds == {RoleKind.AUDITOR} and role.kind == RoleKind.AUDITOR):
            return GrantErrorCode.AUDITOR_EXCLUSIVE
    operator_kinds = kinds - {RoleKind.BUSINESS}
    if role.kind != RoleKind.BUSINESS and operator_kinds - {role.kind}:
        return GrantErrorCode.OPERATOR_CONFLICT
    if any(
        g.role_id == role.pk
        and g.organization_id == organization.pk
        and g.include_descendants == include_descendants
        for g in existing
    ):
        return GrantErrorCode.DUPLICATE
    return None


def do_create_grant(
    *,
    role: Role,
    organization: Organization,
    acting_user: User,
    user: User | None = None,
    group: Group | None = None,
    include_descendants: bool = True,
) -> Grant:
    refusal = grant_refusal(
        acting_user=acting_user,
        user=user,
        group=group,
        role=role,
        organization=organization,
        include_descendants=include_descendants,
    )
    if refusal is not None:
        log_event(
            AuditEvent.GRANT_REFUSED,
            acting_user=acting_user,
            organization=organization,
            success=False,
            extra=_grant_summary(user, group, role, organization, include_descendants) | {"reason": refusal},
        )
        raise GrantRefused(refusal)
    with transaction.atomic():
        grant = Grant.objects.create(
            user=user,
            group=group,
            role=role,
            organization=organization,
            include_descendants=include_descendants,
            granted_by=acting_user,
        )
        log_event(
            AuditEvent.GRANT_CREATED,
            acting_user=acting_user,
            target=grant,
            organization=organization,
            extra=_grant_summary(user, group, role, organization, include_descendants),
        )
    if user is not None:
        clear_grant_cache(user)
    return grant


def do_revoke_grant(grant: Grant, *, acting_user: User, reason: str = "") -> Grant:
    if not has_permission(acting_user, "core.grant.revoke", grant.organization):
        log_event(
            AuditEvent.GRANT_REFUSED,
            acting_user=acting_user,
            target=grant,
            success=False,
            extra={"action": "revoke", "reason": GrantErrorCode.OUT_OF_SCOPE},
        )
        raise GrantRefused(GrantErrorCode.OUT_OF_SCOPE)
    with transaction.atomic():
        locked = Grant.objects.select_for_update().get(pk=grant.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_by = acting_user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        log_event(
            AuditEvent.GRANT_REVOKED,
            acting_user=acting_user,
            target=locked,
            reason=reason,
            extra=_grant_summary(
                locked.user, locked.group, locked.role, locked.organization, locked.include_descendants
            ),
        )
    return locked


def _grant_summary(
    user: User | None, group: Group | None, role: Role, organization: Organization, include_descendants: bool
) -> dict[str, Any]:
    return {
        "grantee_user_id": user.pk if user else None,
        "grantee_group_id": group.pk if group else None,
        "role": role.code,
        "organization_id": organization.pk,
        "include_descendants": include_descendants,
    }
