"""Official documents (公文, GB/T 9704-2012): the document, its immutable body versions and
opinions, attachments, rendered files and document numbers (发文字号).

Body text and opinions are append-only: a correction is a new version or a new opinion,
never an edit, so nothing said at any step is lost when a document is circulated,
forwarded or archived (the Steedos complaint, BEYOND).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.office.choices import (
    Direction,
    DocumentStatus,
    DocumentType,
    FileKind,
    OpinionKind,
    Secrecy,
    Urgency,
)
from edugov.platform.querysets import RestrictedQuerySet


class ImmutableError(RuntimeError):
    """An append-only row was asked to change."""


class AppendOnly(models.Model):
    """Rows that may be created but never changed or deleted through the ORM."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        if self.pk is not None and not self._state.adding:
            raise ImmutableError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003
        raise ImmutableError(f"{type(self).__name__} rows are append-only")


class NumberSeries(models.Model):
    """A series of document numbers of one unit, e.g. 新教发 (机关代字 + 发)."""

    scope_field = "organization"

    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="number_series"
    )
    prefix = models.CharField(_("issuing-organ code 机关代字"), max_length=20)
    name = models.CharField(_("name"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("document number series")
        verbose_name_plural = _("document number series")
        constraints = [
            models.UniqueConstraint(fields=["organization", "prefix"], name="office_series_unique")
        ]

    def __str__(self) -> str:
        return self.prefix

    def format(self, year: int, seq: int) -> str:
        """``新教发〔2026〕12号``: full year in 六角括号, no leading zeros, no 第."""
        return f"{self.prefix}〔{year}〕{seq}号"


class NumberCounter(models.Model):
    """The last number handed out in a series and year; locked while a number is taken."""

    series = models.ForeignKey(NumberSeries, on_delete=models.CASCADE, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="office_counter_unique")]

    def __str__(self) -> str:
        return f"{self.series_id}/{self.year}: {self.last_value}"


class DocumentQuerySet(RestrictedQuerySet):
    def restrict(self, user, action: str = "view"):  # noqa: ANN001, ANN201
        """Grants on the owning unit, plus, for reading, everyone the document was routed to.

        A department head asked to countersign, or a colleague asked to read (传阅), sees the
        document although their grant is on a department and the document on its bureau.
        """
        from edugov.core.permissions.scopes import scope_q
        from edugov.office.models.workflow import TaskCandidate

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        q = scope_q(user, f"office.document.{action}", field="organization")
        if action == "view":
            involved = models.Exists(
                TaskCandidate.objects.filter(task__document=models.OuterRef("pk"), user=user)
            ) | models.Exists(ReadReceipt.objects.filter(document=models.OuterRef("pk"), reader=user))
            q = involved if q is None else (q | involved)
        if q is None:
            return self.none()
        return self.filter(q)


class Document(models.Model):
    """One official document, outgoing (发文) or incoming (收文), with the GB/T 9704 elements."""

    scope_field = "organization"

    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="documents"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    doc_type = models.CharField(_("document type 文种"), max_length=16, choices=DocumentType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    # 版头 (head).
    copy_number = models.CharField(_("copy number 份号"), max_length=6, blank=True)
    secrecy = models.CharField(_("classification 密级"), max_length=10, choices=Secrecy.choices, blank=True)
    secrecy_period = models.CharField(_("classification period"), max_length=20, blank=True)
    urgency = models.CharField(_("urgency 紧急程度"), max_length=16, choices=Urgency.choices, blank=True)
    issuing_organ = models.CharField(_("issuing organ mark 发文机关标志"), max_length=60)
    series = models.ForeignKey(
        NumberSeries, verbose_name=_("number series"), on_delete=models.PROTECT, null=True, blank=True
    )
    number_year = models.PositiveSmallIntegerField(null=True, blank=True)
    number_seq = models.PositiveIntegerField(null=True, blank=True)
    doc_number = models.CharField(_("document number 发文字号"), max_length=40, blank=True)
    signer_name = models.CharField(_("signer 签发人"), max_length=40, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    # 主体 (body).
    main_recipients = models.CharField(_("main recipients 主送机关"), max_length=300, blank=True)
    current_body = models.ForeignKey(
        "office.BodyVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attachment_notes = models.JSONField(_("attachment notes 附件说明"), default=list, blank=True)
    signing_organ = models.CharField(_("signing organ 发文机关署名"), max_length=120, blank=True)
    written_on = models.DateField(_("date 成文日期"), null=True, blank=True)
    sealed = models.BooleanField(_("sealed"), default=False)
    remark = models.CharField(_("note 附注"), max_length=200, blank=True)
    # 版记 (imprint).
    cc_recipients = models.CharField(_("copied to 抄送机关"), max_length=300, blank=True)
    printed_by = models.CharField(_("printed by 印发机关"), max_length=120, blank=True)
    printed_on = models.DateField(_("printing date 印发日期"), null=True, blank=True)
    # Routing.
    recipient_units = models.ManyToManyField(
        "core.Organization", verbose_name=_("recipient units"), blank=True, related_name="+"
    )
    countersign_units = models.ManyToManyField(
        "core.Organization", verbose_name=_("countersigning departments"), blank=True, related_name="+"
    )
    # Incoming documents: where they came from and their register entry.
    source = models.ForeignKey(
        "self",
        verbose_name=_("sent as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
    )
    sender_unit = models.ForeignKey(
        "core.Organization",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    incoming_serial = models.CharField(_("incoming serial number 收文编号"), max_length=40, blank=True)
    received_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("handle by"), null=True, blank=True)
    process = models.ForeignKey(
        "office.ProcessInstance", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number_year", "number_seq"],
                condition=models.Q(number_seq__isnull=False),
                name="office_doc_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["organization", "direction", "status"], name="office_doc_unit_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_upward(self) -> bool:
        from edugov.office.choices import UPWARD_TYPES

        return self.doc_type in UPWARD_TYPES


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class BodyBlob(AppendOnly):
    """Body text stored once by its SHA-256 (content addressing)."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    text = models.TextField()

    def __str__(self) -> str:
        return self.sha256

    @classmethod
    def store(cls, text: str) -> BodyBlob:
        digest = content_hash(text)
        blob = cls.objects.filter(pk=digest).first()
        if blob is None:
            blob = cls.objects.create(sha256=digest, text=text)
        return blob


class BodyVersion(AppendOnly):
    """One immutable version of a document's body (正文)."""

    scope_field = "document__organization"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="body_versions")
    number = models.PositiveIntegerField(_("version"))
    blob = models.ForeignKey(BodyBlob, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    step = models.CharField(_("step"), max_length=60, blank=True)
    note = models.CharField(_("change note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="office_body_version_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def text(self) -> str:
        return self.blob.text

    @property
    def sha256(self) -> str:
        return self.blob_id


class Opinion(AppendOnly):
    """An opinion given at a step; immutable and kept with the document for good."""

    scope_field = "document__organization"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="opinions")
    kind = models.CharField(_("kind"), max_length=16, choices=OpinionKind.choices)
    step = models.CharField(_("step"), max_length=60, blank=True)
    task = models.ForeignKey(
        "office.WorkTask", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=64)
    unit = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("opinion"))
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:40]}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"office/attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(AppendOnly):
    """A file attached to a document (附件), content-addressed like bodies."""

    scope_field = "document__organization"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField(_("number"), default=1)
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["document", "position", "id"]

    def __str__(self) -> str:
        return self.name


def rendered_path(instance: DocumentFile, filename: str) -> str:
    return f"office/pdf/{instance.sha256[:2]}/{instance.sha256}.pdf"


class DocumentFile(AppendOnly):
    """A rendered PDF of a document: a preview, or the signed file (版式文件)."""

    scope_field = "document__organization"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=10, choices=FileKind.choices)
    body = models.ForeignKey(BodyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to=rendered_path)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    # Fingerprint of the certificate that signed it (empty for a preview).
    signer_certificate = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:12]}"


class FollowedDocument(models.Model):
    """Documents a user follows (我关注的)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="office_follow_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.document_id}"


class ReadReceipt(models.Model):
    """Circulation for reading (传阅): who was asked to read, and when they read."""

    scope_field = "document__organization"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="read_receipts")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "reader"], name="office_read_unique")]

    def __str__(self) -> str:
        return f"{self.reader_id} ← {self.document_id}"
