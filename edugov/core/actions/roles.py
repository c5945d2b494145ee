from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edugov.core.audit import AuditEvent, log_event
from edugov.core.choices import RoleKind
from edugov.core.error_codes import RoleErrorCode
from edugov.core.models import Role, User
from edugov.core.roles import role_action_problems


@transaction.atomic
def do_save_role(
    *,
    acting_user: User,
    code: str,
    name: str,
    actions: list[str],
    description: str = "",
    role: Role | None = None,
) -> Role:
    """Create or edit a business role. Built-in and operator roles are owned by the code."""
    if role is not None and (role.is_builtin or role.kind != RoleKind.BUSINESS):
        raise ValidationError(_("Built-in roles cannot be edited."), code=RoleErrorCode.BUILTIN)
    problems = role_action_problems(RoleKind.BUSINESS, actions)
    if problems:
        raise ValidationError([str(p) for p in problems], code=RoleErrorCode.INVALID_ACTIONS)
    old_actions = sorted(role.actions) if role else []
    if role is None:
        role = Role.objects.create(code=code, name=name, description=description, actions=sorted(actions))
    else:
        role.name, role.description, role.actions = name, description, sorted(actions)
        role.save(update_fields=["name", "description", "actions", "updated_at"])
    log_event(
        AuditEvent.ROLE_CHANGED,
        acting_user=acting_user,
        target=role,
        changes={"actions": [old_actions, sorted(actions)]},
    )
    return role
