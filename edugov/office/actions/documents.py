"""Official documents from draft to archive (IN-1, IN-2).

Outgoing (发文): a clerk drafts → the office reviews (核稿) → departments countersign in
parallel (会签) → a leader signs off (签发: the number is taken, the PDF rendered and signed
in that one transaction) → the office dispatches (复核分发): each recipient unit in this
node gets an incoming copy, and the outgoing document is archived.

Incoming (收文): the receiving unit signs for it (签收; the sender sees the receipt) →
registers it (登记, 收文编号) → proposes (拟办) → a leader instructs (批办) → departments
handle it in parallel (承办) → completion (办结) → archive (归档). Circulation for reading
(传阅) and reminders (催办) happen alongside.

The route itself is BPMN run by ``edugov.office.workflow.engine``; this module gives each
step its meaning for documents: opinions (append-only), body versions (append-only,
content-addressed), numbers, the signed PDF and distribution.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.models import Organization, User
from edugov.office.choices import (
    CLASSIFIED_MARKINGS,
    Direction,
    DocumentStatus,
    FileKind,
    OpinionKind,
    ProcessStatus,
    Secrecy,
    TaskStatus,
)
from edugov.office.errors import ClassifiedRefused, OfficeError
from edugov.office.events import OfficeEvent
from edugov.office.models import (
    BodyBlob,
    BodyVersion,
    Document,
    DocumentFile,
    FollowedDocument,
    NumberSeries,
    Opinion,
    ReadReceipt,
    WorkTask,
)
from edugov.office.models.documents import content_hash
from edugov.office.signals import document_distributed

logger = logging.getLogger(__name__)

OUTGOING = "office.outgoing"
INCOMING = "office.incoming"

# Which status a document is in while a step is open (the earliest open step wins).
OUTGOING_STAGES = (
    ("draft", DocumentStatus.DRAFT),
    ("review", DocumentStatus.REVIEW),
    ("countersign", DocumentStatus.COUNTERSIGN),
    ("signoff", DocumentStatus.SIGNOFF),
    ("dispatch", DocumentStatus.DISPATCH),
)
INCOMING_STAGES = (
    ("signfor", DocumentStatus.RECEIVED),
    ("register", DocumentStatus.REGISTERED),
    ("propose", DocumentStatus.PROPOSAL),
    ("instruct", DocumentStatus.INSTRUCTION),
    ("handle", DocumentStatus.HANDLING),
    ("complete", DocumentStatus.HANDLING),
    ("archive", DocumentStatus.COMPLETED),
)
# Steps whose holder may save a new body version.
BODY_EDIT_STEPS = frozenset({"draft", "review", "signoff"})
# The opinion kind recorded for each step.
STEP_OPINION = {
    "review": OpinionKind.COMMENT,
    "countersign": OpinionKind.COUNTERSIGN,
    "signoff": OpinionKind.SIGNOFF,
    "propose": OpinionKind.PROPOSAL,
    "instruct": OpinionKind.INSTRUCTION,
    "handle": OpinionKind.HANDLING,
    "complete": OpinionKind.HANDLING,
}
# Outcomes that send the document back: they need a reason.
RETURN_OUTCOMES = frozenset({"return", "return_review", "reject"})


def _engine():  # noqa: ANN202 - the module (imported late: it parses BPMN on first use)
    from edugov.office.workflow import engine

    return engine


# --- Checks ---------------------------------------------------------------------------------


def check_not_classified(*, secrecy: str = "", texts: Iterable[str] = ()) -> None:
    """Refuse 涉密 material by design: the platform handles non-classified work only."""
    marking = (secrecy or "").strip().lower()
    if marking and marking not in Secrecy.values:
        raise ClassifiedRefused(
            _(
                "Classified documents (秘密, 机密, 绝密) must not be handled on this platform, which is "
                "for non-classified work only. Handle it on the classified network and register "
                "only a non-classified note here."
            )
        )
    for text in texts:
        head = (text or "")[:40]
        if any(m in head for m in CLASSIFIED_MARKINGS[:3]) and "★" in head:
            raise ClassifiedRefused(
                _(
                    "The text is marked as classified (%(head)s). Classified documents must not be "
                    "handled on this platform."
                )
                % {"head": head}
            )


def _refuse_classified(error: ClassifiedRefused, *, acting_user: User, organization: Organization) -> None:
    log_event(
        OfficeEvent.CLASSIFIED_REFUSED,
        acting_user=acting_user,
        organization=organization,
        success=False,
        reason=str(error)[:200],
    )


# --- Drafting -------------------------------------------------------------------------------


def _store_body(
    document: Document, text: str, *, acting_user: User, step: str, note: str = ""
) -> BodyVersion:
    last = document.body_versions.order_by("-number").first()
    version = BodyVersion.objects.create(
        document=document,
        number=(last.number + 1) if last else 1,
        blob=BodyBlob.store(text),
        author=acting_user,
        step=step,
        note=note[:200],
    )
    document.current_body = version
    document.save(update_fields=["current_body", "updated_at"])
    return version


def do_create_draft(
    *,
    organization: Organization,
    doc_type: str,
    title: str,
    body_text: str,
    acting_user: User,
    issuing_organ: str = "",
    series: NumberSeries | None = None,
    main_recipients: str = "",
    cc_recipients: str = "",
    urgency: str = "",
    secrecy: str = "",
    secrecy_period: str = "",
    remark: str = "",
    signing_organ: str = "",
    printed_by: str = "",
    attachment_notes: Iterable[str] = (),
    countersign_units: Iterable[Organization] = (),
    recipient_units: Iterable[Organization] = (),
) -> Document:
    """Draft an outgoing document and start its process; the drafter holds the first step."""
    try:
        check_not_classified(secrecy=secrecy, texts=[title, body_text])
    except ClassifiedRefused as error:
        _refuse_classified(error, acting_user=acting_user, organization=organization)
        raise
    countersign_units = list(countersign_units)
    recipient_units = list(recipient_units)
    with transaction.atomic():
        document = Document.objects.create(
            organization=organization,
            direction=Direction.OUTGOING,
            doc_type=doc_type,
            status=DocumentStatus.DRAFT,
            title=title,
            issuing_organ=issuing_organ or organization.name,
            series=series,
            main_recipients=main_recipients,
            cc_recipients=cc_recipients,
            urgency=urgency,
            secrecy=secrecy,
            secrecy_period=secrecy_period if secrecy else "",
            remark=remark,
            signing_organ=signing_organ or organization.name,
            printed_by=printed_by or organization.name,
            attachment_notes=[n for n in attachment_notes if n],
            created_by=acting_user,
        )
        document.countersign_units.set(countersign_units)
        document.recipient_units.set(recipient_units)
        _store_body(document, body_text, acting_user=acting_user, step="draft")
        log_event(OfficeEvent.DOCUMENT_CREATED, acting_user=acting_user, target=document)
        instance = _engine().start(
            OUTGOING,
            organization=organization,
            acting_user=acting_user,
            title=title,
            document=document,
            data={"countersign_units": [u.pk for u in countersign_units], "drafter": acting_user.pk},
        )
        document.process = instance
        document.save(update_fields=["process"])
        FollowedDocument.objects.get_or_create(user=acting_user, document=document)
        _sync_status(document)
    _index_later(document)
    return document


def editable_task(document: Document, user: User) -> WorkTask | None:
    """The open step through which ``user`` may change the body, if any."""
    return (
        WorkTask.objects.open_for(user)
        .filter(document=document, spec_name__in=BODY_EDIT_STEPS)
        .order_by("created_at")
        .first()
    )


def do_save_body(document: Document, *, text: str, acting_user: User, note: str = "") -> BodyVersion | None:
    """Save a new body version (the old ones stay); ``None`` when the text is unchanged."""
    task = editable_task(document, acting_user)
    if task is None:
        raise OfficeError(
            _("You may change the text only while a drafting, review or sign-off step is yours.")
        )
    try:
        check_not_classified(texts=[text])
    except ClassifiedRefused as error:
        _refuse_classified(error, acting_user=acting_user, organization=document.organization)
        raise
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.current_body_id and locked.current_body.blob_id == content_hash(text):
            return None
        version = _store_body(locked, text, acting_user=acting_user, step=task.spec_name, note=note)
        log_event(
            OfficeEvent.BODY_SAVED,
            acting_user=acting_user,
            target=locked,
            extra={"version": version.number, "sha256": version.blob_id},
        )
    document.refresh_from_db()
    _index_later(document)
    return version


# --- Acting on a step -----------------------------------------------------------------------


def _sync_status(document: Document) -> Document:
    """Set the document's status from the steps now open in its process."""
    stages = OUTGOING_STAGES if document.direction == Direction.OUTGOING else INCOMING_STAGES
    open_specs = set(
        WorkTask.objects.filter(document=document, status=TaskStatus.OPEN).values_list("spec_name", flat=True)
    )
    status = None
    for spec, stage_status in stages:
        if spec in open_specs:
            status = stage_status
            break
    if status is not None and status != document.status:
        document.status = status
        document.save(update_fields=["status", "updated_at"])
    return document


