"""Disclosure on request (依申请公开, PUB-3; 政府信息公开条例 第二十九至三十七条; STANDARDS §6.1–6.2).

The request is a ``Case`` of kind ``disclosure`` with a ``DisclosureRequest`` row. Every step
below is one transaction with its own audit entry and, where the requester should know, a
public line on the case's timeline. The deadline is the case clock's
(``edugov.portal.clock``): for the internet channel it starts when staff confirm receipt
(双方确认之日, 第三十一条), pauses for a correction (补正) or a third party's opinion,
restarts when the corrected request arrives, and is extended by at most 20 working days
with the approval of the head of the disclosure office (第三十三条).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.calendar import add_working_days
from edugov.core.permissions.scopes import has_permission
from edugov.core.validators import validate_credit_code
from edugov.portal.abuse import CheckedUpload, clean_text
from edugov.portal.actions.cases import add_case_event, do_change_clock, do_open_case
from edugov.portal.choices import (
    OPEN_CASE_STATUSES,
    ApplicantType,
    CaseKind,
    CaseStatus,
    ClockEventKind,
    DeliveryMethod,
    DisclosureResult,
    ReplyType,
)
from edugov.portal.error_codes import PortalErrorCode
from edugov.portal.events_disclosure import DisclosureEvent
from edugov.portal.models import Case, CaseAttachment, CitizenProfile, DisclosureRequest

STATUTORY_DAYS = 20  # 第三十三条: reply within 20 working days of receipt
MAX_EXTENSION_DAYS = 20  # … extended by at most 20 working days, approved
CORRECTION_WINDOW_DAYS = 7  # 第三十条: ask for a correction within 7 working days, once
CORRECTION_DEADLINE_DAYS = 15  # the notice's time limit for the correction (local practice)
CONSULTATION_DAYS = 15  # 第三十二条: the third party answers within 15 working days
MAX_ATTACHMENTS = 3
DESCRIPTION_MAX = 2000
REPLY_MAX = 10000

HANDLE = "portal.case.handle"
APPROVE = "portal.case.approve"


class DisclosureErrorCode(StrEnum):
    WRONG_STATUS = "disclosure_wrong_status"
    WRONG_DATE = "disclosure_wrong_date"
    NOT_A_CITIZEN = "disclosure_not_a_citizen"
    ORGANISATION_REQUIRED = "disclosure_organisation_required"
    TOO_MANY_ATTACHMENTS = "disclosure_too_many_attachments"
    CORRECTION_TOO_LATE = "disclosure_correction_too_late"
    CORRECTION_ALREADY_REQUESTED = "disclosure_correction_already_requested"
    CORRECTION_NOT_OVERDUE = "disclosure_correction_not_overdue"
    EXTENSION_PENDING = "disclosure_extension_pending"
    NO_PENDING_EXTENSION = "disclosure_no_pending_extension"
    INCONSISTENT_RESULT = "disclosure_inconsistent_result"
    UNFILLED_TEMPLATE = "disclosure_unfilled_template"
    ADDRESS_REQUIRED = "disclosure_address_required"


# Which annual-report categories (表三 "本年度办理结果") each reply form may be counted as.
REPLY_RESULTS: dict[str, tuple[str, ...]] = {
    ReplyType.ALREADY_PUBLIC: (DisclosureResult.DISCLOSED,),
    ReplyType.PROVIDED: (DisclosureResult.DISCLOSED,),
    ReplyType.PARTIAL: (DisclosureResult.PARTIAL,),
    ReplyType.REFUSED: (
        DisclosureResult.REFUSED_STATE_SECRET,
        DisclosureResult.REFUSED_LAW,
        DisclosureResult.REFUSED_SECURITY,
        DisclosureResult.REFUSED_THIRD_PARTY,
        DisclosureResult.REFUSED_INTERNAL,
        DisclosureResult.REFUSED_PROCESS,
        DisclosureResult.REFUSED_ENFORCEMENT,
    ),
    ReplyType.NOT_EXIST: (
        DisclosureResult.UNAVAILABLE_NOT_HELD,
        DisclosureResult.UNAVAILABLE_NEEDS_CREATION,
        DisclosureResult.UNAVAILABLE_UNCLEAR,
    ),
    ReplyType.NOT_OUR_OFFICE: (DisclosureResult.UNAVAILABLE_NOT_HELD,),
    ReplyType.REPEATED: (DisclosureResult.NOT_HANDLED_REPEAT,),
    ReplyType.OTHER_LAW: (
        DisclosureResult.REFUSED_QUERY,
        DisclosureResult.NOT_HANDLED_PETITION,
        DisclosureResult.NOT_HANDLED_PUBLICATION,
        DisclosureResult.NOT_HANDLED_EXCESSIVE,
        DisclosureResult.NOT_HANDLED_CONFIRM,
        DisclosureResult.OTHER,
    ),
}

# The reply letters (政府信息公开申请答复书), one per reply form, in Chinese: the text staff
# start from. Placeholders in braces are filled from the case; 【…】 marks what staff must
# complete (a reply that still contains 【 is refused).
REPLY_OPENING = (
    "{applicant}：\n"
    "本机关于{received_on}收到您提出的政府信息公开申请（申请编号：{number}），"
    "申请获取“{description}”。经审查，现答复如下：\n"
)
REPLY_CLOSING = (
    "\n如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，"
    "或者自收到本答复之日起六个月内依法提起行政诉讼。\n\n{unit}\n{today}"
)
REPLY_TEMPLATES: dict[str, str] = {
    ReplyType.ALREADY_PUBLIC: (
        "您申请的政府信息已经主动公开。根据《中华人民共和国政府信息公开条例》第三十六条第（一）项的规定，"
        "您可以通过以下方式、途径获取该信息：【公开的网址、栏目或查阅地点】。"
    ),
    ReplyType.PROVIDED: (
        "您申请的政府信息属于可以公开的政府信息。根据《中华人民共和国政府信息公开条例》第三十六条第（二）项的规定，"
        "现向您提供该政府信息（见附件）。【如不随本答复提供，写明获取该信息的方式、途径和时间】"
    ),
    ReplyType.PARTIAL: (
        "您申请的政府信息中含有不应当公开的内容，但能够作区分处理。根据《中华人民共和国政府信息公开条例》"
        "第三十七条的规定，现向您提供可以公开的部分（见附件）；其余部分不予公开，理由是：【不予公开的理由及依据】。"
    ),
    ReplyType.REFUSED: (
        "经审查，您申请的政府信息属于【不予公开的情形】。根据《中华人民共和国政府信息公开条例》第三十六条第（三）项"
        "及第【十四/十五/十六】条的规定，本机关决定不予公开，理由是：【不予公开的理由】。"
    ),
    ReplyType.NOT_EXIST: (
        "经检索，本机关没有您所申请的政府信息。根据《中华人民共和国政府信息公开条例》第三十六条第（四）项的规定，"
        "告知您该政府信息不存在。"
    ),
    ReplyType.NOT_OUR_OFFICE: (
        "您申请的政府信息不属于本机关负责公开。根据《中华人民共和国政府信息公开条例》第三十六条第（五）项的规定，"
        "告知您该政府信息由【负责公开的机关名称】负责公开，联系方式：【联系电话或地址】。"
    ),
    ReplyType.REPEATED: (
        "您已于【此前申请的日期】就同一政府信息提出申请，本机关已于【答复日期】作出答复。"
        "根据《中华人民共和国政府信息公开条例》第三十六条第（六）项的规定，对您的重复申请不予重复处理。"
    ),
    ReplyType.OTHER_LAW: (
        "您申请获取的信息属于【工商、不动产登记资料等】，有关法律、行政法规对该信息的获取有特别规定。"
        "根据《中华人民共和国政府信息公开条例》第三十六条第（七）项的规定，请您按照【相关法律、行政法规的名称】"
        "的规定办理。"
    ),
}


def _chinese_date(date: dt.date | None) -> str:
    return f"{date.year}年{date.month}月{date.day}日" if date else "【收到申请的日期】"


def reply_template(case: Case, reply_type: str, *, today: dt.date | None = None) -> str:
    """The reply letter of ``reply_type`` for ``case``, its placeholders filled in."""
    body = REPLY_TEMPLATES.get(reply_type, "")
    request = getattr(case, "disclosure", None)
    description = (request.corrected_description or request.description) if request else case.content
    description = " ".join(description.split())
    if len(description) > 60:
        description = description[:60] + "……"
    values = {
        "applicant": case.requester_name or "申请人",
        "received_on": _chinese_date(case.received_on),
        "number": case.number,
        "description": description,
        "unit": case.handling_unit.name,
        "today": _chinese_date(today or timezone.localdate()),
    }
    return (REPLY_OPENING + body + REPLY_CLOSING).format(**values)


# --- helpers ------------------------------------------------------------------------------


def _public_note(build: Callable[[], str]) -> str:
    """A timeline line in the site's default language (what the requester reads)."""
    with translation.override(settings.LANGUAGE_CODE):
        return build()


