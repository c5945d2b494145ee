"""What every registry endpoint shares: scopes, error mapping, filters, unit lookup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from edugov.core.access import units_with_permission
from edugov.platform.api import ScopedViewSetMixin
from edugov.platform.api import source_ref as api_source_ref
from edugov.registry.errors import EnrolmentConflict, OwnershipRefused, RegistryError
from edugov.registry.identity import mask_student_number

READ_SCOPE = "registry:read"
WRITE_SCOPE = "registry:write"


class MaskedStudentNumberField(serializers.CharField):
    """A student number built on an ID number (G/J + 18 characters) carries the ID number:
    masked the same way, as the workspace lists do. L numbers are shown as they are.

    Point ``source`` at ``student_number_masked`` (stored masked, so nothing decrypts); a
    plain number given instead is masked here.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return mask_student_number(value)  # idempotent: a masked number stays as it is


class RegistryViewSetMixin(ScopedViewSetMixin):
    read_scope = READ_SCOPE
    write_scope = WRITE_SCOPE

    def source_ref(self) -> str:
        return api_source_ref(self.request)

    def domain_error_response(self, exc: Exception) -> Response | None:
        if isinstance(exc, OwnershipRefused):
            return Response({"detail": exc.message, "code": "ownership_refused"}, status=403)
        if isinstance(exc, EnrolmentConflict):
            return Response(conflict_body(exc), status=status.HTTP_409_CONFLICT)
        if isinstance(exc, RegistryError):
            return Response(
                {"detail": exc.message, "code": type(exc).__name__}, status=status.HTTP_409_CONFLICT
            )
        return None


def conflict_body(conflict: EnrolmentConflict) -> dict[str, Any]:
    """The 409 answer to enrolling someone already enrolled: it points to the transfer flow.

    It names the student number the caller already knows (G + the ID number they sent),
    never the existing record's id or details beyond the school named in the message.
    """
    from django.urls import reverse

    student = conflict.details["student"]
    same_school = bool(conflict.details.get("same_school"))
    body: dict[str, Any] = {
        "detail": conflict.message,
        "code": "enrolment_conflict",
        "same_school": same_school,
        "student_number": student.student_number,
    }
    if not same_school:
        body["transfer"] = {
            "method": "POST",
            "url": reverse("api:transfer-list"),
            "body": {"student_number": student.student_number},
        }
    return body


def unit_for(user: Any, unit_id: Any, permission: str, *, field: str) -> Any:
    """The active unit ``unit_id`` if the user holds ``permission`` there; else a field error."""
    try:
        unit = units_with_permission(user, permission).filter(pk=int(unit_id)).first()
    except (TypeError, ValueError):
        unit = None
    if unit is None:
        raise exceptions.ValidationError({field: [_("No unit with this id in which you may do this.")]})
    return unit


def parse_since(value: str) -> dt.datetime:
    """``updated_since``: an ISO date or date-time (local time when it has no offset)."""
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise exceptions.ValidationError(
                {
                    "updated_since": [
                        _("Give a date (2025-09-01) or a date and time (2025-09-01T08:00:00+08:00).")
                    ]
                }
            )
        parsed = dt.datetime.combine(day, dt.time.min)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def int_param(value: str, field: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise exceptions.ValidationError({field: [_("Give a whole number.")]}) from None