def give_opinion(
    document: Document,
    *,
    acting_user: User,
    text: str,
    kind: str,
    step: str = "",
    task: WorkTask | None = None,
) -> Opinion:
    opinion = Opinion.objects.create(
        document=document,
        kind=kind,
        step=step,
        task=task,
        author=acting_user,
        author_name=acting_user.real_name or acting_user.get_username(),
        unit=task.organization if task is not None else document.organization,
        text=text,
    )
    log_event(
        OfficeEvent.OPINION_GIVEN,
        acting_user=acting_user,
        target=document,
        extra={"opinion": opinion.pk, "kind": kind, "step": step},
    )
    return opinion


def do_act(
    task: WorkTask,
    *,
    acting_user: User,
    outcome: str,
    opinion: str = "",
    data: dict[str, Any] | None = None,
    **options: Any,
) -> Document:
    """Complete ``task`` with ``outcome``, recording the opinion and the step's effects.

    Options by step: ``signoff`` → ``series`` (NumberSeries) when the draft has none;
    ``register`` → ``needs_instruction`` (bool), ``handling_units``; ``propose`` and
    ``instruct`` → ``handling_units``, ``handle_due`` (date); ``instruct`` →
    ``supervise`` (bool: open a supervision item from the instruction).
    """
    document = task.document
    if document is None:
        raise OfficeError(_("This task does not belong to a document."))
    opinion = (opinion or "").strip()
    if outcome in RETURN_OUTCOMES and not opinion:
        raise OfficeError(_("Say why the document goes back: the reason is kept with the document."))
    spec = task.spec_name
    data = dict(data or {})
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        if spec in ("draft", "review"):
            data["countersign_units"] = list(doc.countersign_units.values_list("pk", flat=True))
        if spec == "register":
            data["needs_instruction"] = bool(options.get("needs_instruction", True))
        units = options.get("handling_units")
        if units is not None:
            data["handling_units"] = [u.pk for u in units]
        if options.get("handle_due"):
            data["handle_due"] = options["handle_due"].isoformat()
        # Effects that must happen before the step counts as done.
        if spec == "signoff" and outcome == "approve":
            _sign_off(doc, acting_user=acting_user, series=options.get("series"))
        if opinion or spec in STEP_OPINION:
            give_opinion(
                doc,
                acting_user=acting_user,
                text=opinion or _default_opinion(spec, outcome),
                kind=OpinionKind.RETURN
                if outcome in RETURN_OUTCOMES
                else STEP_OPINION.get(spec, OpinionKind.COMMENT),
                step=task.title,
                task=task,
            )
        _engine().complete(task, acting_user=acting_user, outcome=outcome, data=data)
        if outcome in RETURN_OUTCOMES:
            log_event(
                OfficeEvent.DOCUMENT_RETURNED,
                acting_user=acting_user,
                target=doc,
                extra={"step": spec, "outcome": outcome},
                reason=opinion[:200],
            )
        if spec == "signfor":
            _signed_for(doc, acting_user=acting_user, outcome=outcome)
        elif spec == "register":
            from edugov.office.actions.numbering import assign_incoming_serial

            doc = assign_incoming_serial(doc, acting_user=acting_user)
            log_event(OfficeEvent.DOCUMENT_REGISTERED, acting_user=acting_user, target=doc)
        elif spec == "instruct" and outcome == "instructed" and options.get("supervise"):
            _supervise_instruction(
                doc, acting_user=acting_user, opinion=opinion, due=options.get("handle_due")
            )
        elif spec == "dispatch":
            _distribute(doc, acting_user=acting_user)
        elif spec == "complete":
            log_event(OfficeEvent.DOCUMENT_COMPLETED, acting_user=acting_user, target=doc)
            doc.status = DocumentStatus.COMPLETED
            doc.save(update_fields=["status", "updated_at"])
        elif spec == "archive":
            _archive(doc, acting_user=acting_user)
        _sync_status(doc)
        _after_process_end(doc, acting_user=acting_user)
    _index_later(doc)
    return doc