def _date_text(date: dt.date | None) -> str:
    return formats.date_format(date, "Y-m-d") if date else ""


def _require(user: Any, permission: str, case: Case) -> None:
    if not has_permission(user, permission, case.handling_unit):
        raise PermissionDenied(_("You may not do this for this unit's requests."))


def _locked(case: Case) -> tuple[Case, DisclosureRequest]:
    locked = Case.objects.select_for_update().select_related("handling_unit").get(pk=case.pk)
    if locked.kind != CaseKind.DISCLOSURE:
        raise ValidationError(_("This is not a disclosure request."), code=DisclosureErrorCode.WRONG_STATUS)
    return locked, DisclosureRequest.objects.select_for_update().get(case=locked)


def _require_status(case: Case, *statuses: str) -> None:
    if case.status not in statuses:
        raise ValidationError(
            _("This cannot be done while the request is “%(status)s”.")
            % {"status": case.get_status_display()},
            code=DisclosureErrorCode.WRONG_STATUS,
        )


def _set_status(case: Case, status: str, *fields: str) -> None:
    case.status = status
    case.save(update_fields=["status", *fields])


def _attach(case: Case, checked: CheckedUpload, *, user: Any, from_requester: bool, public: bool) -> None:
    attachment = CaseAttachment(
        case=case,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        from_requester=from_requester,
        public=public,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    attachment.file.save(checked.name, checked.file, save=False)
    attachment.save()


def _check_attachments(attachments: Sequence[CheckedUpload]) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError(
            _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS},
            code=DisclosureErrorCode.TOO_MANY_ATTACHMENTS,
        )


