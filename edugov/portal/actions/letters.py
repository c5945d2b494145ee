"""Letters (领导信箱, 咨询, 投诉, 举报; PUB-8): submit, route, reply, publish; routing rules.

* ``do_submit_letter`` opens the case (``do_open_case``) and its ``Letter`` row in one
  transaction; the clock starts on the day of submission with the kind's period
  (``LETTER_REPLY_DAYS``, working days). The unit is the first matching ``RoutingRule`` of
  the site's unit by priority, else the site's unit itself (``resolve_route``).
* ``do_reply_letter`` records the reply and its public attachments (``mark_replied``).
* ``do_publish_letter`` publishes question and answer with personal data removed, only
  when the requester agreed; the texts are redacted again on the way in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.choices import RegionLevel
from edugov.core.models import Organization, Region
from edugov.core.permissions.scopes import has_permission
from edugov.portal.abuse import CheckedUpload
from edugov.portal.actions.case_handling import CaseErrorCode, mark_replied
from edugov.portal.actions.cases import do_open_case
from edugov.portal.choices import CaseStatus
from edugov.portal.events_cases import CaseAuditEvent
from edugov.portal.models import Case, CaseAttachment, Letter, RoutingRule
from edugov.portal.models.letters import LETTER_KINDS, LETTER_REPLY_DAYS
from edugov.portal.redaction import redact, requester_names

REPLYABLE_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, CaseStatus.REOPENED, CaseStatus.REPLIED)


def county_regions(unit: Organization) -> QuerySet[Region]:
    """County-level regions in use under the unit's region (the letter form's choices)."""
    region = unit.region
    if region is None:
        return Region.objects.none()
    if region.level == RegionLevel.PROVINCE:
        prefix = region.code[:2]
    elif region.level == RegionLevel.PREFECTURE:
        prefix = region.code[:4]
    else:
        prefix = region.code
    return Region.objects.filter(
        code__startswith=prefix, level=RegionLevel.COUNTY, valid_until__isnull=True
    ).order_by("code")


def resolve_route(owner: Organization, category: str, region_code: str) -> Organization:
    """The first of the owner's rules (by priority) that matches, else the owner itself."""
    rules = RoutingRule.objects.filter(owner=owner, target__is_active=True).select_related("target")
    for rule in rules.order_by("priority", "pk"):
        if rule.matches(category, region_code):
            return rule.target
    return owner


def _save_attachments(case: Case, uploads: Iterable[CheckedUpload], *, by: Any, from_requester: bool) -> None:
    for upload in uploads:
        CaseAttachment.objects.create(
            case=case,
            file=upload.file,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
            from_requester=from_requester,
            public=not from_requester,
            uploaded_by=by if by is not None and getattr(by, "is_authenticated", False) else None,
        )


@transaction.atomic
def do_submit_letter(
    *,
    site: Any,
    kind: str,
    category: str,
    region: Region | None,
    subject: str,
    content: str,
    name: str = "",
    phone: str = "",
    email: str = "",
    consent_publish: bool = False,
    attachments: Iterable[CheckedUpload] = (),
    requester: Any = None,
) -> tuple[Case, str]:
    """Open a letter case on ``site``; returns the case and its query code (shown once)."""
    if kind not in LETTER_KINDS:
        raise ValueError(f"not a letter kind: {kind}")
    unit = resolve_route(site.organization, category, region.code if region else "")
    case, query_code = do_open_case(
        kind=kind,
        handling_unit=unit,
        subject=subject,
        content=content,
        acting_user=requester,
        site=site,
        requester=requester,
        requester_name=name,
        contact_phone=phone,
        contact_email=email,
        statutory_days=LETTER_REPLY_DAYS[kind],
        received_on=timezone.localdate(),
    )
    Letter.objects.create(
        case=case,
        category=category,
        region=region,
        anonymous=not name and not phone,
        consent_publish=consent_publish,
    )
    _save_attachments(case, attachments, by=requester, from_requester=True)
    return case, query_code