def _default_opinion(spec: str, outcome: str) -> str:
    defaults = {
        ("countersign", "agree"): _("Agreed."),
        ("countersign", "disagree"): _("Not agreed."),
        ("signoff", "approve"): _("Approved for issue."),
        ("review", "pass"): _("Reviewed."),
        ("propose", "proposed"): _("Proposed for handling."),
        ("instruct", "instructed"): _("Please handle."),
        ("handle", "done"): _("Handled."),
        ("complete", "completed"): _("Completed."),
    }
    return defaults.get((spec, outcome), outcome)


def _sign_off(doc: Document, *, acting_user: User, series: NumberSeries | None) -> None:
    """签发: take the number, date the document and store its signed PDF, all or nothing."""
    from edugov.office.actions.numbering import assign_document_number

    series = series or doc.series
    if series is None:
        raise OfficeError(_("Choose the number series (发文字号) before signing off."))
    if series.organization_id != doc.organization_id:
        raise OfficeError(_("The number series belongs to another unit."))
    today = timezone.localdate()
    if doc.number_seq is None:
        assign_document_number(doc, series, acting_user=acting_user)
        doc.refresh_from_db()
    doc.signer_name = acting_user.real_name or acting_user.get_username()
    doc.signed_by = acting_user
    doc.signed_at = timezone.now()
    doc.written_on = today
    doc.printed_on = today
    doc.sealed = True
    doc.save(
        update_fields=[
            "signer_name",
            "signed_by",
            "signed_at",
            "written_on",
            "printed_on",
            "sealed",
            "updated_at",
        ]
    )
    store_signed_pdf(doc, acting_user=acting_user)
    log_event(
        OfficeEvent.DOCUMENT_SIGNED, acting_user=acting_user, target=doc, extra={"number": doc.doc_number}
    )


