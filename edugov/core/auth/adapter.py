from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

# Where a citizen (a portal real-name account, no unit membership) lands after signing in.
CITIZEN_HOME = "portal_public:account"


def is_citizen_account(user: Any) -> bool:
    """A citizen's account: it has a portal citizen profile and belongs to no unit."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return hasattr(user, "citizen") and not user.memberships.exists()


class AccountAdapter(DefaultAccountAdapter):
    """Staff accounts are opened by administrators; citizens register on the portal (real name)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if is_citizen_account(request.user):
            return reverse(CITIZEN_HOME)
        return super().get_login_redirect_url(request)


def user_display(user: Any) -> str:
    return user.real_name or user.username