def correction_window(case: Case) -> Any:
    """Until when a correction may be asked for: 7 working days after receipt (explainable)."""
    return add_working_days(case.received_on, CORRECTION_WINDOW_DAYS, case.jurisdiction)


def correction_due(case: Case, request: DisclosureRequest) -> Any:
    """Until when the requester may send the correction: 15 working days after the notice."""
    asked_on = timezone.localdate(request.correction_requested_at)
    return add_working_days(asked_on, CORRECTION_DEADLINE_DAYS, case.jurisdiction)


def consultation_due(case: Case, request: DisclosureRequest) -> Any:
    """Until when the third party may give its opinion: 15 working days (第三十二条)."""
    return add_working_days(request.consultation_started_on, CONSULTATION_DAYS, case.jurisdiction)


def extension_used(case: Case) -> int:
    return sum(case.clock_events.filter(kind=ClockEventKind.EXTEND).values_list("days", flat=True))


# --- the citizen's request ----------------------------------------------------------------


@transaction.atomic
def do_submit_disclosure_request(
    *,
    requester: Any,
    handling_unit: Any,
    site: Any = None,
    applicant_type: str = ApplicantType.NATURAL_PERSON,
    organisation_name: str = "",
    organisation_code: str = "",
    description: str,
    purpose: str = "",
    delivery: str = DeliveryMethod.ONLINE,
    contact_email: str = "",
    contact_address: str = "",
    attachments: Sequence[CheckedUpload] = (),
) -> tuple[Case, str]:
    """Open the case and its disclosure row; returns the case and its query code (shown once).

    The clock does not start here: an online request is received on the day the unit
    confirms it (``do_accept_request``).
    """
    profile = CitizenProfile.objects.filter(user=requester).first() if requester else None
    if profile is None:
        raise ValidationError(
            _("Sign in with a citizen (real-name) account to submit a request."),
            code=DisclosureErrorCode.NOT_A_CITIZEN,
        )
    if applicant_type not in ApplicantType.values:
        raise ValidationError(_("Choose who is applying."), code="invalid_choice")
    if delivery not in DeliveryMethod.values:
        raise ValidationError(_("Choose how the reply is delivered."), code="invalid_choice")
    description = clean_text(description, max_length=DESCRIPTION_MAX, field_label=_("Information requested"))
    purpose = clean_text(purpose, max_length=500, required=False, field_label=_("Purpose"))
    contact_address = clean_text(contact_address, max_length=300, required=False, field_label=_("Address"))
    if delivery == DeliveryMethod.POST and not contact_address:
        raise ValidationError(
            _("Give the postal address the reply is to be sent to."),
            code=DisclosureErrorCode.ADDRESS_REQUIRED,
        )
    if applicant_type == ApplicantType.NATURAL_PERSON:
        organisation_name = organisation_code = ""
        requester_name = requester.real_name
    else:
        organisation_name = clean_text(organisation_name, max_length=200, field_label=_("Organisation name"))
        if not organisation_code:
            raise ValidationError(
                _("An organisation gives its unified social credit code."),
                code=DisclosureErrorCode.ORGANISATION_REQUIRED,
            )
        organisation_code = validate_credit_code(organisation_code)
        requester_name = organisation_name
    _check_attachments(attachments)
    case, query_code = do_open_case(
        kind=CaseKind.DISCLOSURE,
        handling_unit=handling_unit,
        site=site,
        subject=description[:80],
        content=description,
        acting_user=requester,
        requester=requester,
        requester_name=requester_name,
        contact_phone=requester.phone,
        contact_email=contact_email,
        contact_address=contact_address,
        statutory_days=STATUTORY_DAYS,
        public_note=_public_note(
            lambda: _(
                "Request submitted online. The 20 working days for the reply count from the day after the "
                "unit confirms receipt."
            )
        ),
    )
    request = DisclosureRequest.objects.create(
        case=case,
        applicant_type=applicant_type,
        organisation_name=organisation_name,
        organisation_code=organisation_code,
        description=description,
        purpose=purpose,
        delivery=delivery,
    )
    for checked in attachments:
        _attach(case, checked, user=requester, from_requester=True, public=False)
    log_event(
        DisclosureEvent.REQUEST_SUBMITTED,
        acting_user=requester,
        target=case,
        organization=handling_unit,
        extra={"request": request.pk, "applicant_type": applicant_type, "attachments": len(attachments)},
    )
    return case, query_code


