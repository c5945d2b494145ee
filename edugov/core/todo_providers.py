"""Core's own to-do providers."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.core.models import Grant, User
from edugov.core.permissions.scopes import has_permission
from edugov.core.todos import Todo, TodoProvider, register_todo_provider


@register_todo_provider
class AccountsWithoutRole(TodoProvider):
    """Security administrators: accounts in their scope that hold no role yet."""

    key = "core.accounts_without_role"
    title = gettext_lazy("Accounts waiting for a role")

    def _queryset(self, user: Any) -> Any:
        if not has_permission(user, "core.grant.add"):
            return User.objects.none()
        granted = Grant.objects.active().filter(user__isnull=False).values("user_id")
        return (
            User.objects.restrict(user, "view")
            .filter(is_active=True)
            .exclude(pk__in=granted)
            .exclude(pk=user.pk)
        )

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        return [
            Todo(
                title=_("Grant a role to %(name)s") % {"name": subject},
                url=reverse("workspace:grant_create") + f"?user={subject.username}",
            )
            for subject in self._queryset(user).order_by("date_joined")[:limit]
        ]

    def count(self, user: Any, unit: Any) -> int:
        return self._queryset(user).count()
