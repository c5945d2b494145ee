"""Where a user may do an action: the units of their grants, inherited downward.

A grant on a county bureau with ``include_descendants`` covers the bureau, its
departments and every school below it. The scopes of one user are computed once per
request (cached on the user object) from a single query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from edugov.core.models import Organization, User

_CACHE_ATTR = "_edugov_grant_cache"


@dataclass(frozen=True)
class ScopeEntry:
    organization_id: int
    path: str
    include_descendants: bool
    role_code: str
    role_kind: str
    actions: tuple[str, ...]

    def allows(self, permission: str) -> bool:
        app_model = permission.rsplit(".", 1)[0]
        return permission in self.actions or f"{app_model}.*" in self.actions

    def covers(self, org: Organization) -> bool:
        if self.include_descendants:
            return org.path.startswith(self.path)
        return org.pk == self.organization_id


def user_grants(user: User) -> list[ScopeEntry]:
    """Every active grant the user holds directly or through a group."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from edugov.core.models import Grant

    rows = (
        Grant.objects.active()
        .filter(Q(user=user) | Q(group__in=user.groups.all()))
        .select_related("role", "organization")
        .only(
            "include_descendants",
            "organization__id",
            "organization__path",
            "role__code",
            "role__kind",
            "role__actions",
        )
    )
    entries = [
        ScopeEntry(
            organization_id=g.organization.pk,
            path=g.organization.path,
            include_descendants=g.include_descendants,
            role_code=g.role.code,
            role_kind=g.role.kind,
            actions=tuple(g.role.actions),
        )
        for g in rows
    ]
    setattr(user, _CACHE_ATTR, entries)
    return entries


def clear_grant_cache(user: User) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def entries_for(user: User, permission: str) -> list[ScopeEntry]:
    if not user.is_authenticated or not user.is_active:
        return []
    return [e for e in user_grants(user) if e.allows(permission)]


def scope_q(user: User, permission: str, *, field: str) -> Q | None:
    """A filter selecting rows whose owning unit is in the user's scope, or None for nothing."""
    entries = entries_for(user, permission)
    if not entries:
        return None
    prefix = f"{field}__" if field else ""
    q = Q()
    exact_ids = [e.organization_id for e in entries if not e.include_descendants]
    paths = _minimal_paths([e.path for e in entries if e.include_descendants])
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    if exact_ids:
        q |= Q(**{f"{prefix}pk__in": exact_ids})
    return q


def _minimal_paths(paths: list[str]) -> list[str]:
    """Drop paths already covered by a shorter one, so the filter stays small."""
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def has_permission(user: User, permission: str, organization: Organization | None = None) -> bool:
    """Whether the user may do ``permission`` on ``organization`` (or anywhere, if None)."""
    entries = entries_for(user, permission)
    if organization is None:
        return bool(entries)
    return any(e.covers(organization) for e in entries)


def own_unit_ids(user: User | None, unit: Organization | None, permission: str) -> set[int]:
    """The units a to-do list hands this user's work from: the units of their ``permission``
    grants themselves (not every unit below them) and the unit they work for now."""
    if user is None or not user.is_authenticated:
        return set()
    ids = {entry.organization_id for entry in entries_for(user, permission)}
    if unit is not None and has_permission(user, permission, unit):
        ids.add(unit.pk)
    return ids


def role_kinds(user: User) -> set[str]:
    if not user.is_authenticated:
        return set()
    return {e.role_kind for e in user_grants(user)}


def role_codes(user: User) -> set[str]:
    if not user.is_authenticated:
        return set()
    return {e.role_code for e in user_grants(user)}


def has_root_permission(user: User, permission: str) -> bool:
    """Whether the user holds ``permission`` over a whole tree (a root unit and everything below).

    Data that is not owned by one unit (role definitions, the national work calendar)
    may only be changed from the top of the tree, never from a county.
    """
    from edugov.core.models import Organization

    return any(
        e.include_descendants and len(e.path) == Organization.steplen for e in entries_for(user, permission)
    )