# --- staff: receipt, correction, consultation -----------------------------------------------


@transaction.atomic
def do_accept_request(case: Case, *, acting_user: Any, on: dt.date | None = None) -> Case:
    """Confirm receipt (双方确认之日): the clock starts on ``on`` (default today)."""
    _require(acting_user, HANDLE, case)
    locked, _request = _locked(case)
    _require_status(locked, CaseStatus.SUBMITTED)
    today = timezone.localdate()
    on = on or today
    if on > today or on < timezone.localdate(locked.created_at):
        raise ValidationError(
            _("The date of receipt lies between the day the request was submitted and today."),
            code=DisclosureErrorCode.WRONG_DATE,
        )
    deadline = do_change_clock(locked, ClockEventKind.START, acting_user=acting_user, on=on)
    _set_status(locked, CaseStatus.ACCEPTED)
    add_case_event(
        locked,
        "accepted",
        actor=acting_user,
        public_note=_public_note(
            lambda: (
                _("Receipt confirmed on %(date)s. The reply is due by %(due)s (20 working days).")
                % {"date": _date_text(on), "due": _date_text(deadline.due_on)}
            )
        ),
    )
    log_event(
        DisclosureEvent.REQUEST_ACCEPTED,
        acting_user=acting_user,
        target=locked,
        organization=locked.handling_unit,
        extra={"received_on": on.isoformat(), "due_on": str(deadline.due_on or "")},
    )
    case.status, case.received_on, case.due_on = locked.status, locked.received_on, locked.due_on
    return locked


