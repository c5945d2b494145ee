"""Creating, editing and closing units of the organisation tree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edugov.core.audit import AuditEvent, log_event
from edugov.core.choices import OrganizationKind
from edugov.core.error_codes import OrganizationErrorCode
from edugov.core.models import Organization, Region, SchoolCode, User
from edugov.core.validators import validate_code, validate_credit_code, validate_school_code

EDITABLE_FIELDS = ("name", "short_name", "region", "school_type", "school_sponsor", "credit_code")


def _check_school_code(code: str) -> str:
    code = validate_school_code(code)
    if SchoolCode.objects.filter(code=code).exists():
        raise ValidationError(
            _("School code %(code)s has already been assigned to a school and is never reused."),
            code=OrganizationErrorCode.SCHOOL_CODE_TAKEN,
            params={"code": code},
        )
    return code


@transaction.atomic
def do_create_organization(
    *,
    parent: Organization | None,
    name: str,
    kind: str,
    level: str,
    region: Region,
    acting_user: User | None,
    short_name: str = "",
    school_code: str | None = None,
    school_type: str = "",
    school_sponsor: str = "",
    credit_code: str | None = None,
    assigned_on: dt.date | None = None,
) -> Organization:
    fields: dict[str, Any] = {
        "name": name,
        "short_name": short_name,
        "kind": kind,
        "level": level,
        "region": region,
        "school_type": school_type,
        "school_sponsor": school_sponsor,
        "credit_code": validate_credit_code(credit_code) if credit_code else None,
    }
    if school_type:
        validate_code("school_type", school_type, field_label=_("School type (JY/T)"))
    if school_sponsor:
        validate_code("school_sponsor", school_sponsor, field_label=_("Sponsorship (办别)"))
    if kind == OrganizationKind.SCHOOL:
        if not school_code:
            raise ValidationError(
                _("A school needs its 10-digit school code."), code=OrganizationErrorCode.SCHOOL_CODE_REQUIRED
            )
        fields["school_code"] = _check_school_code(school_code)
    elif school_code:
        raise ValidationError(_("Only schools carry a school code."), code=OrganizationErrorCode.NOT_A_SCHOOL)
    if parent is not None and parent.kind == OrganizationKind.SCHOOL and kind != OrganizationKind.DEPARTMENT:
        raise ValidationError(
            _("Only departments can be placed inside a school."), code=OrganizationErrorCode.INVALID_PARENT
        )
    if parent is None:
        org = Organization.add_root(**fields)
    else:
        org = parent.add_child(**fields)
    if org.school_code:
        SchoolCode.objects.create(
            code=org.school_code, organization=org, assigned_on=assigned_on or timezone.localdate()
        )
    log_event(
        AuditEvent.ORG_CREATED,
        acting_user=acting_user,
        target=org,
        extra={"parent_id": parent.pk if parent else None, "kind": kind, "school_code": org.school_code},
    )
    return org


@transaction.atomic
def do_change_organization(org: Organization, *, acting_user: User, **changes: Any) -> Organization:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if changes.get("credit_code"):
        changes["credit_code"] = validate_credit_code(changes["credit_code"])
    elif "credit_code" in changes:
        changes["credit_code"] = None
    locked = Organization.objects.select_for_update().get(pk=org.pk)
    diff = {}
    for field, new in changes.items():
        old = getattr(locked, field)
        if old != new:
            diff[field] = [str(getattr(old, "pk", old)), str(getattr(new, "pk", new))]
            setattr(locked, field, new)
    if diff:
        locked.save(update_fields=[*diff, "updated_at"])
        log_event(AuditEvent.ORG_CHANGED, acting_user=acting_user, target=locked, changes=diff)
    return locked


@transaction.atomic
def do_close_organization(
    org: Organization, *, acting_user: User, closed_on: dt.date, reason: str
) -> Organization:
    """Close a unit. A school's code is retired and stays reserved forever."""
    locked = Organization.objects.select_for_update().get(pk=org.pk)
    if not locked.is_active:
        raise ValidationError(_("This unit is already closed."), code=OrganizationErrorCode.ALREADY_CLOSED)
    if Organization.objects.below(locked).filter(is_active=True).exists():
        raise ValidationError(
            _("Close or move the units below it first."), code=OrganizationErrorCode.HAS_ACTIVE_CHILDREN
        )
    locked.is_active = False
    locked.closed_on = closed_on
    locked.save(update_fields=["is_active", "closed_on", "updated_at"])
    SchoolCode.objects.filter(organization=locked, retired_on__isnull=True).update(
        retired_on=closed_on, retired_reason=reason[:200]
    )
    log_event(AuditEvent.ORG_CLOSED, acting_user=acting_user, target=locked, reason=reason)
    return locked


@transaction.atomic
def do_change_school_code(
    org: Organization, *, new_code: str, acting_user: User, reason: str
) -> Organization:
    """A school that changes category gets a new code; the old one is retired, never reused."""
    locked = Organization.objects.select_for_update().get(pk=org.pk)
    if not locked.is_school:
        raise ValidationError(_("Only schools carry a school code."), code=OrganizationErrorCode.NOT_A_SCHOOL)
    new_code = _check_school_code(new_code)
    today = timezone.localdate()
    SchoolCode.objects.filter(organization=locked, retired_on__isnull=True).update(
        retired_on=today, retired_reason=reason[:200]
    )
    old = locked.school_code
    locked.school_code = new_code
    locked.save(update_fields=["school_code", "updated_at"])
    SchoolCode.objects.create(code=new_code, organization=locked, assigned_on=today)
    log_event(
        AuditEvent.ORG_CHANGED,
        acting_user=acting_user,
        target=locked,
        reason=reason,
        changes={"school_code": [old, new_code]},
    )
    return locked
