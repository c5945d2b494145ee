"""Transfers between schools (转学, DB-3): apply → approvals → completion moves the enrolment.

The receiving school applies. The sending school decides first, then the county
bureau(s) — one step when both schools share the county — and, when the move crosses
prefectures, the prefecture bureaus of both sides. Steps are sequential: only the first
undecided one is open, with a deadline in working days on the core work calendar.
Completion ends the sending enrolment (转出) and opens the receiving one (转入) in one
transaction, so the person never holds two active enrolments nor none in between.

Every decision locks the transfer row first (``select_for_update``), so two people
approving the same step at the same moment produce one decision and one completion.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.calendar import add_working_days
from edugov.core.choices import Jurisdiction, OrganizationKind, OrganizationLevel
from edugov.core.permissions.scopes import has_permission
from edugov.registry import codes
from edugov.registry.choices import EnrolmentState, Source, StepStatus, TransferStatus, TransferStepKind
from edugov.registry.errors import TransferRefused
from edugov.registry.events import RegistryEvent
from edugov.registry.lineage import record_change
from edugov.registry.models import Enrolment, StatusChange, Student, Transfer, TransferStep
from edugov.registry.ownership import bureau_of

logger = logging.getLogger("edugov.registry.transfers")

APPLY = "registry.transfer.apply"
APPROVE = "registry.transfer.approve"
TRANSFER_IN_KIND = "02"  # 转入 (status_change_kind)
TRANSFER_OUT_KIND = "03"  # 转出
TRANSFERRED_OUT_STATUS = "10"  # 转学(转出) (student_status)
IN_SCHOOL_STATUS = "01"  # 在读
DEFAULT_STEP_DAYS = 5


def step_days() -> int:
    return int(getattr(settings, "EDUGOV_TRANSFER_STEP_DAYS", DEFAULT_STEP_DAYS))


def jurisdiction_of(unit: Any) -> str:
    """The work-calendar jurisdiction of a unit: Xinjiang's for units in region 65, else national."""
    code = str(getattr(unit, "region_id", "") or "")
    return Jurisdiction.XINJIANG if code.startswith(Jurisdiction.XINJIANG) else Jurisdiction.NATIONAL


def plan_steps(from_school: Any, to_school: Any) -> list[tuple[str, Any]]:
    """The (kind, deciding unit) chain for a move between two schools, in order."""
    steps: list[tuple[str, Any]] = [(TransferStepKind.SENDING_SCHOOL, from_school)]
    sending_county = bureau_of(from_school, OrganizationLevel.COUNTY)
    receiving_county = bureau_of(to_school, OrganizationLevel.COUNTY)
    if sending_county is not None:
        steps.append((TransferStepKind.SENDING_COUNTY, sending_county))
    if receiving_county is not None and receiving_county != sending_county:
        steps.append((TransferStepKind.RECEIVING_COUNTY, receiving_county))
    sending_prefecture = bureau_of(from_school, OrganizationLevel.PREFECTURE)
    receiving_prefecture = bureau_of(to_school, OrganizationLevel.PREFECTURE)
    if sending_prefecture != receiving_prefecture:
        if sending_prefecture is not None:
            steps.append((TransferStepKind.SENDING_PREFECTURE, sending_prefecture))
        if receiving_prefecture is not None:
            steps.append((TransferStepKind.RECEIVING_PREFECTURE, receiving_prefecture))
    return steps


def _deadline(unit: Any, today: dt.date) -> tuple[dt.date, list[str]]:
    result = add_working_days(today, step_days(), jurisdiction_of(unit))
    # Stored in the node's language: the explanation is part of the record, like a note.
    with translation.override(settings.LANGUAGE_CODE):
        lines = [str(line) for line in result.explain()]
    return result.result, lines


def _open_step(step: TransferStep, today: dt.date) -> None:
    step.status = StepStatus.PENDING
    step.opened_on = today
    step.due_on, step.due_explanation = _deadline(step.organization, today)
    step.save(update_fields=["status", "opened_on", "due_on", "due_explanation"])