def store_signed_pdf(doc: Document, *, acting_user: User) -> DocumentFile:
    """Render the GB/T 9704 PDF of the current body and sign it with the unit's key."""
    from edugov.office.rendering.gbt9704 import render_pdf
    from edugov.office.rendering.pdfsign import sign_pdf

    pdf = render_pdf(doc, seal=True)
    signed = sign_pdf(
        pdf,
        doc.organization,
        reason=_("Signed off: %(number)s") % {"number": doc.doc_number},
        location=doc.organization.name,
        signer_name=doc.signer_name,
    )
    return _store_file(doc, signed, kind=FileKind.SIGNED, certificate=_signing_fingerprint(doc.organization))


def _signing_fingerprint(organization: Organization) -> str:
    from edugov.core.signing import unit_key

    return unit_key(organization).fingerprint


def _store_file(doc: Document, data: bytes, *, kind: str, certificate: str = "") -> DocumentFile:
    digest = hashlib.sha256(data).hexdigest()
    record = DocumentFile(
        document=doc,
        kind=kind,
        body=doc.current_body,
        sha256=digest,
        size=len(data),
        signer_certificate=certificate,
    )
    record.file.save(f"{digest}.pdf", ContentFile(data), save=False)
    record.save()
    return record


def _distribute(doc: Document, *, acting_user: User) -> list[Document]:
    """核发: every recipient unit in this node gets an incoming copy to sign for."""
    copies = []
    for unit in doc.recipient_units.all().order_by("path"):
        copies.append(_deliver(doc, unit, acting_user=acting_user))
    doc.status = DocumentStatus.DISTRIBUTED
    doc.save(update_fields=["status", "updated_at"])
    log_event(
        OfficeEvent.DOCUMENT_DISTRIBUTED,
        acting_user=acting_user,
        target=doc,
        extra={"units": [c.organization_id for c in copies]},
    )
    document_distributed.send(sender=Document, document=doc, acting_user=acting_user)
    return copies


