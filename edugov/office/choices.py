"""Choices of the internal office (内网): documents, processes, tasks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    """The 15 kinds of official document (《党政机关公文处理工作条例》第八条)."""

    RESOLUTION = "resolution", _("Resolution 决议")
    DECISION = "decision", _("Decision 决定")
    ORDER = "order", _("Order 命令（令）")
    COMMUNIQUE = "communique", _("Communiqué 公报")
    ANNOUNCEMENT = "announcement", _("Announcement 公告")
    PUBLIC_NOTICE = "public_notice", _("Public notice 通告")
    OPINION = "opinion", _("Opinion 意见")
    NOTICE = "notice", _("Notice 通知")
    CIRCULAR = "circular", _("Circular 通报")
    REPORT = "report", _("Report 报告")
    REQUEST = "request", _("Request for instructions 请示")
    REPLY = "reply", _("Reply 批复")
    MOTION = "motion", _("Motion 议案")
    LETTER = "letter", _("Letter 函")
    MINUTES = "minutes", _("Minutes 纪要")


# Kinds sent upwards (上行文): the 签发人 line is printed (GB/T 9704 7.2.5).
UPWARD_TYPES = frozenset({DocumentType.REPORT, DocumentType.REQUEST, DocumentType.MOTION})


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing 发文")
    INCOMING = "incoming", _("Incoming 收文")


class Urgency(models.TextChoices):
    NORMAL = "", _("Normal")
    URGENT = "urgent", _("Urgent 加急")
    EXTRA_URGENT = "extra_urgent", _("Extra urgent 特急")


class Secrecy(models.TextChoices):
    """The platform handles non-classified work only (STANDARDS §5.2)."""

    NONE = "", _("Not classified")
    INTERNAL = "internal", _("Internal 内部")


# Classified markings a user might type or import; always refused (see DocumentError).
CLASSIFIED_MARKINGS = ("秘密", "机密", "绝密", "secret", "confidential", "top secret")


class DocumentStatus(models.TextChoices):
    # Outgoing (发文).
    DRAFT = "draft", _("Drafting")
    REVIEW = "review", _("In review 核稿")
    COUNTERSIGN = "countersign", _("Countersigning 会签")
    SIGNOFF = "signoff", _("Awaiting sign-off 签发")
    DISPATCH = "dispatch", _("Signed off, to dispatch")
    DISTRIBUTED = "distributed", _("Distributed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # Incoming (收文).
    RECEIVED = "received", _("To sign for 待签收")
    REGISTERED = "registered", _("Registered")
    PROPOSAL = "proposal", _("Proposal 拟办")
    INSTRUCTION = "instruction", _("Leader instruction 批办")
    HANDLING = "handling", _("Handling 承办")
    CIRCULATING = "circulating", _("Circulating 传阅")
    COMPLETED = "completed", _("Completed 办结")
    # Both.
    ARCHIVED = "archived", _("Archived")


class OpinionKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    AGREE = "agree", _("Agree")
    RETURN = "return", _("Return")
    PROPOSAL = "proposal", _("Proposal 拟办意见")
    INSTRUCTION = "instruction", _("Instruction 批示")
    COUNTERSIGN = "countersign", _("Countersign 会签意见")
    SIGNOFF = "signoff", _("Sign-off 签发意见")
    HANDLING = "handling", _("Handling result 办理结果")
    READ = "read", _("Read 阅")


class ProcessStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    ERROR = "error", _("Error")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FileKind(models.TextChoices):
    PREVIEW = "preview", _("Preview")
    SIGNED = "signed", _("Signed PDF")
