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
    REOPEN = "reopen", _("Clock restarted on reopening")  # the requester reopened: a new round


class Rating(models.IntegerChoices):
    """The five 好差评 levels (国办发〔2019〕51号); 1 and 2 are bad ratings."""

    VERY_SATISFIED = 5, _("Very satisfied 非常满意")
    SATISFIED = 4, _("Satisfied 满意")
    BASICALLY_SATISFIED = 3, _("Basically satisfied 基本满意")
    DISSATISFIED = 2, _("Dissatisfied 不满意")
    VERY_DISSATISFIED = 1, _("Very dissatisfied 非常不满意")


BAD_RATINGS = (Rating.DISSATISFIED, Rating.VERY_DISSATISFIED)


class ApplicantType(models.TextChoices):
    """Columns of the annual report's table 三 (国办公开办函〔2021〕30号)."""

    NATURAL_PERSON = "natural", _("Natural person 自然人")
    BUSINESS = "business", _("Commercial enterprise 商业企业")
    RESEARCH = "research", _("Research institution 科研机构")
    PUBLIC_WELFARE = "welfare", _("Public-interest organisation 社会公益组织")
    LEGAL_SERVICE = "legal", _("Legal service organisation 法律服务机构")
    OTHER_ORGANISATION = "other_org", _("Other organisation 其他")


class DisclosureResult(models.TextChoices):
    """How a disclosure request ended, as the annual report's table 三 counts it (STANDARDS §6.4)."""

    DISCLOSED = "disclosed", _("(一) Disclosed 予以公开")
    PARTIAL = "partial", _("(二) Partly disclosed 部分公开")
    REFUSED_STATE_SECRET = "refused_secret", _("(三)1 Refused: state secret")
    REFUSED_LAW = "refused_law", _("(三)2 Refused: other laws forbid disclosure")
    REFUSED_SECURITY = (
        "refused_security",
        _("(三)3 Refused: endangers the 'three securities and one stability'"),
    )
    REFUSED_THIRD_PARTY = "refused_third_party", _("(三)4 Refused: protects a third party's rights")
    REFUSED_INTERNAL = "refused_internal", _("(三)5 Refused: internal affairs information")
    REFUSED_PROCESS = "refused_process", _("(三)6 Refused: process information")
    REFUSED_ENFORCEMENT = "refused_enforcement", _("(三)7 Refused: administrative enforcement file")
    REFUSED_QUERY = "refused_query", _("(三)8 Refused: administrative query matter")
    UNAVAILABLE_NOT_HELD = "unavailable_not_held", _("(四)1 Cannot provide: not held by this office")
    UNAVAILABLE_NEEDS_CREATION = "unavailable_creation", _("(四)2 Cannot provide: would have to be created")
    UNAVAILABLE_UNCLEAR = "unavailable_unclear", _("(四)3 Cannot provide: still unclear after correction")
    NOT_HANDLED_PETITION = "not_handled_petition", _("(五)1 Not handled: a petition, report or complaint")
    NOT_HANDLED_REPEAT = "not_handled_repeat", _("(五)2 Not handled: repeated request")
    NOT_HANDLED_PUBLICATION = "not_handled_publication", _("(五)3 Not handled: asks for published material")
    NOT_HANDLED_EXCESSIVE = (
        "not_handled_excessive",
        _("(五)4 Not handled: many repeated requests without reason"),
    )
    NOT_HANDLED_CONFIRM = (
        "not_handled_confirm",
        _("(五)5 Not handled: asks to confirm or reissue information"),
    )
    OTHER_NO_CORRECTION = (
        "other_no_correction",
        _("(六)1 Other: no correction in time, not processed further"),
    )
    OTHER_NO_FEE = "other_no_fee", _("(六)2 Other: fee not paid in time, not processed further")
    OTHER = "other", _("(六)3 Other")


class ReplyType(models.TextChoices):
    """Reply forms of 政府信息公开条例 第三十六条 (and 第三十七条 partial disclosure)."""

    ALREADY_PUBLIC = "already_public", _("Already proactively disclosed: where to find it")
    PROVIDED = "provided", _("Can be disclosed: provided, or how and when to get it")
    PARTIAL = "partial", _("Partly disclosed: the disclosable part provided, reasons for the rest")
    REFUSED = "refused", _("Not to be disclosed, with reasons")
    NOT_EXIST = "not_exist", _("The information does not exist")
    NOT_OUR_OFFICE = "not_our_office", _("Not this office's to disclose: the responsible office")
    REPEATED = "repeated", _("Repeated request: not handled again")
    OTHER_LAW = "other_law", _("Other laws govern access: handle under those rules")


class DeliveryMethod(models.TextChoices):
    ONLINE = "online", _("Online, on the case page")
    POST = "post", _("By post")
    PICKUP = "pickup", _("Collect in person")
