"""Accounts and memberships. Personal data stays out of audit entries: ids only."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edugov.core.audit import AuditEvent, log_event
from edugov.core.models import Membership, Organization, User

PERSONAL_FIELDS = ("phone", "email")


def generate_initial_password(length: int = 14) -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = (
            "".join(secrets.choice(alphabet) for _ in range(length - 2)) + "#" + secrets.choice("23456789")
        )
        if any(c.islower() for c in candidate) and any(c.isupper() for c in candidate):
            return candidate


@transaction.atomic
def do_create_user(
    *,
    username: str,
    real_name: str,
    organization: Organization,
    acting_user: User | None,
    position: str = "",
    phone: str = "",
    email: str = "",
    password: str | None = None,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            _("The user name %(username)s is taken."), code="username_taken", params={"username": username}
        )
    user = User(username=username, real_name=real_name, phone=phone, email=email)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, organization=organization, position=position, is_primary=True)
    log_event(
        AuditEvent.USER_CREATED,
        acting_user=acting_user,
        target=user,
        organization=organization,
        extra={"position": position},
    )
    return user


@transaction.atomic
def do_add_membership(
    user: User, *, organization: Organization, position: str, acting_user: User | None
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"position": position}
    )
    if created:
        log_event(
            AuditEvent.MEMBERSHIP_ADDED,
            acting_user=acting_user,
            target=user,
            organization=organization,
            extra={"position": position},
        )
    return membership


@transaction.atomic
def do_change_user(user: User, *, acting_user: User, **changes: str) -> User:
    allowed = {"real_name", "phone", "email"}
    if set(changes) - allowed:
        raise ValueError(f"not editable here: {sorted(set(changes) - allowed)}")
    locked = User.objects.select_for_update().get(pk=user.pk)
    changed = [f for f, v in changes.items() if getattr(locked, f) != v]
    for field in changed:
        setattr(locked, field, changes[field])
    if changed:
        locked.save(update_fields=changed)
        # Which fields changed, not their values: phone and email are personal data.
        log_event(AuditEvent.USER_CHANGED, acting_user=acting_user, target=locked, extra={"fields": changed})
    return locked


@transaction.atomic
def do_set_user_active(user: User, *, is_active: bool, acting_user: User, reason: str = "") -> User:
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active != is_active:
        locked.is_active = is_active
        locked.save(update_fields=["is_active"])
        event = AuditEvent.USER_CHANGED if is_active else AuditEvent.USER_DEACTIVATED
        log_event(
            event,
            acting_user=acting_user,
            target=locked,
            reason=reason,
            changes={"is_active": [not is_active, is_active]},
        )
    return locked


@transaction.atomic
def do_reset_user_password(user: User, *, acting_user: User) -> str:
    """An administrator issues a new one-time password; the account must change it."""
    password = generate_initial_password()
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.set_password(password)
    locked.password_must_change = True
    locked.save(update_fields=["password", "password_must_change"])
    log_event(AuditEvent.PASSWORD_RESET, acting_user=acting_user, target=locked, extra={"by_admin": True})
    return password


def do_view_personal_data(
    subject: User, *, acting_user: User, fields: tuple[str, ...] = PERSONAL_FIELDS
) -> dict[str, str]:
    """Return personal data in full; every call leaves an audit entry."""
    with transaction.atomic():
        log_event(
            AuditEvent.PERSONAL_DATA_VIEWED,
            acting_user=acting_user,
            target=subject,
            extra={"fields": list(fields)},
        )
    return {field: getattr(subject, field) for field in fields}
