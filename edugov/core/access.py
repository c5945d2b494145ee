"""The only way views fetch core objects by id for a user.

Each helper answers "missing" and "not allowed" with the same Http404, so an id
outside the caller's scope reveals nothing (not even that it exists).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from edugov.core.models import Grant, Organization, Role, User
from edugov.core.permissions.scopes import has_permission, has_root_permission, scope_q


def access_organization(user: Any, organization_id: Any, *, action: str = "view") -> Organization:
    try:
        return (
            Organization.objects.restrict(user, action).select_related("region").get(pk=int(organization_id))
        )
    except (Organization.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Unit not found.")) from None


def access_user(user: Any, user_id: Any, *, action: str = "view") -> User:
    try:
        return User.objects.restrict(user, action).get(pk=int(user_id))
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Account not found.")) from None


def access_grant(user: Any, grant_id: Any, *, action: str = "view") -> Grant:
    try:
        return (
            Grant.objects.restrict(user, action)
            .select_related("user", "group", "role", "organization", "granted_by", "revoked_by")
            .get(pk=int(grant_id))
        )
    except (Grant.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Grant not found.")) from None


def access_role(user: Any, role_id: Any, *, action: str = "view") -> Role:
    """Roles are shared by the whole node: view needs the action anywhere, change needs it at the root."""
    allowed = (
        has_permission(user, "core.role.view")
        if action == "view"
        else has_root_permission(user, f"core.role.{action}")
    )
    if not allowed:
        raise Http404(_("Role not found."))
    try:
        return Role.objects.get(pk=int(role_id))
    except (Role.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Role not found.")) from None


def units_with_permission(user: Any, permission: str) -> Any:
    """Active units where the user holds ``permission`` (e.g. "core.grant.add"), for form choices."""
    q = scope_q(user, permission, field="") if user.is_authenticated else None
    if q is None:
        return Organization.objects.none()
    return Organization.objects.filter(q, is_active=True).select_related("region")
