"""Restrict-by-default querysets: every read a user makes is scoped by their grants.

A model opts in by using ``RestrictedQuerySet.as_manager()`` (or a subclass) and by
naming, in ``scope_field``, the path from the model to the organisation that owns a
row ("" when the model *is* an organisation). ``restrict(user, action)`` then keeps
only rows whose owning organisation lies inside one of the user's grants for
``<app_label>.<model_name>.<action>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from edugov.core.models import User


def permission_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}.{action}"


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: User | AnonymousUser | None, action: str = "view") -> Self:
        # Imported here: platform must not import domain code at module load.
        from edugov.core.permissions.scopes import scope_q

        scope_field = getattr(self.model, "scope_field", None)
        if scope_field is None:
            raise TypeError(f"{self.model.__name__} does not declare scope_field")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        q = scope_q(user, permission_name(self.model, action), field=scope_field)  # type: ignore[arg-type]
        if q is None:
            return self.none()
        if getattr(self.model, "scope_is_many", False):
            # The scope runs through a to-many relation: filter by id to avoid duplicate rows.
            return self.filter(pk__in=self.model._default_manager.filter(q).values("pk"))
        return self.filter(q)
