"""Who may act on a task: lanes resolved to people (see ``engine`` for the rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone

from edugov.office.workflow.definitions import STARTER_LANE


def _holds(role: Any, lane: str) -> bool:
    if "." in lane:
        return role.allows(lane)
    return role.code == lane


def _chain(unit: Any) -> list[Any]:
    """The unit, then its parent, … up to the root."""
    return [unit, *reversed(list(unit.get_ancestors()))]


def lane_holders(lane: str, unit: Any) -> list[Any]:
    """Active users holding the lane at the nearest unit from ``unit`` upwards.

    A grant on ``unit`` itself counts whether or not it covers the units below; a grant on
    an ancestor only when it does (``include_descendants``), as it must cover ``unit``.
    """
    from edugov.core.models import Grant, User

    chain = _chain(unit)
    grants = (
        Grant.objects.active()
        .filter(organization__in=[u.pk for u in chain])
        .select_related("role")
        .only("user_id", "group_id", "organization_id", "include_descendants", "role__code", "role__actions")
    )
    by_unit: dict[int, list[Any]] = {}
    for grant in grants:
        if _holds(grant.role, lane):
            by_unit.setdefault(grant.organization_id, []).append(grant)
    for position, org in enumerate(chain):
        found = [g for g in by_unit.get(org.pk, []) if position == 0 or g.include_descendants]
        if not found:
            continue
        user_ids = {g.user_id for g in found if g.user_id}
        group_ids = {g.group_id for g in found if g.group_id}
        users = list(
            User.objects.filter(Q(pk__in=user_ids) | Q(groups__in=group_ids), is_active=True)
            .distinct()
            .order_by("pk")
        )
        if users:
            return users
    return []


def delegates_of(users: Iterable[Any], *, today: dt.date | None = None) -> list[tuple[Any, Any]]:
    """(delegate, on_behalf_of) for every active delegation of the given users today."""
    from edugov.office.models import Delegation

    by_id = {u.pk: u for u in users}
    if not by_id:
        return []
    today = today or timezone.localdate()
    rows = (
        Delegation.objects.filter(
            user_id__in=list(by_id),
            starts_on__lte=today,
            ends_on__gte=today,
            revoked_at__isnull=True,
            delegate__is_active=True,
        )
        .select_related("delegate")
        .order_by("pk")
    )
    return [(row.delegate, by_id[row.user_id]) for row in rows]


def candidate_pairs(
    lane: str,
    unit: Any,
    *,
    data: Mapping[str, Any] | None = None,
    starter: Any = None,
    spec_name: str = "",
) -> tuple[list[tuple[Any, Any]], Any]:
    """([(user, on_behalf_of or None)], assignee or None) for a task in ``lane`` at ``unit``."""
    from edugov.core.models import User

    data = data or {}
    assignee = None
    assignees = data.get("assignees")
    chosen = assignees.get(spec_name) if spec_name and isinstance(assignees, Mapping) else None
    if chosen:
        assignee = User.objects.filter(pk=_int(chosen), is_active=True).first()
        holders = [assignee] if assignee else []
    elif lane == STARTER_LANE:
        assignee = starter if starter is not None and starter.is_active else None
        holders = [assignee] if assignee else []
    else:
        holders = lane_holders(lane, unit)
    pairs: list[tuple[Any, Any]] = [(user, None) for user in holders]
    seen = {user.pk for user in holders}
    for delegate, principal in delegates_of(holders):
        if delegate.pk not in seen:
            seen.add(delegate.pk)
            pairs.append((delegate, principal))
    return pairs, assignee


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
