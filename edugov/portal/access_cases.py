"""Reads by id of citizen cases for staff, any kind (disclosure requests, letters).

``Http404`` answers both "missing" and "not allowed": a unit's staff never learn whether
another unit's case exists. The action is checked on the case's handling unit (or an
ancestor holding a grant that covers it): ``view``, ``handle``, ``route`` or ``approve``.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from edugov.portal.models import Case


def access_case(user: Any, case_id: Any, *, action: str = "view", kind: str | None = None) -> Case:
    """The case ``case_id`` if ``user`` holds ``portal.case.<action>`` over its handling unit.

    ``kind`` (a ``CaseKind``) narrows to one kind: a letter's id on a disclosure page is a 404.
    """
    try:
        queryset = Case.objects.restrict(user, action).select_related("handling_unit", "site", "requester")
        if kind is not None:
            queryset = queryset.filter(kind=kind)
        return queryset.get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Case not found.")) from None


def access_own_case(user: Any, token: Any) -> Case:
    """A case by its status-page token, only for the signed-in requester who owns it."""
    if user is None or not user.is_authenticated or not isinstance(token, str):
        raise Http404(_("Case not found."))
    try:
        return Case.objects.select_related("handling_unit", "site").get(  # scoped: requester=user
            tracking_token=token, requester=user
        )
    except Case.DoesNotExist:
        raise Http404(_("Case not found.")) from None
