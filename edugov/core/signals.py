"""Framework plumbing only: turn authentication signals into audit entries."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from edugov.core.audit import AuditEvent, log_event


@receiver(auth_signals.user_logged_in, dispatch_uid="edugov_audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log_event(AuditEvent.LOGIN, acting_user=user, target=user)


@receiver(auth_signals.user_logged_out, dispatch_uid="edugov_audit_logout")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        log_event(AuditEvent.LOGOUT, acting_user=user, target=user)


@receiver(auth_signals.user_login_failed, dispatch_uid="edugov_audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The submitted name is recorded as typed; whether such an account exists is not.
    username = str(credentials.get("username") or credentials.get("login") or "")[:64]
    log_event(AuditEvent.LOGIN_FAILED, acting_user=None, username=username, success=False)


@receiver(user_locked_out, dispatch_uid="edugov_audit_locked_out")
def audit_locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    log_event(AuditEvent.LOCKED_OUT, acting_user=None, username=(username or "")[:64], success=False)


@receiver(account_signals.password_changed, dispatch_uid="edugov_audit_password_changed")
def audit_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _clear_password_must_change(user)
    log_event(AuditEvent.PASSWORD_CHANGED, acting_user=user, target=user)


def _clear_password_must_change(user: Any) -> None:
    if user.password_must_change:
        user.password_must_change = False
        user.save(update_fields=["password_must_change"])


@receiver(account_signals.password_reset, dispatch_uid="edugov_audit_password_reset")
def audit_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _clear_password_must_change(user)
    log_event(AuditEvent.PASSWORD_RESET, acting_user=user, target=user)


@receiver(mfa_signals.authenticator_added, dispatch_uid="edugov_audit_mfa_added")
def audit_mfa_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    log_event(AuditEvent.MFA_ENABLED, acting_user=user, target=user, extra={"type": authenticator.type})


@receiver(mfa_signals.authenticator_removed, dispatch_uid="edugov_audit_mfa_removed")
def audit_mfa_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    log_event(AuditEvent.MFA_DISABLED, acting_user=user, target=user, extra={"type": authenticator.type})


@receiver(mfa_signals.authentication_failed, dispatch_uid="edugov_audit_mfa_failed")
def audit_mfa_failed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    log_event(
        AuditEvent.LOGIN_FAILED,
        acting_user=None,
        username=user.get_username(),
        success=False,
        extra={"step": "mfa"},
    )