@transaction.atomic
def do_reply_letter(
    case: Case, *, acting_user: Any, text: str, attachments: Iterable[CheckedUpload] = ()
) -> Letter:
    if not has_permission(acting_user, "portal.case.handle", case.handling_unit):
        raise PermissionDenied(_("Your grant does not cover this case."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the reply."), code=CaseErrorCode.REASON_REQUIRED)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in REPLYABLE_STATUSES:
        raise ValidationError(_("This case cannot be replied to now."), code=CaseErrorCode.WRONG_STATUS)
    letter = Letter.objects.select_for_update().get(case=locked)
    letter.reply_text = text[:5000]
    letter.replied_at = timezone.now()
    letter.replied_by = acting_user
    letter.save(update_fields=["reply_text", "replied_at", "replied_by"])
    _save_attachments(locked, attachments, by=acting_user, from_requester=False)
    mark_replied(locked, acting_user=acting_user, public_note=letter.reply_text)
    return letter


def suggested_publication(case: Case) -> tuple[str, str]:
    """Question and answer with ID numbers, phones, e-mails and the requester's name removed."""
    names = requester_names(case)
    letter = case.letter
    question = f"{case.subject}\n\n{case.content}"
    return redact(question, names=names), redact(letter.reply_text, names=names)


@transaction.atomic
def do_publish_letter(case: Case, *, acting_user: Any, question: str, answer: str) -> Letter:
    if not has_permission(acting_user, "portal.case.handle", case.handling_unit):
        raise PermissionDenied(_("Your grant does not cover this case."))
    letter = Letter.objects.select_for_update().select_related("case").get(case=case)
    if not letter.consent_publish:
        raise ValidationError(_("The requester did not agree to publication."), code=CaseErrorCode.NO_CONSENT)
    if not letter.reply_text:
        raise ValidationError(_("Reply before publishing."), code=CaseErrorCode.NOT_REPLIED)
    names = requester_names(letter.case)
    question, answer = redact(question.strip(), names=names), redact(answer.strip(), names=names)
    if not question or not answer:
        raise ValidationError(_("Both question and answer are needed."), code=CaseErrorCode.REASON_REQUIRED)
    letter.published = True
    letter.published_at = timezone.now()
    letter.published_by = acting_user
    letter.published_question = question[:8000]
    letter.published_answer = answer[:8000]
    letter.save(
        update_fields=["published", "published_at", "published_by", "published_question", "published_answer"]
    )
    log_event(CaseAuditEvent.LETTER_PUBLISHED, acting_user=acting_user, target=letter.case)
    return letter


@transaction.atomic
def do_unpublish_letter(case: Case, *, acting_user: Any, reason: str) -> Letter:
    if not has_permission(acting_user, "portal.case.handle", case.handling_unit):
        raise PermissionDenied(_("Your grant does not cover this case."))
    letter = Letter.objects.select_for_update().get(case=case)
    letter.published = False
    letter.save(update_fields=["published"])
    log_event(CaseAuditEvent.LETTER_UNPUBLISHED, acting_user=acting_user, target=case, reason=reason)
    return letter


def _check_rule(owner: Organization, target: Organization, region_prefix: str, acting_user: Any) -> str:
    if not has_permission(acting_user, "portal.case.route", owner):
        raise PermissionDenied(_("Your grant does not cover this unit's routing."))
    if not target.is_active or not target.path.startswith(owner.path):
        raise ValidationError(
            {
                "target": ValidationError(
                    _("Letters can be routed only to this unit or a unit below it."),
                    code=CaseErrorCode.ROUTE_TARGET_OUT_OF_SCOPE,
                )
            }
        )
    region_prefix = (region_prefix or "").strip()
    if region_prefix and (not region_prefix.isdigit() or len(region_prefix) > 6):
        raise ValidationError(
            {"region_prefix": ValidationError(_("Up to six digits of a region code."), code="invalid")}
        )
    return region_prefix


@transaction.atomic
def do_save_routing_rule(
    *,
    owner: Organization,
    target: Organization,
    acting_user: Any,
    category: str = "",
    region_prefix: str = "",
    priority: int = 100,
    rule: RoutingRule | None = None,
) -> RoutingRule:
    region_prefix = _check_rule(owner, target, region_prefix, acting_user)
    if rule is None:
        rule = RoutingRule(owner=owner, created_by=acting_user)
    elif rule.owner_id != owner.pk:
        raise PermissionDenied(_("Your grant does not cover this unit's routing."))
    rule.target = target
    rule.category = category or ""
    rule.region_prefix = region_prefix
    rule.priority = priority
    rule.save()
    log_event(
        CaseAuditEvent.ROUTING_RULE_SAVED,
        acting_user=acting_user,
        target=rule,
        organization=owner,
        extra={"target_unit": target.pk, "category": rule.category, "region_prefix": region_prefix},
    )
    return rule


@transaction.atomic
def do_delete_routing_rule(rule: RoutingRule, *, acting_user: Any) -> None:
    if not has_permission(acting_user, "portal.case.route", rule.owner):
        raise PermissionDenied(_("Your grant does not cover this unit's routing."))
    log_event(
        CaseAuditEvent.ROUTING_RULE_DELETED,
        acting_user=acting_user,
        target=rule,
        organization=rule.owner,
        extra={"target_unit": rule.target_id},
    )
    rule.delete()