@transaction.atomic
def do_request_correction(case: Case, *, acting_user: Any, text: str) -> Case:
    """Ask once, within 7 working days of receipt, for everything to correct (补正); the clock pauses."""
    _require(acting_user, HANDLE, case)
    locked, request = _locked(case)
    _require_status(locked, CaseStatus.ACCEPTED)
    if request.correction_requested_at is not None:
        raise ValidationError(
            _("A correction was already asked for; the notice is given once, listing everything to correct."),
            code=DisclosureErrorCode.CORRECTION_ALREADY_REQUESTED,
        )
    window = correction_window(locked)
    today = timezone.localdate()
    if today > window.result:
        raise ValidationError(
            _(
                "A correction can only be asked for within 7 working days of receipt (until %(date)s). "
                "Reply to the request as it stands instead."
            )
            % {"date": _date_text(window.result)},
            code=DisclosureErrorCode.CORRECTION_TOO_LATE,
        )
    text = clean_text(text, max_length=DESCRIPTION_MAX, field_label=_("What to correct"))
    do_change_clock(locked, ClockEventKind.PAUSE, acting_user=acting_user, on=today, reason="correction")
    request.correction_requested_at = timezone.now()
    request.correction_text = text
    request.save(update_fields=["correction_requested_at", "correction_text"])
    _set_status(locked, CaseStatus.AWAITING_REQUESTER)
    due = correction_due(locked, request).result
    add_case_event(
        locked,
        "correction_requested",
        actor=acting_user,
        public_note=_public_note(
            lambda: (
                _(
                    "Please correct your request (补正) by %(due)s. What to correct: %(text)s "
                    "The reply period counts afresh from the day the corrected request arrives."
                )
                % {"due": _date_text(due), "text": text}
            )
        ),
    )
    log_event(
        DisclosureEvent.CORRECTION_REQUESTED,
        acting_user=acting_user,
        target=locked,
        organization=locked.handling_unit,
        extra={"due": due.isoformat()},
    )
    case.status, case.due_on = locked.status, locked.due_on
    return locked


@transaction.atomic
def do_submit_correction(
    case: Case, *, acting_user: Any, text: str, attachments: Sequence[CheckedUpload] = ()
) -> Case:
    """The requester's corrected request: the clock restarts today (the period counts afresh)."""
    locked, request = _locked(case)
    if acting_user is None or locked.requester_id != getattr(acting_user, "pk", None):
        raise ValidationError(
            _("Only the requester can correct the request."), code=PortalErrorCode.NOT_REQUESTER
        )
    _require_status(locked, CaseStatus.AWAITING_REQUESTER)
    text = clean_text(text, max_length=DESCRIPTION_MAX, field_label=_("Corrected request"))
    _check_attachments(attachments)
    today = timezone.localdate()
    deadline = do_change_clock(
        locked, ClockEventKind.RESTART, acting_user=acting_user, on=today, reason="correction received"
    )
    request.corrected_description = text
    request.corrected_at = timezone.now()
    request.save(update_fields=["corrected_description", "corrected_at"])
    for checked in attachments:
        _attach(locked, checked, user=acting_user, from_requester=True, public=False)
    _set_status(locked, CaseStatus.ACCEPTED)
    add_case_event(
        locked,
        "corrected",
        actor=acting_user,
        public_note=_public_note(
            lambda: (
                _("Corrected request received on %(date)s; the reply is now due by %(due)s.")
                % {"date": _date_text(today), "due": _date_text(deadline.due_on)}
            )
        ),
    )
    log_event(
        DisclosureEvent.CORRECTION_SUBMITTED,
        acting_user=acting_user,
        target=locked,
        organization=locked.handling_unit,
        extra={"attachments": len(attachments), "due_on": str(deadline.due_on or "")},
    )
    case.status, case.due_on = locked.status, locked.due_on
    return locked


@transaction.atomic
def do_close_without_correction(case: Case, *, acting_user: Any) -> Case:
    """No correction within the notice's time limit: deemed withdrawn (第三十条), result (六)1."""
    _require(acting_user, HANDLE, case)
    locked, request = _locked(case)
    _require_status(locked, CaseStatus.AWAITING_REQUESTER)
    due = correction_due(locked, request).result
    if timezone.localdate() <= due:
        raise ValidationError(
            _("The requester has until %(date)s to send the correction.") % {"date": _date_text(due)},
            code=DisclosureErrorCode.CORRECTION_NOT_OVERDUE,
        )
    do_change_clock(locked, ClockEventKind.STOP, acting_user=acting_user, reason="no correction")
    request.result = DisclosureResult.OTHER_NO_CORRECTION
    request.save(update_fields=["result"])
    locked.closed_at = timezone.now()
    locked.closed_by = acting_user
    locked.close_reason = "no correction"
    _set_status(locked, CaseStatus.CLOSED, "closed_at", "closed_by", "close_reason")
    add_case_event(
        locked,
        "closed_no_correction",
        actor=acting_user,
        public_note=_public_note(
            lambda: (
                _(
                    "No corrected request arrived by %(date)s: the request is deemed withdrawn and is not "
                    "processed further."
                )
                % {"date": _date_text(due)}
            )
        ),
    )
    log_event(
        DisclosureEvent.CLOSED_NO_CORRECTION,
        acting_user=acting_user,
        target=locked,
        organization=locked.handling_unit,
        extra={"correction_due": due.isoformat()},
    )
    case.status = locked.status
    return locked