def _deliver(doc: Document, unit: Organization, *, acting_user: User) -> Document:
    copy = Document.objects.create(
        organization=unit,
        direction=Direction.INCOMING,
        doc_type=doc.doc_type,
        status=DocumentStatus.RECEIVED,
        title=doc.title,
        copy_number=doc.copy_number,
        secrecy=doc.secrecy,
        secrecy_period=doc.secrecy_period,
        urgency=doc.urgency,
        issuing_organ=doc.issuing_organ,
        doc_number=doc.doc_number,
        signer_name=doc.signer_name,
        signed_at=doc.signed_at,
        main_recipients=doc.main_recipients,
        attachment_notes=doc.attachment_notes,
        signing_organ=doc.signing_organ,
        written_on=doc.written_on,
        sealed=doc.sealed,
        remark=doc.remark,
        cc_recipients=doc.cc_recipients,
        printed_by=doc.printed_by,
        printed_on=doc.printed_on,
        source=doc,
        sender_unit=doc.organization,
        created_by=acting_user,
    )
    # The body is shared by content address: the copy points at the same immutable text.
    if doc.current_body_id:
        version = BodyVersion.objects.create(
            document=copy, number=1, blob_id=doc.current_body.blob_id, author=acting_user, step="received"
        )
        copy.current_body = version
        copy.save(update_fields=["current_body"])
    instance = _engine().start(
        INCOMING,
        organization=unit,
        acting_user=acting_user,
        title=doc.title,
        document=copy,
        data={"handling_units": [], "needs_instruction": True},
    )
    copy.process = instance
    copy.save(update_fields=["process"])
    _sync_status(copy)
    return copy


def _signed_for(doc: Document, *, acting_user: User, outcome: str) -> None:
    doc.received_at = timezone.now()
    doc.received_by = acting_user
    fields = ["received_at", "received_by", "updated_at"]
    if outcome == "reject":
        doc.status = DocumentStatus.WITHDRAWN
        fields.append("status")
    doc.save(update_fields=fields)
    log_event(OfficeEvent.DOCUMENT_RECEIVED, acting_user=acting_user, target=doc, extra={"outcome": outcome})


def _supervise_instruction(doc: Document, *, acting_user: User, opinion: str, due: dt.date | None) -> None:
    from edugov.office.actions import supervision

    units = list(Organization.objects.filter(pk__in=(doc.process.data or {}).get("handling_units", [])))
    owner = units[0] if units else doc.organization
    due_on = due or _working_days_from_today(10)
    supervision.do_create_supervision_item(
        organization=doc.organization,
        title=doc.title,
        owner_unit=owner,
        due_on=due_on,
        acting_user=acting_user,
        description=opinion,
        source_kind="instruction",
        source_document=doc,
        source_label=doc.incoming_serial or doc.doc_number,
        co_units=units[1:],
    )


def _working_days_from_today(n: int) -> dt.date:
    from edugov.core.calendar import add_working_days

    return add_working_days(timezone.localdate(), n).result


def _archive(doc: Document, *, acting_user: User) -> None:
    from edugov.office.actions.archives import do_archive_document

    do_archive_document(doc, acting_user=acting_user)


def _after_process_end(doc: Document, *, acting_user: User) -> None:
    """An outgoing document that has been distributed goes to the archive."""
    if doc.direction != Direction.OUTGOING or doc.process_id is None:
        return
    doc.process.refresh_from_db(fields=["status"])
    if doc.process.status == ProcessStatus.COMPLETED and doc.status == DocumentStatus.DISTRIBUTED:
        _archive(doc, acting_user=acting_user)


# --- Around the steps -----------------------------------------------------------------------


def do_withdraw(document: Document, *, acting_user: User, reason: str) -> Document:
    """撤回: the drafter takes the document back while the next step is untouched."""
    document = Document.objects.get(pk=document.pk)
    if document.created_by_id != acting_user.pk:
        raise OfficeError(_("Only the drafter may withdraw the document."))
    if document.status not in (DocumentStatus.REVIEW, DocumentStatus.COUNTERSIGN, DocumentStatus.SIGNOFF):
        raise OfficeError(_("The document can be withdrawn only while it is being reviewed or signed off."))
    if not reason.strip():
        raise OfficeError(_("Say why you withdraw the document."))
    with transaction.atomic():
        _engine().reset_to(document.process, "draft", acting_user=acting_user, reason=reason)
        give_opinion(
            document, acting_user=acting_user, text=reason, kind=OpinionKind.RETURN, step=_("Withdraw")
        )
        log_event(
            OfficeEvent.DOCUMENT_WITHDRAWN, acting_user=acting_user, target=document, reason=reason[:200]
        )
        _sync_status(document)
    return document


