from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject

from edugov.core.permissions.scopes import role_codes

UNIT_SESSION_KEY = "edugov_unit_id"


def _memberships(request: HttpRequest) -> list:  # type: ignore[type-arg]
    """The user's memberships with their units, loaded once per request."""
    user = request.user
    if not user.is_authenticated:
        return []
    return list(user.memberships.select_related("organization").order_by("-is_primary", "pk"))


def _current_unit(request: HttpRequest):  # type: ignore[no-untyped-def]
    memberships = request.unit_memberships  # type: ignore[attr-defined]
    if not memberships:
        return None
    chosen = request.session.get(UNIT_SESSION_KEY)
    for membership in memberships:
        if membership.organization_id == chosen:
            return membership.organization
    return memberships[0].organization


class CurrentUnitMiddleware:
    """``request.current_unit``: the unit a person in several units is working for now.

    ``request.unit_memberships`` holds the memberships it was chosen from (for the switcher).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.unit_memberships = SimpleLazyObject(lambda: _memberships(request))  # type: ignore[attr-defined]
        request.current_unit = SimpleLazyObject(lambda: _current_unit(request))  # type: ignore[attr-defined]
        return self.get_response(request)


def user_needs_mfa(user) -> bool:  # type: ignore[no-untyped-def]
    required = set(settings.EDUGOV_MFA_REQUIRED_ROLES)
    return bool(required & role_codes(user))


def user_has_mfa(user) -> bool:  # type: ignore[no-untyped-def]
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


class AccountPolicyMiddleware:
    """Send a signed-in user to ``redirect_to`` until they meet a policy.

    Paths under the account pages, static files and the language switch stay open so
    the user can fix what the policy asks for.
    """

    open_prefixes = ("/accounts/", "/static/", "/i18n/", "/healthz")
    redirect_to = ""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(self.open_prefixes) and self.violated(user):
            return redirect(self.redirect_to)
        return self.get_response(request)

    def violated(self, user) -> bool:  # type: ignore[no-untyped-def]
        raise NotImplementedError


class RequirePasswordChangeMiddleware(AccountPolicyMiddleware):
    """A one-time password issued by an administrator is replaced at the first sign-in."""

    redirect_to = "account_change_password"

    def violated(self, user) -> bool:  # type: ignore[no-untyped-def]
        return bool(getattr(user, "password_must_change", False))


class RequireMfaMiddleware(AccountPolicyMiddleware):
    """Holders of the roles that settings mark must set up a second factor first."""

    redirect_to = "mfa_activate_totp"

    def violated(self, user) -> bool:  # type: ignore[no-untyped-def]
        return user_needs_mfa(user) and not user_has_mfa(user)