@transaction.atomic
def do_start_consultation(case: Case, *, acting_user: Any, third_party: str, reason: str) -> Case:
    """Ask a third party's opinion (第三十二条): the clock pauses; the third party has 15 working days."""
    _require(acting_user, HANDLE, case)
    locked, request = _locked(case)
    _require_status(locked, CaseStatus.ACCEPTED)
    third_party = clean_text(third_party, max_length=200, field_label=_("Third party"))
    reason = clean_text(reason, max_length=500, field_label=_("Reason"))
    today = timezone.localdate()
    do_change_clock(locked, ClockEventKind.PAUSE, acting_user=acting_user, on=today, reason=reason)
    request.consultation_party = third_party
    request.consultation_started_on = today
    request.consultation_opinion = ""
    request.save(update_fields=["consultation_party", "consultation_started_on", "consultation_opinion"])
    _set_status(locked, CaseStatus.AWAITING_THIRD_PARTY)
    add_case_event(
        locked,
        "consultation_started",
        actor=acting_user,
        internal_note=reason,
        public_note=_public_note(
            lambda: _(
                "The information may affect a third party's rights, whose opinion has been asked for. "
                "The time this takes (at most 15 working days) does not count towards the reply period."
            )
        ),
    )
    log_event(
        DisclosureEvent.CONSULTATION_STARTED,
        acting_user=acting_user,
        target=locked,
        organization=locked.handling_unit,
        extra={"opinion_due": consultation_due(locked, request).result.isoformat()},
        reason=reason,
    )
    case.status, case.due_on = locked.status, locked.due_on
    return locked


@transaction.atomic
def do_record_consultation(case: Case, *, acting_user: Any, opinion: str, on: dt.date | None = None) -> Case:
    """The third party's opinion (or none within 15 working days): the clock resumes on ``on``."""
    _require(acting_user, HANDLE, case)
    locked, request = _locked(case)
    _require_status(locked, CaseStatus.AWAITING_THIRD_PARTY)
    opinion = clean_text(opinion, max_length=DESCRIPTION_MAX, field_label=_("Opinion"))
    today = timezone.localdate()
    on = on or today
    if on > today or (request.consultation_started_on and on < request.consultation_started_on):
        raise ValidationError(
            _("The opinion's date lies between the consultation and today."),
            code=DisclosureErrorCode.WRONG_DATE,
        )
    deadline = do_change_clock(locked, ClockEventKind.RESUME, acting_user=acting_user, on=on)
    request.consultation_opinion = opinion
    request.save(update_fields=["consultation_opinion"])
    _set_status(locked, CaseStatus.ACCEPTED)
    add_case_event(
        locked,
        "consultation_recorded",
        actor=acting_user,
        internal_note=opinion,
        public_note=_public_note(
            lambda: (
                _("The third party's consultation ended on %(date)s; the reply is now due by %(due)s.")
                % {"date": _date_text(on), "due": _date_text(deadline.due_on)}
            )
        ),
    )
    log_event(
        DisclosureEvent.CONSULTATION_RECORDED,
        acting_user=acting_user,
        target=locked,
        organization=locked.handling_unit,
        extra={"on": on.isoformat(), "due_on": str(deadline.due_on or "")},
    )
    case.status, case.due_on = locked.status, locked.due_on
    return locked


# --- staff: extension ---------------------------------------------------------------------

EXTENDABLE = (CaseStatus.ACCEPTED, CaseStatus.AWAITING_THIRD_PARTY)


