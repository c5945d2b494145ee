"""What the list, detail, form and export views of a unit's records share.

The areas (staff, buildings, assets, finance, school profiles) live in their own modules
next to this one. Lists are scoped with ``restrict(user, action)``, filtered from GET
parameters (bad values are ignored), paged by 50 and run the same number of queries
whatever the page holds: related rows come with ``select_related`` and code names from
the cached code tables.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from edugov.core.access import units_with_permission
from edugov.core.permissions.scopes import has_permission
from edugov.registry.errors import RegistryError

PAGE_SIZE = 50


def require_somewhere(user: Any, permission: str, message: str) -> None:
    """Lists answer 404, like a missing page, to someone with no grant for them anywhere."""
    if not has_permission(user, permission):
        raise Http404(message)


def filter_units(user: Any, permission: str) -> QuerySet:
    """Units a list can be narrowed to: every unit in the user's scope for ``permission``."""
    return units_with_permission(user, permission).order_by("path")


def in_subtree(queryset: QuerySet, unit: Any, field: str = "organization") -> QuerySet:
    if unit is None:
        return queryset
    prefix = f"{field}__" if field else ""
    return queryset.filter(**{f"{prefix}path__startswith": unit.path})


def paginate(request: HttpRequest, queryset: QuerySet) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def add_units(user: Any, permission: str, message: str) -> QuerySet:
    """Units the user may add records to (404 when none)."""
    units = units_with_permission(user, permission).order_by("path")
    if not units.exists():
        raise Http404(message)
    return units


def save_or_errors(form: Any, write: Any) -> Any:
    """Run the action ``write()``; put its refusal on the form and return None instead."""
    try:
        return write()
    except ValidationError as error:
        form.apply_errors(error)
    except (PermissionDenied, RegistryError) as refusal:
        form.add_error(None, str(refusal))
    return None


def export_filters(form: Any) -> dict[str, Any]:
    """The filters of an export, as plain values for the audit entry."""
    result = {}
    for name in ("q", "unit", "kind", "status", "year"):
        value = form.value(name)
        if value not in (None, ""):
            result[name] = getattr(value, "pk", value)
    return result