def _actor(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _refuse(message: str, **details: Any) -> TransferRefused:
    return TransferRefused(message, **details)


def pending_transfer_of(student: Student) -> Transfer | None:
    return Transfer.objects.filter(student=student, status=TransferStatus.PENDING).first()


def do_apply_transfer(
    student: Student,
    *,
    to_school: Any,
    grade: str,
    class_name: str = "",
    reason: str,
    acting_user: Any,
) -> Transfer:
    """The receiving school applies to take over ``student``'s enrolment."""
    if not has_permission(acting_user, APPLY, to_school):
        raise PermissionDenied(_("You may not apply for transfers into %(unit)s.") % {"unit": to_school})
    if to_school.kind != OrganizationKind.SCHOOL or not to_school.is_active or to_school.closed_on:
        raise _refuse(_("Students can only transfer into an open school."))
    grade = codes.check("grade", grade, field_label=_("Grade"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the transfer.")})
    class_name = (class_name or "").strip()[:20]
    today = timezone.localdate()
    with transaction.atomic():
        # One decision at a time per person: the student row serialises applications.
        person = Student.objects.select_for_update().get(pk=student.pk)
        if person.merged_into_id:
            raise _refuse(_("This record was merged into another; apply for the kept record instead."))
        active = person.enrolments.filter(state=EnrolmentState.ACTIVE).select_related("school").first()
        if active is None:
            raise _refuse(
                _(
                    "%(name)s holds no active enrolment, so there is nothing to transfer; "
                    "enrol the student instead."
                )
                % {"name": person.name}
            )
        if active.school_id == to_school.pk:
            raise _refuse(_("%(name)s is already enrolled at this school.") % {"name": person.name})
        existing = pending_transfer_of(person)
        if existing is not None:
            raise _refuse(
                _(
                    "A transfer of %(name)s to %(school)s is already in progress; "
                    "wait for its decision or withdraw it first."
                )
                % {"name": person.name, "school": existing.to_school.name},
                transfer=existing,
            )
        transfer = Transfer.objects.create(
            student=person,
            from_enrolment=active,
            from_school=active.school,
            to_school=to_school,
            grade=grade,
            class_name=class_name,
            reason=reason,
            applied_by=acting_user,
        )
        steps = [
            TransferStep(transfer=transfer, order=i, kind=kind, organization=unit)
            for i, (kind, unit) in enumerate(plan_steps(active.school, to_school), start=1)
        ]
        TransferStep.objects.bulk_create(steps)
        first = transfer.steps.select_related("organization").order_by("order").first()
        _open_step(first, today)
        transfer.next_due_on = first.due_on
        transfer.save(update_fields=["next_due_on"])
        log_event(
            RegistryEvent.TRANSFER_APPLIED,
            acting_user=acting_user,
            target=transfer,
            organization=to_school,
            reason=reason,
            extra={
                "student_id": person.pk,
                "from_school_id": active.school_id,
                "to_school_id": to_school.pk,
                "steps": [[s.kind, s.organization_id] for s in steps],
                "first_due_on": first.due_on.isoformat(),
            },
        )
    return transfer


def _locked(transfer_id: int) -> Transfer:
    return (
        Transfer.objects.select_for_update()
        .select_related("student", "from_school", "to_school")
        .get(pk=transfer_id)
    )


def _locked_step(step: TransferStep) -> tuple[Transfer, TransferStep]:
    """Lock the transfer, then re-read the step: the decision sees the committed state."""
    transfer = _locked(step.transfer_id)
    fresh = TransferStep.objects.select_related("organization").get(pk=step.pk)
    if transfer.status != TransferStatus.PENDING:
        raise _refuse(
            _("This transfer is no longer in progress (%(status)s).")
            % {"status": transfer.get_status_display()}
        )
    if fresh.status != StepStatus.PENDING:
        raise _refuse(
            _("This step has already been decided (%(status)s) or is not yet open.")
            % {"status": fresh.get_status_display()}
        )
    return transfer, fresh


def _check_decider(acting_user: Any, step: TransferStep) -> None:
    if not has_permission(acting_user, APPROVE, step.organization):
        raise PermissionDenied(
            _("Only %(unit)s can decide on this step of the transfer.") % {"unit": step.organization}
        )


def do_approve_transfer_step(step: TransferStep, *, acting_user: Any, note: str = "") -> Transfer:
    """Approve the open step; open the next one, or complete the transfer after the last."""
    _check_decider(acting_user, step)
    today = timezone.localdate()
    with transaction.atomic():
        transfer, step = _locked_step(step)
        step.status = StepStatus.APPROVED
        step.decided_at, step.decided_by, step.note = timezone.now(), acting_user, (note or "").strip()
        step.save(update_fields=["status", "decided_at", "decided_by", "note"])
        log_event(
            RegistryEvent.TRANSFER_APPROVED,
            acting_user=acting_user,
            target=transfer,
            organization=step.organization,
            reason=step.note,
            extra={"step": step.order, "kind": step.kind, "student_id": transfer.student_id},
        )
        following = (
            transfer.steps.filter(order__gt=step.order, status=StepStatus.WAITING)
            .select_related("organization")
            .order_by("order")
            .first()
        )
        if following is not None:
            _open_step(following, today)
            transfer.next_due_on = following.due_on
            transfer.save(update_fields=["next_due_on"])
        else:
            _complete(transfer, acting_user, today)
    return transfer


def _complete(transfer: Transfer, acting_user: Any, today: dt.date) -> None:
    """End the sending enrolment and open the receiving one (inside the caller's transaction)."""
    actor = _actor(acting_user)
    old = Enrolment.objects.select_for_update().get(pk=transfer.from_enrolment_id)
    if old.state != EnrolmentState.ACTIVE:
        raise _refuse(
            _(
                "The student's enrolment at %(school)s has ended since the application "
                "(%(reason)s); the transfer cannot complete. Reject it instead."
            )
            % {
                "school": transfer.from_school.name,
                "reason": codes.label("status_change_kind", old.end_reason) or "—",
            }
        )
    before = old.status
    old.state = EnrolmentState.ENDED
    old.ended_on = today
    old.end_reason = TRANSFER_OUT_KIND
    old.status = TRANSFERRED_OUT_STATUS
    old.save(update_fields=["state", "ended_on", "end_reason", "status", "updated_at"])
    StatusChange.objects.create(
        student=transfer.student,
        enrolment=old,
        kind=TRANSFER_OUT_KIND,
        effective_on=today,
        from_status=before,
        to_status=TRANSFERRED_OUT_STATUS,
        reason=transfer.reason,
        transfer=transfer,
        created_by=actor,
    )
    record_change(
        old,
        organization=old.school,
        action="transfer_out",
        changes={
            "state": [EnrolmentState.ACTIVE, EnrolmentState.ENDED],
            "status": [before, TRANSFERRED_OUT_STATUS],
        },
        source=Source.TRANSFER,
        source_ref=str(transfer.pk),
        acting_user=acting_user,
    )
    try:
        with transaction.atomic():
            new = Enrolment.objects.create(
                student=transfer.student,
                school=transfer.to_school,
                grade=transfer.grade,
                class_name=transfer.class_name,
                entry_date=today,
                study_mode=old.study_mode,
                status=IN_SCHOOL_STATUS,
                state=EnrolmentState.ACTIVE,
                started_on=today,
                created_by=actor,
                created_source=Source.TRANSFER,
                created_ref=str(transfer.pk),
            )
    except IntegrityError:
        raise _refuse(
            _("The student already holds another active enrolment; the transfer cannot complete.")
        ) from None
    StatusChange.objects.create(
        student=transfer.student,
        enrolment=new,
        kind=TRANSFER_IN_KIND,
        effective_on=today,
        from_status="",
        to_status=IN_SCHOOL_STATUS,
        reason=transfer.reason,
        transfer=transfer,
        created_by=actor,
    )
    transfer.to_enrolment = new
    transfer.status = TransferStatus.COMPLETED
    transfer.closed_at = timezone.now()
    transfer.next_due_on = None
    transfer.save(update_fields=["to_enrolment", "status", "closed_at", "next_due_on"])
    log_event(
        RegistryEvent.TRANSFER_COMPLETED,
        acting_user=acting_user,
        target=transfer,
        organization=transfer.to_school,
        extra={
            "student_id": transfer.student_id,
            "from_enrolment_id": old.pk,
            "to_enrolment_id": new.pk,
        },
    )


def _close(transfer: Transfer, status: str) -> None:
    transfer.steps.filter(status__in=[StepStatus.PENDING, StepStatus.WAITING]).update(
        status=StepStatus.CANCELLED
    )
    transfer.status = status
    transfer.closed_at = timezone.now()
    transfer.next_due_on = None
    transfer.save(update_fields=["status", "closed_at", "next_due_on"])


def do_reject_transfer_step(step: TransferStep, *, acting_user: Any, reason: str) -> Transfer:
    """Reject at the open step (a reason is required); the transfer ends, the enrolment stays."""
    _check_decider(acting_user, step)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for the rejection, so the applicant knows what to fix.")}
        )
    with transaction.atomic():
        transfer, step = _locked_step(step)
        step.status = StepStatus.REJECTED
        step.decided_at, step.decided_by, step.note = timezone.now(), acting_user, reason
        step.save(update_fields=["status", "decided_at", "decided_by", "note"])
        _close(transfer, TransferStatus.REJECTED)
        log_event(
            RegistryEvent.TRANSFER_REJECTED,
            acting_user=acting_user,
            target=transfer,
            organization=step.organization,
            reason=reason,
            extra={"step": step.order, "kind": step.kind, "student_id": transfer.student_id},
        )
    return transfer


def do_withdraw_transfer(transfer: Transfer, *, acting_user: Any, reason: str = "") -> Transfer:
    """The applying (receiving) school withdraws its application while it is in progress."""
    if not has_permission(acting_user, APPLY, transfer.to_school):
        raise PermissionDenied(_("Only the applying school can withdraw this transfer."))
    with transaction.atomic():
        transfer = _locked(transfer.pk)
        if transfer.status != TransferStatus.PENDING:
            raise _refuse(
                _("This transfer is no longer in progress (%(status)s).")
                % {"status": transfer.get_status_display()}
            )
        _close(transfer, TransferStatus.WITHDRAWN)
        log_event(
            RegistryEvent.TRANSFER_WITHDRAWN,
            acting_user=acting_user,
            target=transfer,
            organization=transfer.to_school,
            reason=(reason or "").strip(),
            extra={"student_id": transfer.student_id},
        )
    return transfer


def reminder_horizon(today: dt.date, unit: Any) -> dt.date:
    """Steps of ``unit`` due on or before this day are due within one working day."""
    return add_working_days(today, 1, jurisdiction_of(unit)).result


def send_due_reminders(today: dt.date | None = None) -> int:
    """Remind the deciding units of steps due within one working day or overdue; once a day each.

    Core has no notification channel yet: the reminder is a log line per step (picked up by
    the node's log collection) and ``reminded_at``; the workspace to-do list shows the same
    steps with their deadlines and marks the overdue ones.
    """
    today = today or timezone.localdate()
    # A generous first cut; each step is then checked on its own unit's calendar.
    horizon = max(add_working_days(today, 1, j).result for j in Jurisdiction.values)
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    candidates = (
        TransferStep.objects.filter(
            status=StepStatus.PENDING,
            transfer__status=TransferStatus.PENDING,
            due_on__lte=horizon,
        )
        .exclude(reminded_at__gte=start_of_today)
        .select_related("organization", "transfer__student", "transfer__from_school", "transfer__to_school")
        .order_by("due_on", "pk")
    )
    sent = 0
    now = timezone.now()
    for step in candidates:
        # Per unit: "within one working day" on that unit's calendar.
        if step.due_on > reminder_horizon(today, step.organization):
            continue
        overdue = step.due_on < today
        logger.warning(
            "transfer reminder: transfer %s step %s (%s) awaits %s (unit %s), due %s%s",
            step.transfer_id,
            step.order,
            step.kind,
            step.organization.name,
            step.organization_id,
            step.due_on.isoformat(),
            " OVERDUE" if overdue else "",
        )
        TransferStep.objects.filter(pk=step.pk).update(reminded_at=now)
        sent += 1
    return sent
