"""The 好差评 loop (STANDARDS §7.2; BEYOND A.5, B.2, B.17, B.20): rate, rectify, follow up,
appeal, reopen.

* ``do_rate_case`` — one click, recorded at once; one rating per reply round. A bad rating
  (不满意, 非常不满意) opens a ``Rectification`` due in ``EDUGOV_RECTIFICATION_DAYS`` working
  days; the case shows "being rectified" until staff record it.
* ``do_record_rectification`` / ``do_record_follow_up`` — the unit's record of what it
  changed and of the 回访 call; both are needed before ``do_close_case`` will close.
* ``do_file_rating_appeal`` / ``do_decide_rating_appeal`` — 申诉复核: the handler appeals, a
  supervisor of the parent unit decides; upheld excludes the rating from the statistics.
* ``do_reopen_case`` — the requester, within ``EDUGOV_CASE_REOPEN_DAYS`` of the reply.
* ``do_add_requester_update`` — what the requester adds later reaches the handler's to-dos.

The requester's side (rate, reopen, update) is called by the public views after they
checked the status-page token or the signed-in owner; ``requester`` is only for the audit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.calendar import add_working_days
from edugov.core.permissions.scopes import has_permission
from edugov.portal.abuse import clean_text
from edugov.portal.actions.case_handling import (
    EVENT_FOLLOW_UP,
    EVENT_RATED,
    EVENT_RECTIFICATION,
    EVENT_RECTIFIED,
    EVENT_REOPENED,
    EVENT_REQUESTER_UPDATE,
    CaseErrorCode,
    last_reply_at,
)
from edugov.portal.actions.cases import _clock, add_case_event
from edugov.portal.choices import BAD_RATINGS, CaseKind, CaseStatus, ClockEventKind, Rating
from edugov.portal.clock import refresh_due_on
from edugov.portal.events_cases import CaseAuditEvent
from edugov.portal.models import Case, CaseRating, FollowUp, RatingAppeal, Rectification
from edugov.portal.models.ratings import AppealStatus, FollowUpMethod, RectificationStatus

RATABLE_STATUSES = (CaseStatus.REPLIED, CaseStatus.CLOSED)
REOPENABLE_STATUSES = (CaseStatus.REPLIED, CaseStatus.CLOSED, CaseStatus.RECTIFYING)


def disclosure_remedy_message() -> str:
    return _(
        "A reply to a disclosure request is not reopened here. If you disagree with it, you may apply "
        "for administrative review or bring an administrative lawsuit as the reply explains, or "
        "complain to the government information disclosure office one level up."
    )


def _actor(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def can_rate(case: Case) -> bool:
    """A reply (or closing) this round, and no rating for this round yet."""
    return (
        case.status in RATABLE_STATUSES
        and not CaseRating.objects.filter(case=case, round=case.reopen_count).exists()
    )


def reopen_deadline(case: Case) -> dt.datetime | None:
    replied = last_reply_at(case)
    if replied is None:
        return None
    return replied + dt.timedelta(days=settings.EDUGOV_CASE_REOPEN_DAYS)


def can_reopen(case: Case) -> bool:
    """Letters only: a disclosure reply is an administrative act, contested by review or lawsuit."""
    if case.kind == CaseKind.DISCLOSURE:
        return False
    until = reopen_deadline(case)
    return case.status in REOPENABLE_STATUSES and until is not None and timezone.now() <= until


@transaction.atomic
def do_rate_case(case: Case, *, level: int, comment: str = "", requester: Any = None) -> CaseRating:
    try:
        level = Rating(int(level))
    except (TypeError, ValueError):
        raise ValidationError(_("Choose one of the five levels."), code=CaseErrorCode.NOT_RATABLE) from None
    comment = clean_text(comment, max_length=1000, required=False, field_label=_("Comment"))
    locked = Case.objects.select_for_update().select_related("handling_unit").get(pk=case.pk)
    if locked.status not in RATABLE_STATUSES:
        raise ValidationError(
            _("The case can be rated once it has been answered."), code=CaseErrorCode.NOT_RATABLE
        )
    if CaseRating.objects.filter(case=locked, round=locked.reopen_count).exists():
        raise ValidationError(_("You have already rated this answer."), code=CaseErrorCode.ALREADY_RATED)
    rating = CaseRating.objects.create(
        case=locked,
        round=locked.reopen_count,
        unit=locked.handling_unit,
        level=level,
        comment=comment,
        rated_by=_actor(requester),
    )
    add_case_event(locked, EVENT_RATED, actor=requester, internal_note=comment)
    log_event(
        CaseAuditEvent.CASE_RATED,
        acting_user=_actor(requester),
        target=locked,
        organization=locked.handling_unit,
        extra={"level": int(level), "round": rating.round},
    )
    if level in BAD_RATINGS:
        due = add_working_days(timezone.localdate(), settings.EDUGOV_RECTIFICATION_DAYS, locked.jurisdiction)
        rectification = Rectification.objects.create(
            case=locked, rating=rating, unit=locked.handling_unit, due_on=due.result
        )
        # Also after closing: the loop is open again until rectified, followed up and closed.
        locked.status = CaseStatus.RECTIFYING
        locked.save(update_fields=["status"])
        add_case_event(locked, EVENT_RECTIFICATION, public_note=due.result.isoformat())
        log_event(
            CaseAuditEvent.RECTIFICATION_OPENED,
            acting_user=None,
            target=locked,
            organization=locked.handling_unit,
            extra={"rectification": rectification.pk, "due_on": due.result.isoformat()},
        )
    return rating


def _require_unit(user: Any, action: str, unit: Any) -> None:
    if not has_permission(user, f"portal.case.{action}", unit):
        raise PermissionDenied(_("Your grant does not cover this case."))


@transaction.atomic
def do_record_rectification(rectification: Rectification, *, acting_user: Any, notes: str) -> Rectification:
    """The unit records what it changed (shown to the requester on the status page)."""
    _require_unit(acting_user, "handle", rectification.unit)
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError(_("Say what was rectified."), code=CaseErrorCode.REASON_REQUIRED)
    locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
    if locked.status != RectificationStatus.OPEN:
        raise ValidationError(_("This rectification is not open."), code=CaseErrorCode.WRONG_STATUS)
    locked.status = RectificationStatus.DONE
    locked.notes = notes[:4000]
    locked.done_at = timezone.now()
    locked.done_by = acting_user
    locked.save(update_fields=["status", "notes", "done_at", "done_by"])
    case = Case.objects.select_for_update().get(pk=locked.case_id)
    if (
        case.status == CaseStatus.RECTIFYING
        and not case.rectifications.filter(status=RectificationStatus.OPEN).exists()
    ):
        case.status = CaseStatus.REPLIED
        case.save(update_fields=["status"])
    add_case_event(case, EVENT_RECTIFIED, actor=acting_user, public_note=locked.notes)
    log_event(
        CaseAuditEvent.RECTIFICATION_DONE,
        acting_user=acting_user,
        target=case,
        organization=locked.unit,
        extra={"rectification": locked.pk},
    )
    return locked


@transaction.atomic
def do_record_follow_up(
    case: Case,
    *,
    acting_user: Any,
    method: str,
    on: dt.date,
    opinion: str,
    satisfied: bool,
    rectification: Rectification | None = None,
) -> FollowUp:
    """回访: who asked the requester, how, when, what they said and whether they are satisfied."""
    _require_unit(acting_user, "handle", case.handling_unit)
    if method not in FollowUpMethod.values:
        raise ValidationError(_("Choose how the requester was contacted."), code=CaseErrorCode.WRONG_STATUS)
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError(_("Write down the requester's opinion."), code=CaseErrorCode.REASON_REQUIRED)
    if on > timezone.localdate():
        raise ValidationError(_("The follow-up cannot be in the future."), code=CaseErrorCode.WRONG_STATUS)
    if rectification is None:
        pending = case.rectifications.exclude(status=RectificationStatus.CANCELLED).exclude(
            pk__in=FollowUp.objects.filter(rectification__isnull=False).values("rectification_id")
        )
        rectification = pending.order_by("-created_at", "-pk").first()
    elif rectification.case_id != case.pk:
        raise ValidationError(
            _("That rectification belongs to another case."), code=CaseErrorCode.WRONG_STATUS
        )
    follow_up = FollowUp.objects.create(
        case=case,
        rectification=rectification,
        method=method,
        on=on,
        opinion=opinion[:2000],
        satisfied=bool(satisfied),
        recorded_by=acting_user,
    )
    add_case_event(case, EVENT_FOLLOW_UP, actor=acting_user, public=False, internal_note=opinion[:2000])
    log_event(
        CaseAuditEvent.FOLLOW_UP_RECORDED,
        acting_user=acting_user,
        target=case,
        extra={"follow_up": follow_up.pk, "satisfied": follow_up.satisfied, "method": method},
    )
    return follow_up


@transaction.atomic
def do_reopen_case(case: Case, *, reason: str, requester: Any = None) -> Case:
    reason = clean_text(reason, max_length=1000, field_label=_("Reason"))
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.kind == CaseKind.DISCLOSURE:
        raise ValidationError(disclosure_remedy_message(), code=CaseErrorCode.NOT_REOPENABLE)
    if locked.status not in REOPENABLE_STATUSES:
        raise ValidationError(_("Only an answered case can be reopened."), code=CaseErrorCode.NOT_REOPENABLE)
    if not can_reopen(locked):
        raise ValidationError(
            _("A case can be reopened within %(n)d days of the reply; please submit a new letter.")
            % {"n": settings.EDUGOV_CASE_REOPEN_DAYS},
            code=CaseErrorCode.REOPEN_WINDOW_PASSED,
        )
    locked.status = CaseStatus.REOPENED
    locked.reopen_count += 1
    locked.save(update_fields=["status", "reopen_count"])
    # A new round with a full handling period from today (not the first round's past date).
    _clock(locked, ClockEventKind.REOPEN, timezone.localdate(), actor=requester, reason="reopened")
    refresh_due_on(locked)
    add_case_event(locked, EVENT_REOPENED, actor=requester, internal_note=reason)
    log_event(
        CaseAuditEvent.CASE_REOPENED,
        acting_user=_actor(requester),
        target=locked,
        organization=locked.handling_unit,
        extra={"reopen_count": locked.reopen_count},
    )
    return locked


@transaction.atomic
def do_add_requester_update(case: Case, *, text: str, requester: Any = None) -> Any:
    """Something the requester adds (also after closing): it reaches the handler as a to-do."""
    text = clean_text(text, max_length=3000, field_label=_("Message"))
    if case.status == CaseStatus.WITHDRAWN:
        raise ValidationError(_("The case was withdrawn."), code=CaseErrorCode.WRONG_STATUS)
    event = add_case_event(case, EVENT_REQUESTER_UPDATE, actor=requester, internal_note=text)
    log_event(
        CaseAuditEvent.CASE_REQUESTER_UPDATE,
        acting_user=_actor(requester),
        target=case,
        organization=case.handling_unit,
    )
    return event


def appeal_decider_unit(rating: CaseRating) -> Any:
    """The parent of the rated unit decides (the rated unit itself at the top of the tree)."""
    return rating.unit.get_parent() or rating.unit


def may_decide_appeal(user: Any, appeal: RatingAppeal) -> bool:
    return (
        appeal.status == AppealStatus.PENDING
        and appeal.filed_by_id != getattr(user, "pk", None)
        and has_permission(user, "portal.case.approve", appeal_decider_unit(appeal.rating))
    )


@transaction.atomic
def do_file_rating_appeal(rating: CaseRating, *, acting_user: Any, reason: str) -> RatingAppeal:
    _require_unit(acting_user, "handle", rating.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."), code=CaseErrorCode.REASON_REQUIRED)
    locked = CaseRating.objects.select_for_update().get(pk=rating.pk)
    if locked.excluded:
        raise ValidationError(_("The rating is already excluded."), code=CaseErrorCode.APPEAL_DECIDED)
    if locked.appeals.filter(status=AppealStatus.PENDING).exists():
        raise ValidationError(
            _("An appeal is already waiting for review."), code=CaseErrorCode.APPEAL_PENDING
        )
    appeal = RatingAppeal.objects.create(rating=locked, reason=reason[:2000], filed_by=acting_user)
    log_event(
        CaseAuditEvent.APPEAL_FILED,
        acting_user=acting_user,
        target=locked.case,
        organization=locked.unit,
        extra={"rating": locked.pk, "appeal": appeal.pk},
        reason=reason,
    )
    return appeal


@transaction.atomic
def do_decide_rating_appeal(
    appeal: RatingAppeal, *, acting_user: Any, upheld: bool, note: str
) -> RatingAppeal:
    locked = RatingAppeal.objects.select_for_update().select_related("rating__unit").get(pk=appeal.pk)
    if locked.status != AppealStatus.PENDING:
        raise ValidationError(_("This appeal has been decided."), code=CaseErrorCode.APPEAL_DECIDED)
    if not may_decide_appeal(acting_user, locked):
        raise ValidationError(
            _("A supervisor of the parent unit, other than the one who appealed, decides appeals."),
            code=CaseErrorCode.NOT_APPEAL_DECIDER,
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Give a reason."), code=CaseErrorCode.REASON_REQUIRED)
    locked.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    locked.decided_by = acting_user
    locked.decided_at = timezone.now()
    locked.decision_note = note[:2000]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    rating = locked.rating
    if upheld:
        rating.excluded = True
        rating.save(update_fields=["excluded"])
        Rectification.objects.filter(rating=rating, status=RectificationStatus.OPEN).update(
            status=RectificationStatus.CANCELLED
        )
        case = Case.objects.select_for_update().get(pk=rating.case_id)
        if (
            case.status == CaseStatus.RECTIFYING
            and not case.rectifications.filter(status=RectificationStatus.OPEN).exists()
        ):
            case.status = CaseStatus.REPLIED
            case.save(update_fields=["status"])
    log_event(
        CaseAuditEvent.APPEAL_DECIDED,
        acting_user=acting_user,
        target=rating.case,
        organization=appeal_decider_unit(rating),
        extra={"rating": rating.pk, "appeal": locked.pk, "upheld": bool(upheld)},
        reason=note,
    )
    return locked


def rating_summary(ratings: QuerySet[CaseRating]) -> dict[int, dict[int, int]]:
    """{unit id: {level: count}} over the ratings given, excluded ones left out."""
    summary: dict[int, dict[int, int]] = {}
    rows = ratings.filter(excluded=False).values("unit_id", "level").annotate(n=Count("pk"))
    for row in rows:
        summary.setdefault(row["unit_id"], {})[row["level"]] = row["n"]
    return summary
