"""Writes to students and enrolments (学籍). Forms, imports and the API all call these.

Each action checks the acting user's grant on the unit concerned, validates, writes,
records lineage and an audit entry in one transaction (ARCHITECTURE "How data moves").
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.choices import OrganizationKind
from edugov.core.permissions.scopes import has_permission
from edugov.core.validators import validate_student_number
from edugov.registry import codes
from edugov.registry.choices import DuplicateStatus, EnrolmentState, Source
from edugov.registry.errors import EnrolmentConflict, MergeRefused
from edugov.registry.events import RegistryEvent
from edugov.registry.identity import (
    Identity,
    normalise_document,
    phone_hash,
    phone_masked,
    student_number_hash,
    student_number_masked,
)
from edugov.registry.lineage import diff, record_change
from edugov.registry.models import (
    DuplicateSuspect,
    Enrolment,
    Guardian,
    GuardianLink,
    StatusChange,
    Student,
    StudentMerge,
)
from edugov.registry.ownership import check_ownership, record_unit

STUDENT_FIELDS = (
    "name",
    "id_type",
    "id_number",
    "sex",
    "ethnicity",
    "birth_date",
    "nationality",
    "household_region",
    "address",
    "left_behind",
    "migrant",
    "disability",
    "aid_eligible",
)
ENROLMENT_FIELDS = ("grade", "class_name", "entry_date", "study_mode")
ENROL_KIND = "01"
TRANSFER_IN_KIND = "02"


def _require(user: Any, permission: str, unit: Any) -> None:
    if user is not None and not has_permission(user, permission, unit):
        raise PermissionDenied(_("You may not do this for %(unit)s.") % {"unit": unit})


def clean_student_values(values: dict[str, Any], *, today: dt.date | None = None) -> tuple[dict, Identity]:
    """Validate coded and derived student fields; raise ValidationError({field: message})."""
    errors: dict[str, str] = {}
    cleaned = dict(values)
    identity = Identity(id_type="1", number="", hash=None, masked="")
    try:
        codes.check("id_document_type", cleaned.get("id_type") or "1", field_label=_("ID document type"))
    except ValidationError as error:
        errors["id_type"] = error.messages[0]
    else:
        try:
            identity = normalise_document(
                cleaned.get("id_type") or "1", cleaned.get("id_number", ""), today=today
            )
        except ValidationError as error:
            errors["id_number"] = error.messages[0]
    for field, table, label in (
        ("sex", "sex", _("Sex")),
        ("ethnicity", "ethnicity", _("Ethnicity")),
        ("nationality", "nationality", _("Nationality")),
    ):
        if cleaned.get(field) or field != "ethnicity":
            try:
                codes.check(table, cleaned.get(field, ""), field_label=label)
            except ValidationError as error:
                errors[field] = error.messages[0]
    if cleaned.get("disability"):
        try:
            codes.check("disability", cleaned["disability"], field_label=_("Disability category"))
        except ValidationError as error:
            errors["disability"] = error.messages[0]
    if not (cleaned.get("name") or "").strip():
        errors["name"] = _("Name is required.")
    birth = cleaned.get("birth_date")
    if identity.birth_date and birth and birth != identity.birth_date:
        errors["birth_date"] = _("The date of birth does not match the ID number (%(date)s).") % {
            "date": identity.birth_date.isoformat()
        }
    if (
        identity.sex
        and cleaned.get("sex")
        and cleaned["sex"] in {"1", "2"}
        and cleaned["sex"] != identity.sex
    ):
        errors["sex"] = _("The sex does not match the ID number.")
    if identity.birth_date and not birth:
        cleaned["birth_date"] = identity.birth_date
    if not cleaned.get("birth_date"):
        errors.setdefault("birth_date", _("Date of birth is required."))
    region = cleaned.get("household_region") or ""
    if region and (len(region) != 6 or not region.isdigit()):
        errors["household_region"] = _("Household region must be a six-digit region code.")
    if errors:
        raise ValidationError(errors)
    cleaned["id_number"] = identity.number
    cleaned["id_type"] = identity.id_type
    return cleaned, identity


def clean_enrolment_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    for field, table, label in (
        ("grade", "grade", _("Grade")),
        ("study_mode", "study_mode", _("Study mode")),
    ):
        try:
            codes.check(table, values.get(field) or ("1" if field == "study_mode" else ""), field_label=label)
        except ValidationError as error:
            errors[field] = error.messages[0]
    if not values.get("entry_date"):
        errors["entry_date"] = _("Entry date is required.")
    if errors:
        raise ValidationError(errors)
    return {
        **values,
        "study_mode": values.get("study_mode") or "1",
        "class_name": values.get("class_name", ""),
    }


def new_student_number(identity: Identity, school: Any, birth_date: dt.date) -> str:
    """G + ID number when there is one; else a temporary L number (STANDARDS §4.2)."""
    if identity.id_type == "1" and identity.number:
        return "G" + identity.number
    region = (school.region_id and str(school.region.code)) or "000000"
    for _attempt in range(20):
        number = f"L{region[:6]}{birth_date:%Y%m%d}{secrets.randbelow(10000):04d}"
        if not Student.objects.filter(student_number_hash=student_number_hash(number)).exists():
            return number
    raise ValidationError(_("Could not allocate a temporary student number; try again."))


def _existing_active(student: Student) -> Enrolment | None:
    return student.enrolments.filter(state=EnrolmentState.ACTIVE).select_related("school").first()


def _conflict(student: Student, active: Enrolment, school: Any) -> EnrolmentConflict:
    same = active.school_id == school.pk
    if same:
        message = _("This person is already enrolled at this school (student number %(number)s).") % {
            "number": student.student_number
        }
    else:
        message = _(
            "This person is already enrolled at %(school)s. A person can hold only one enrolment: "
            "apply for a transfer instead."
        ) % {"school": active.school.name}
    return EnrolmentConflict(message, enrolment=active, student=student, same_school=same)


def do_enrol_student(
    school: Any,
    *,
    student: dict[str, Any],
    enrolment: dict[str, Any],
    guardians: list[dict[str, Any]] | tuple = (),
    acting_user: Any,
    source: str = Source.FORM,
    source_ref: str = "",
    status_kind: str = ENROL_KIND,
) -> Enrolment:
    """Enrol a person at ``school``: the person's one active enrolment (一人一籍).

    An ID number already enrolled anywhere raises ``EnrolmentConflict`` (offering the
    transfer flow); a person without an ID number who resembles an existing record
    (name + birth date + guardian) is enrolled and flagged as a duplicate suspect.
    """
    if school.kind != OrganizationKind.SCHOOL or getattr(school, "closed_on", None):
        raise ValidationError(_("Students can only be enrolled at an open school."))
    _require(acting_user, "registry.student.add", school)
    values, identity = clean_student_values(student)
    enrol_values = clean_enrolment_values(enrolment)
    try:
        return _enrol(
            school, values, identity, enrol_values, guardians, acting_user, source, source_ref, status_kind
        )
    except EnrolmentConflict as conflict:
        log_event(
            RegistryEvent.ENROL_REFUSED,
            acting_user=acting_user,
            organization=school,
            success=False,
            reason=conflict.message,
            extra={"student_id": conflict.details["student"].pk},
        )
        raise


def _enrol(school, values, identity, enrol_values, guardians, acting_user, source, source_ref, status_kind):
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    birth_date = values["birth_date"]
    for attempt in range(2):
        try:
            with transaction.atomic():
                person = None
                if identity.hash:
                    person = Student.objects.select_for_update().filter(id_hash=identity.hash).first()
                if person is not None:
                    active = _existing_active(person)
                    if active is not None:
                        raise _conflict(person, active, school)
                else:
                    number = values.get("student_number") or new_student_number(identity, school, birth_date)
                    number = validate_student_number(number)
                    person = Student.objects.create(
                        **{f: values.get(f) for f in STUDENT_FIELDS if f in values and f != "id_number"},
                        id_number=identity.number,
                        id_hash=identity.hash,
                        id_masked=identity.masked,
                        student_number=number,
                        student_number_hash=student_number_hash(number),
                        student_number_masked=student_number_masked(number),
                        created_by=actor,
                        created_source=source,
                        created_ref=source_ref,
                    )
                today = timezone.localdate()
                try:
                    with transaction.atomic():
                        enrolment = Enrolment.objects.create(
                            student=person,
                            school=school,
                            started_on=enrol_values.get("entry_date") or today,
                            created_by=actor,
                            created_source=source,
                            created_ref=source_ref,
                            **{f: enrol_values[f] for f in ENROLMENT_FIELDS},
                        )
                except IntegrityError:
                    active = _existing_active(person)
                    if active is None:
                        raise
                    raise _conflict(person, active, school) from None
                StatusChange.objects.create(
                    student=person,
                    enrolment=enrolment,
                    kind=status_kind,
                    effective_on=enrolment.started_on,
                    to_status="01",
                    created_by=actor,
                )
                for data in guardians:
                    attach_guardian(
                        person, data, acting_user=acting_user, source=source, source_ref=source_ref
                    )
                if not identity.hash:
                    flag_duplicate_suspects(person, school)
                log_event(
                    RegistryEvent.STUDENT_ENROLLED,
                    acting_user=acting_user,
                    target=enrolment,
                    organization=school,
                    extra={"source": source, "source_ref": source_ref},
                )
                return enrolment
        except IntegrityError:
            # Someone created the same person at the same moment: look again, once.
            if attempt:
                raise
    raise AssertionError("unreachable")


def attach_guardian(
    student: Student,
    data: dict[str, Any],
    *,
    acting_user: Any,
    source: str = Source.FORM,
    source_ref: str = "",
) -> Guardian:
    """Link a guardian, reusing the same person (same name and phone) across children."""
    name = (data.get("name") or "").strip()
    phone = (data.get("phone") or "").strip()
    relation = codes.check("family_relation", data.get("relation", ""), field_label=_("Relation"))
    if not name:
        raise ValidationError({"guardian_name": _("Guardian name is required.")})
    p_hash = phone_hash(phone)
    guardian = None
    if p_hash:
        guardian = Guardian.objects.filter(phone_hash=p_hash, name=name).first()
    if guardian is None:
        actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
        guardian = Guardian.objects.create(
            name=name,
            phone=phone,
            phone_hash=p_hash,
            phone_masked=phone_masked(phone),
            employer=data.get("employer", ""),
            created_by=actor,
            created_source=source,
            created_ref=source_ref,
        )
    GuardianLink.objects.get_or_create(
        student=student,
        guardian=guardian,
        defaults={"relation": relation, "is_primary": not student.guardian_links.exists()},
    )
    return guardian


def flag_duplicate_suspects(person: Student, school: Any) -> list[DuplicateSuspect]:
    """Records with the same name and birth date that share a guardian (name or phone)."""
    candidates = Student.objects.filter(
        name=person.name, birth_date=person.birth_date, merged_into__isnull=True
    ).exclude(pk=person.pk)
    if not candidates.exists():
        return []
    mine = list(GuardianLink.objects.filter(student=person).select_related("guardian"))
    names = {link.guardian.name for link in mine}
    phones = {link.guardian.phone_hash for link in mine if link.guardian.phone_hash}
    suspects = []
    for other in candidates:
        theirs = list(GuardianLink.objects.filter(student=other).select_related("guardian"))
        shared = [g for g in theirs if g.guardian.name in names or (g.guardian.phone_hash in phones)]
        if mine and not shared:
            continue
        reason = _("Same name and date of birth") + (
            _(", shared guardian %(name)s") % {"name": shared[0].guardian.name} if shared else ""
        )
        first, second = sorted([other, person], key=lambda s: s.pk)
        suspect, _created = DuplicateSuspect.objects.get_or_create(
            first=first, second=second, defaults={"organization": school, "reason": reason[:200]}
        )
        suspects.append(suspect)
    return suspects


def do_update_student(
    student: Student,
    values: dict[str, Any],
    *,
    acting_user: Any,
    source: str = Source.FORM,
    source_ref: str = "",
) -> dict[str, list[Any]]:
    """Change student fields; refused for fields another unit or role owns (一数一源)."""
    current = {f: getattr(student, f) for f in STUDENT_FIELDS}
    merged = {**current, **values}
    cleaned, identity = clean_student_values(merged)
    new_values = {f: cleaned[f] for f in values if f in STUDENT_FIELDS}
    changes = diff(student, new_values)
    if not changes:
        return {}
    unit = record_unit(student)
    try:
        check_ownership(acting_user, student, set(changes))
    except Exception as refusal:
        log_event(
            RegistryEvent.OWNERSHIP_REFUSED,
            acting_user=acting_user,
            target=student,
            organization=unit,
            success=False,
            reason=str(refusal),
            extra={"fields": sorted(changes)},
        )
        raise
    with transaction.atomic():
        for field, value in new_values.items():
            setattr(student, field, value)
        if "id_number" in changes or "id_type" in changes:
            if (
                identity.hash
                and Student.objects.filter(id_hash=identity.hash).exclude(pk=student.pk).exists()
            ):
                raise ValidationError({"id_number": _("Another student record already has this ID number.")})
            student.id_hash, student.id_masked = identity.hash, identity.masked
        student.save()
        record_change(
            student,
            organization=unit,
            action="update",
            changes=changes,
            source=source,
            source_ref=source_ref,
            acting_user=acting_user,
        )
        log_event(
            RegistryEvent.STUDENT_CHANGED,
            acting_user=acting_user,
            target=student,
            organization=unit,
            changes=changes,
            extra={"source": source},
        )
    return changes


def do_update_enrolment(
    enrolment: Enrolment,
    values: dict[str, Any],
    *,
    acting_user: Any,
    source: str = Source.FORM,
    source_ref: str = "",
) -> dict[str, list[Any]]:
    merged = {f: getattr(enrolment, f) for f in ENROLMENT_FIELDS} | values
    cleaned = clean_enrolment_values(merged)
    new_values = {f: cleaned[f] for f in values if f in ENROLMENT_FIELDS}
    changes = diff(enrolment, new_values)
    if not changes:
        return {}
    check_ownership(acting_user, enrolment, set(changes))
    with transaction.atomic():
        for field, value in new_values.items():
            setattr(enrolment, field, value)
        enrolment.save()
        record_change(
            enrolment,
            organization=enrolment.school,
            action="update",
            changes=changes,
            source=source,
            source_ref=source_ref,
            acting_user=acting_user,
        )
        log_event(
            RegistryEvent.STUDENT_CHANGED,
            acting_user=acting_user,
            target=enrolment,
            organization=enrolment.school,
            changes=changes,
        )
    return changes


# Status changes a registrar may record by hand (transfers have their own flow).
MANUAL_KINDS = ("04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "99")


def do_change_status(
    enrolment: Enrolment,
    *,
    kind: str,
    effective_on: dt.date,
    reason: str = "",
    new_grade: str = "",
    acting_user: Any,
) -> StatusChange:
    """Record a status change (休学, 复学, 退学, 毕业, 死亡, 升级 …) on an active enrolment."""
    _require(acting_user, "registry.student.change", enrolment.school)
    if kind not in MANUAL_KINDS or not codes.is_valid("status_change_kind", kind):
        raise ValidationError({"kind": _("This status change cannot be recorded here.")})
    if enrolment.state != EnrolmentState.ACTIVE:
        raise ValidationError(_("This enrolment has ended; its history can no longer change."))
    if kind == "04" and enrolment.status == "02":
        raise ValidationError({"kind": _("The student is already suspended.")})
    if kind == "05" and enrolment.status != "02":
        raise ValidationError({"kind": _("Only a suspended student can resume.")})
    if kind in {"11", "12", "13"}:
        new_grade = codes.check("grade", new_grade, field_label=_("Grade"))
    if effective_on < enrolment.started_on:
        raise ValidationError({"effective_on": _("The date lies before the enrolment started.")})
    meta = codes.attributes("status_change_kind", kind)
    before = enrolment.status
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if meta.get("to_status"):
            enrolment.status = meta["to_status"]
        if new_grade:
            record_change(
                enrolment,
                organization=enrolment.school,
                action="update",
                changes={"grade": [enrolment.grade, new_grade]},
                acting_user=acting_user,
            )
            enrolment.grade = new_grade
        if meta.get("ends"):
            enrolment.state = EnrolmentState.ENDED
            enrolment.ended_on = effective_on
            enrolment.end_reason = kind
        enrolment.save()
        change = StatusChange.objects.create(
            student=enrolment.student,
            enrolment=enrolment,
            kind=kind,
            effective_on=effective_on,
            from_status=before,
            to_status=enrolment.status,
            reason=reason,
            created_by=acting_user,
        )
        log_event(
            RegistryEvent.STATUS_CHANGED,
            acting_user=acting_user,
            target=enrolment,
            organization=enrolment.school,
            changes={"status": [before, enrolment.status]},
            extra={"kind": kind},
            reason=reason,
        )
    return change


def can_view_personal(user: Any, student: Student) -> bool:
    unit = record_unit(student)
    return unit is not None and has_permission(user, "registry.student.view_personal", unit)


def do_view_student_personal(student: Student, *, acting_user: Any, reason: str = "") -> dict[str, Any]:
    """The unmasked personal data of a student; every call is audited."""
    if not can_view_personal(acting_user, student):
        raise PermissionDenied(_("Your grant does not include students' personal data."))
    links = GuardianLink.objects.filter(student=student).select_related("guardian")
    data = {
        "id_number": student.id_number,
        "address": student.address,
        "guardians": [
            {"name": link.guardian.name, "phone": link.guardian.phone, "id_number": link.guardian.id_number}
            for link in links
        ],
    }
    log_event(
        RegistryEvent.PERSONAL_VIEWED,
        acting_user=acting_user,
        target=student,
        organization=record_unit(student),
        reason=reason,
        extra={"fields": ["id_number", "address", "guardians"]},
    )
    return data


def do_merge_students(
    kept: Student,
    merged: Student,
    *,
    acting_user: Any,
    reason: str = "",
    suspect: DuplicateSuspect | None = None,
) -> StudentMerge:
    """Merge ``merged`` into ``kept``: its enrolments, history and guardians move; reversible."""
    if kept.pk == merged.pk:
        raise MergeRefused(_("A record cannot be merged with itself."))
    if merged.merged_into_id:
        raise MergeRefused(_("This record has already been merged."))
    for record in (kept, merged):
        unit = record_unit(record)
        if unit is None or not has_permission(acting_user, "registry.student.merge", unit):
            raise PermissionDenied(_("You may not merge these records."))
    if _existing_active(kept) and _existing_active(merged):
        raise MergeRefused(
            _("Both records hold an active enrolment. End one of them (for example as a duplicate) first.")
        )
    with transaction.atomic():
        enrolment_ids = list(merged.enrolments.values_list("pk", flat=True))
        change_ids = list(merged.status_changes.values_list("pk", flat=True))
        kept_guardians = set(kept.guardian_links.values_list("guardian_id", flat=True))
        link_ids = list(
            merged.guardian_links.exclude(guardian_id__in=kept_guardians).values_list("pk", flat=True)
        )
        Enrolment.objects.filter(pk__in=enrolment_ids).update(student=kept)
        StatusChange.objects.filter(pk__in=change_ids).update(student=kept)
        GuardianLink.objects.filter(pk__in=link_ids).update(student=kept)
        merged.merged_into = kept
        merged.save(update_fields=["merged_into", "updated_at"])
        unit = record_unit(kept)
        merge = StudentMerge.objects.create(
            organization=unit,
            kept=kept,
            merged=merged,
            suspect=suspect,
            reason=reason,
            merged_by=acting_user,
            moved={"enrolments": enrolment_ids, "status_changes": change_ids, "guardian_links": link_ids},
        )
        if suspect is not None:
            suspect.status = DuplicateStatus.MERGED
            suspect.decided_at, suspect.decided_by = timezone.now(), acting_user
            suspect.save(update_fields=["status", "decided_at", "decided_by"])
        record_change(
            kept,
            organization=unit,
            action="merge",
            changes={"merged": [None, merged.pk]},
            acting_user=acting_user,
        )
        log_event(
            RegistryEvent.STUDENT_MERGED,
            acting_user=acting_user,
            target=kept,
            organization=unit,
            extra={"merged_id": merged.pk, **merge.moved},
            reason=reason,
        )
    return merge


def do_revert_merge(merge: StudentMerge, *, acting_user: Any, reason: str = "") -> StudentMerge:
    if merge.reverted_at:
        raise MergeRefused(_("This merge has already been undone."))
    unit = merge.organization
    if not has_permission(acting_user, "registry.student.merge", unit):
        raise PermissionDenied(_("You may not undo this merge."))
    with transaction.atomic():
        Enrolment.objects.filter(pk__in=merge.moved.get("enrolments", [])).update(student=merge.merged)
        StatusChange.objects.filter(pk__in=merge.moved.get("status_changes", [])).update(student=merge.merged)
        GuardianLink.objects.filter(pk__in=merge.moved.get("guardian_links", [])).update(student=merge.merged)
        Student.objects.filter(pk=merge.merged_id).update(merged_into=None)
        merge.reverted_at, merge.reverted_by = timezone.now(), acting_user
        merge.save(update_fields=["reverted_at", "reverted_by"])
        if merge.suspect_id:
            DuplicateSuspect.objects.filter(pk=merge.suspect_id).update(status=DuplicateStatus.OPEN)
        record_change(
            merge.kept,
            organization=unit,
            action="unmerge",
            changes={"merged": [merge.merged_id, None]},
            acting_user=acting_user,
        )
        log_event(
            RegistryEvent.MERGE_REVERTED,
            acting_user=acting_user,
            target=merge.kept,
            organization=unit,
            extra={"merged_id": merge.merged_id},
            reason=reason,
        )
    return merge


def do_dismiss_suspect(suspect: DuplicateSuspect, *, acting_user: Any, reason: str = "") -> None:
    if not has_permission(acting_user, "registry.student.merge", suspect.organization):
        raise PermissionDenied(_("You may not decide on this duplicate."))
    suspect.status = DuplicateStatus.DISMISSED
    suspect.decided_at, suspect.decided_by = timezone.now(), acting_user
    suspect.save(update_fields=["status", "decided_at", "decided_by"])
    log_event(
        RegistryEvent.DUPLICATE_DISMISSED,
        acting_user=acting_user,
        target=suspect,
        organization=suspect.organization,
        reason=reason,
    )