def do_return_to(task: WorkTask, *, spec_name: str, acting_user: User, reason: str) -> Document:
    """退回 to any earlier step of the flow, with the reason kept as an opinion."""
    document = task.document
    if not reason.strip():
        raise OfficeError(_("Say why the document goes back: the reason is kept with the document."))
    if not task.candidates.filter(user=acting_user, is_open=True).exists() or task.status != TaskStatus.OPEN:
        raise OfficeError(_("This step is not yours to act on."))
    with transaction.atomic():
        give_opinion(
            document,
            acting_user=acting_user,
            text=reason,
            kind=OpinionKind.RETURN,
            step=task.title,
            task=task,
        )
        _engine().reset_to(task.process, spec_name, acting_user=acting_user, reason=reason)
        log_event(
            OfficeEvent.DOCUMENT_RETURNED,
            acting_user=acting_user,
            target=document,
            extra={"step": task.spec_name, "to": spec_name},
            reason=reason[:200],
        )
        _sync_status(document)
    return document


def do_add_countersigner(document: Document, unit: Organization, *, acting_user: User) -> Document:
    """Add a department to the countersigning (会签) while the step runs."""
    if document.status != DocumentStatus.COUNTERSIGN:
        raise OfficeError(_("Departments can be added while the document is being countersigned."))
    with transaction.atomic():
        _engine().add_multi_instance_item(document.process, "countersign", unit.pk, acting_user=acting_user)
        document.countersign_units.add(unit)
        _sync_status(document)
    return document


def do_hand_over(task: WorkTask, *, to_user: User, acting_user: User, reason: str = "") -> WorkTask:
    return _engine().hand_over(task, to_user=to_user, acting_user=acting_user, reason=reason)


@transaction.atomic
def do_circulate(document: Document, *, readers: Iterable[User], acting_user: User) -> int:
    """传阅: ask colleagues to read; the read state is kept per reader."""
    added = 0
    for reader in readers:
        _receipt, created = ReadReceipt.objects.get_or_create(
            document=document, reader=reader, defaults={"sent_by": acting_user}
        )
        added += int(created)
    log_event(
        OfficeEvent.DOCUMENT_CIRCULATED, acting_user=acting_user, target=document, extra={"added": added}
    )
    return added


def do_mark_read(document: Document, *, acting_user: User, opinion: str = "") -> bool:
    with transaction.atomic():
        updated = ReadReceipt.objects.filter(
            document=document, reader=acting_user, read_at__isnull=True
        ).update(read_at=timezone.now())
        if updated and opinion.strip():
            give_opinion(
                document, acting_user=acting_user, text=opinion.strip(), kind=OpinionKind.READ, step=_("Read")
            )
    return bool(updated)


@transaction.atomic
def do_remind(task: WorkTask, *, acting_user: User) -> WorkTask:
    """催办: mark the step as chased; its holders see the reminder on their to-do list."""
    locked = WorkTask.objects.select_for_update().get(pk=task.pk)
    if locked.status != TaskStatus.OPEN:
        raise OfficeError(_("This step is finished; there is nothing to chase."))
    locked.reminded_at = timezone.now()
    locked.reminded_by = acting_user
    locked.save(update_fields=["reminded_at", "reminded_by"])
    log_event(
        OfficeEvent.DOCUMENT_REMINDED,
        acting_user=acting_user,
        target=locked.document,
        extra={"task": locked.pk},
    )
    return locked


def do_follow(document: Document, *, acting_user: User, follow: bool = True) -> None:
    if follow:
        FollowedDocument.objects.get_or_create(user=acting_user, document=document)
    else:
        FollowedDocument.objects.filter(user=acting_user, document=document).delete()


def _index_later(document: Document) -> None:
    def index() -> None:
        try:
            from edugov.office.search.index import index_document
        except ImportError:  # pragma: no cover - the search module ships with the app
            return
        try:
            index_document(document)
        except Exception:  # the change is committed; a stale search entry is mended by reindex_office
            logger.exception("office: indexing document %s failed", document.pk)

    transaction.on_commit(index)
