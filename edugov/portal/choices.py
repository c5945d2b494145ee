from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    """Every citizen request is a case with one number, status page and rating (BEYOND A.18)."""

    DISCLOSURE = "disclosure", _("Disclosure request 依申请公开")
    MAILBOX = "mailbox", _("Leader mailbox 领导信箱")
    CONSULTATION = "consultation", _("Consultation 咨询")
    COMPLAINT = "complaint", _("Complaint 投诉")
    REPORT = "report", _("Report 举报")


# Case-number prefixes, one sequence per kind and year: YSQ2026000001.
CASE_NUMBER_PREFIX = {
    CaseKind.DISCLOSURE: "YSQ",
    CaseKind.MAILBOX: "LDXX",
    CaseKind.CONSULTATION: "ZX",
    CaseKind.COMPLAINT: "TS",
    CaseKind.REPORT: "JB",
}


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted, being handled")
    AWAITING_REQUESTER = "awaiting_requester", _("Waiting for the requester's correction 补正")
    AWAITING_THIRD_PARTY = "awaiting_third_party", _("Waiting for a third party's opinion")
    REPLIED = "replied", _("Replied")
    RECTIFYING = "rectifying", _("Being rectified 整改中")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_CASE_STATUSES = (
    CaseStatus.SUBMITTED,
    CaseStatus.ACCEPTED,
    CaseStatus.AWAITING_REQUESTER,
    CaseStatus.AWAITING_THIRD_PARTY,
    CaseStatus.RECTIFYING,
    CaseStatus.REOPENED,
)


class ClockEventKind(models.TextChoices):
    """What happens to a case's deadline clock (BEYOND A.1)."""

    START = "start", _("Clock started")
    PAUSE = "pause", _("Clock paused")
    RESUME = "resume", _("Clock resumed")
    RESTART = "restart", _("Clock restarted")  # 补正 received: the period counts afresh
    EXTEND = "extend", _("Deadline extended")
    STOP = "stop", _("Clock stopped")


class Rating(models.IntegerChoices):
    """The five 好差评 levels (国办发〔2019〕51号); 1 and 2 are bad ratings."""

    VERY_SATISFIED = 5, _("Very satisfied 非常满意")
    SATISFIED = 4, _("Satisfied 满意")
    BASICALLY_SATISFIED = 3, _("Basically satisfied 基本满意")
    DISSATISFIED = 2, _("Dissatisfied 不满意")
    VERY_DISSATISFIED = 1, _("Very dissatisfied 非常不满意")


BAD_RATINGS = (Rating.DISSATISFIED, Rating.VERY_DISSATISFIED)
