from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are opened by administrators (real-name registration), never by sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


def user_display(user: Any) -> str:
    return user.real_name or user.username
