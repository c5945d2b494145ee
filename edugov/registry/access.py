"""The only way views and the API fetch registry records by id for a user.

"Missing" and "not allowed" raise the same Http404, so an id outside the caller's scope
reveals nothing. The action names the permission (``registry.<model>.<action>``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from edugov.registry.models import (
    Asset,
    Building,
    Enrolment,
    FinanceRecord,
    ImportJob,
    SchoolProfile,
    StaffMember,
    Student,
    Transfer,
)


def _access(model: type[models.Model], user: Any, pk: Any, action: str, message: str, related=()) -> Any:
    try:
        qs = model.objects.restrict(user, action)
        if related:
            qs = qs.select_related(*related)
        return qs.get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None


def access_student(user: Any, student_id: Any, *, action: str = "view") -> Student:
    return _access(Student, user, student_id, action, _("Student not found."))


def access_enrolment(user: Any, enrolment_id: Any, *, action: str = "view") -> Enrolment:
    """Enrolments are checked against ``registry.student.<action>`` at their school."""
    from edugov.core.permissions.scopes import scope_q

    q = scope_q(user, f"registry.student.{action}", field="school") if user.is_authenticated else None
    try:
        if q is None:
            raise Enrolment.DoesNotExist
        return Enrolment.objects.filter(q).select_related("student", "school").get(pk=int(enrolment_id))
    except (Enrolment.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Enrolment not found.")) from None


def access_staff_member(user: Any, staff_id: Any, *, action: str = "view") -> StaffMember:
    return _access(StaffMember, user, staff_id, action, _("Staff member not found."), ("organization",))


def access_building(user: Any, building_id: Any, *, action: str = "view") -> Building:
    return _access(Building, user, building_id, action, _("Building not found."), ("organization",))


def access_asset(user: Any, asset_id: Any, *, action: str = "view") -> Asset:
    return _access(Asset, user, asset_id, action, _("Asset not found."), ("organization",))


def access_finance_record(user: Any, record_id: Any, *, action: str = "view") -> FinanceRecord:
    return _access(FinanceRecord, user, record_id, action, _("Finance record not found."), ("organization",))


def access_school_profile(user: Any, organization_id: Any, *, action: str = "view") -> SchoolProfile:
    return _access(SchoolProfile, user, organization_id, action, _("School not found."), ("organization",))


def access_transfer(user: Any, transfer_id: Any, *, action: str = "view") -> Transfer:
    return _access(
        Transfer,
        user,
        transfer_id,
        action,
        _("Transfer not found."),
        ("student", "from_school", "to_school"),
    )


def access_import_job(user: Any, job_id: Any, *, action: str = "view") -> ImportJob:
    """Import jobs are visible in the scope of `registry.importjob.<action>` on their unit."""
    return _access(ImportJob, user, job_id, action, _("Import job not found."), ("organization",))