@transaction.atomic
def do_request_extension(case: Case, *, acting_user: Any, days: int, reason: str) -> Case:
    """The handler asks to extend the deadline; the head of the disclosure office decides."""
    _require(acting_user, HANDLE, case)
    locked, request = _locked(case)
    _require_status(locked, *EXTENDABLE)
    if request.extension_days:
        raise ValidationError(
            _("An extension request is already waiting for approval."),
            code=DisclosureErrorCode.EXTENSION_PENDING,
        )
    reason = clean_text(reason, max_length=500, field_label=_("Reason"))
    left = MAX_EXTENSION_DAYS - extension_used(locked)
    if days <= 0 or days > left:
        raise ValidationError(
            _("The deadline may be extended by at most %(max)d working days in all; %(left)d are left.")
            % {"max": MAX_EXTENSION_DAYS, "left": max(left, 0)},
            code=PortalErrorCode.EXTENSION_TOO_LONG,
        )
    request.extension_days = days
    request.extension_reason = reason
    request.extension_requested_by = acting_user
    request.extension_requested_at = timezone.now()
    request.save(
        update_fields=[
            "extension_days",
            "extension_reason",
            "extension_requested_by",
            "extension_requested_at",
        ]
    )
    add_case_event(
        locked,
        "extension_requested",
        actor=acting_user,
        public=False,
        internal_note=_("Extension by %(n)d working days requested: %(reason)s")
        % {"n": days, "reason": reason},
    )
    log_event(
        DisclosureEvent.EXTENSION_REQUESTED,
        acting_user=acting_user,
        target=locked,
        organization=locked.handling_unit,
        extra={"days": days},
        reason=reason,
    )
    return locked


def do_decide_extension(case: Case, *, acting_user: Any, approve: bool, note: str = "") -> Case:
    """The head of the disclosure office (``portal.case.approve`` on the unit) approves or refuses.

    Approved: the clock is extended (at most 20 working days in all) and the requester is told.
    """
    if not has_permission(acting_user, APPROVE, case.handling_unit):
        log_event(
            DisclosureEvent.EXTENSION_APPROVED if approve else DisclosureEvent.EXTENSION_REFUSED,
            acting_user=acting_user,
            target=case,
            organization=case.handling_unit,
            success=False,
            reason="no approve permission",
        )
        raise PermissionDenied(_("Only the head of the disclosure office can decide on an extension."))
    return _decide_extension(case, acting_user=acting_user, approve=approve, note=note)


@transaction.atomic
def _decide_extension(case: Case, *, acting_user: Any, approve: bool, note: str) -> Case:
    locked, request = _locked(case)
    if not request.extension_days:
        raise ValidationError(
            _("No extension request is waiting for a decision."),
            code=DisclosureErrorCode.NO_PENDING_EXTENSION,
        )
    _require_status(locked, *EXTENDABLE)
    note = clean_text(note, max_length=500, required=False, field_label=_("Note"))
    days, reason = request.extension_days, request.extension_reason
    if approve:
        deadline = do_change_clock(
            locked,
            ClockEventKind.EXTEND,
            acting_user=request.extension_requested_by or acting_user,
            days=days,
            reason=reason,
            approved_by=acting_user,
            max_extension=MAX_EXTENSION_DAYS,
        )

        def notice() -> str:
            text = _(
                "With the approval of the head of the disclosure office, the reply period is extended by "
                "%(n)d working days."
            ) % {"n": days}
            if deadline.due_on:
                text += " " + _("The reply is now due by %(due)s.") % {"due": _date_text(deadline.due_on)}
            return text

        add_case_event(
            locked, "extended", actor=acting_user, internal_note=note, public_note=_public_note(notice)
        )
    else:
        add_case_event(
            locked,
            "extension_refused",
            actor=acting_user,
            public=False,
            internal_note=_("Extension refused: %(note)s") % {"note": note},
        )
    request.extension_days = 0
    request.extension_reason = ""
    request.extension_requested_by = None
    request.extension_requested_at = None
    request.save(
        update_fields=[
            "extension_days",
            "extension_reason",
            "extension_requested_by",
            "extension_requested_at",
        ]
    )
    log_event(
        DisclosureEvent.EXTENSION_APPROVED if approve else DisclosureEvent.EXTENSION_REFUSED,
        acting_user=acting_user,
        target=locked,
        organization=locked.handling_unit,
        extra={"days": days, "due_on": str(locked.due_on or "")},
        reason=note,
    )
    case.due_on = locked.due_on
    return locked


# --- staff: reply -------------------------------------------------------------------------


def check_reply_result(reply_type: str, result: str) -> None:
    """The annual-report category must be one the reply form can be counted as."""
    if reply_type not in REPLY_RESULTS:
        raise ValidationError(_("Choose the form of the reply."), code="invalid_choice")
    if result not in REPLY_RESULTS[reply_type]:
        raise ValidationError(
            _("“%(result)s” does not go with the reply “%(reply)s”; choose one of: %(allowed)s.")
            % {
                "result": DisclosureResult(result).label if result in DisclosureResult.values else result,
                "reply": ReplyType(reply_type).label,
                "allowed": "; ".join(str(DisclosureResult(r).label) for r in REPLY_RESULTS[reply_type]),
            },
            code=DisclosureErrorCode.INCONSISTENT_RESULT,
        )


@transaction.atomic
def do_reply(
    case: Case,
    *,
    acting_user: Any,
    reply_type: str,
    result: str,
    text: str,
    attachments: Sequence[CheckedUpload] = (),
) -> Case:
    """Answer the request: the reply (public on the status page), its category, the clock stops."""
    _require(acting_user, HANDLE, case)
    locked, request = _locked(case)
    _require_status(locked, CaseStatus.ACCEPTED)
    check_reply_result(reply_type, result)
    text = clean_text(text, max_length=REPLY_MAX, field_label=_("Reply"))
    if "【" in text:
        raise ValidationError(
            _("Complete the parts of the reply marked 【…】 first."),
            code=DisclosureErrorCode.UNFILLED_TEMPLATE,
        )
    _check_attachments(attachments)
    if request.extension_days:  # a pending extension request is moot once answered
        request.extension_days = 0
        request.extension_reason = ""
        request.extension_requested_by = None
        request.extension_requested_at = None
    do_change_clock(locked, ClockEventKind.STOP, acting_user=acting_user, reason=reply_type)
    request.reply_type = reply_type
    request.result = result
    request.reply_text = text
    request.replied_at = timezone.now()
    request.replied_by = acting_user
    request.save(
        update_fields=[
            "reply_type",
            "result",
            "reply_text",
            "replied_at",
            "replied_by",
            "extension_days",
            "extension_reason",
            "extension_requested_by",
            "extension_requested_at",
        ]
    )
    for checked in attachments:
        _attach(locked, checked, user=acting_user, from_requester=False, public=True)
    _set_status(locked, CaseStatus.REPLIED)
    on_time = locked.due_on is None or timezone.localdate() <= locked.due_on
    # The letter itself is the public line: the status page shows the latest "replied" line as the reply.
    add_case_event(locked, "replied", actor=acting_user, public_note=text)
    log_event(
        DisclosureEvent.REPLIED,
        acting_user=acting_user,
        target=locked,
        organization=locked.handling_unit,
        extra={
            "reply_type": reply_type,
            "result": result,
            "on_time": on_time,
            "attachments": len(attachments),
        },
    )
    case.status = locked.status
    return locked


# --- overdue escalation (periodic) ----------------------------------------------------------


def overdue_requests(today: dt.date | None = None) -> Iterable[Case]:
    today = today or timezone.localdate()
    return Case.objects.filter(
        kind=CaseKind.DISCLOSURE, status__in=OPEN_CASE_STATUSES, due_on__lt=today, escalated_at__isnull=True
    )


def escalate_overdue_requests(today: dt.date | None = None) -> int:
    """Mark open requests past their deadline (``escalated_at``) so the supervisors see them."""
    count = 0
    for case in overdue_requests(today).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case)
            if locked.escalated_at is not None or locked.status not in OPEN_CASE_STATUSES:
                continue
            locked.escalated_at = timezone.now()
            locked.save(update_fields=["escalated_at"])
            add_case_event(
                locked,
                "escalated",
                public=False,
                internal_note=_("Past the deadline of %(due)s: shown to the supervisors.")
                % {"due": _date_text(locked.due_on)},
            )
            log_event(
                DisclosureEvent.ESCALATED,
                acting_user=None,
                target=locked,
                organization=locked.handling_unit,
                extra={"due_on": str(locked.due_on)},
            )
            count += 1
    return count
