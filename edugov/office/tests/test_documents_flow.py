"""Outgoing and incoming documents from draft to archive through the shipped processes (IN-1, IN-2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from edugov.office.actions import documents as actions
from edugov.office.choices import DocumentStatus
from edugov.office.errors import ClassifiedRefused, OfficeError, TaskTaken
from edugov.office.models import BodyVersion, Document, ImmutableError, NumberCounter, Opinion
from edugov.office.tests.conftest import open_task

pytestmark = pytest.mark.django_db

BODY = (
    "各州、市（地）教育局：\n一、总体要求\n"
    "做好2026年秋季学期义务教育学校招生入学工作。\n二、工作安排\n（一）摸清底数。"
)


def draft(office: Any, **extra: Any) -> Document:
    options = {
        "organization": office.tree.province,
        "doc_type": "notice",
        "title": "关于做好2026年秋季学期义务教育招生入学工作的通知",
        "body_text": BODY,
        "acting_user": office.drafter,
        "series": office.series,
        "main_recipients": "各州、市（地）教育局：",
        "countersign_units": [office.dept_finance, office.dept_personnel],
        "recipient_units": [office.tree.urumqi, office.tree.kashgar],
    }
    options.update(extra)
    return actions.do_create_draft(**options)


def to_signoff(office: Any, document: Document) -> None:
    actions.do_act(open_task(document, "draft", office.drafter), acting_user=office.drafter, outcome="submit")
    actions.do_act(
        open_task(document, "review", office.clerk),
        acting_user=office.clerk,
        outcome="pass",
        opinion="核稿无误",
    )
    actions.do_act(
        open_task(document, "countersign", office.head_finance),
        acting_user=office.head_finance,
        outcome="agree",
    )
    actions.do_act(
        open_task(document, "countersign", office.head_personnel),
        acting_user=office.head_personnel,
        outcome="agree",
        opinion="同意",
    )


def test_outgoing_notice_from_draft_to_distribution(office: Any) -> None:
    document = draft(office)
    assert document.status == DocumentStatus.DRAFT
    to_signoff(office, document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNOFF
    actions.do_act(
        open_task(document, "signoff", office.leader),
        acting_user=office.leader,
        outcome="approve",
        opinion="同意印发",
    )
    document.refresh_from_db()
    year = timezone.localdate().year
    assert document.doc_number == f"新教发〔{year}〕1号"
    assert document.signer_name == "leader"
    assert document.written_on == timezone.localdate()
    signed = document.files.get(kind="signed")
    assert signed.file.read()[:5] == b"%PDF-"
    assert document.status == DocumentStatus.DISPATCH
    actions.do_act(open_task(document, "dispatch", office.clerk), acting_user=office.clerk, outcome="done")
    document.refresh_from_db()
    assert document.status == DocumentStatus.ARCHIVED
    copies = Document.objects.filter(source=document).order_by("organization__path")
    assert [c.organization for c in copies] == [office.tree.urumqi, office.tree.kashgar]
    assert all(c.status == DocumentStatus.RECEIVED and c.doc_number == document.doc_number for c in copies)
    # The copy shares the immutable body by content address.
    assert copies[0].current_body.blob_id == document.current_body.blob_id
    # Every opinion survives: review, two countersigns, sign-off.
    kinds = list(Opinion.objects.filter(document=document).values_list("kind", flat=True))
    assert kinds.count("countersign") == 2
    assert "signoff" in kinds


def test_incoming_from_receipt_to_archive(office: Any) -> None:
    document = draft(office, countersign_units=[], recipient_units=[office.tree.urumqi])
    actions.do_act(open_task(document, "draft"), acting_user=office.drafter, outcome="submit")
    actions.do_act(open_task(document, "review"), acting_user=office.clerk, outcome="pass")
    actions.do_act(open_task(document, "signoff"), acting_user=office.leader, outcome="approve")
    actions.do_act(open_task(document, "dispatch"), acting_user=office.clerk, outcome="done")
    incoming = Document.objects.get(source=document)
    assert open_task(incoming, "signfor", office.u_clerk)
    actions.do_act(open_task(incoming, "signfor"), acting_user=office.u_clerk, outcome="received")
    incoming.refresh_from_db()
    assert incoming.received_by == office.u_clerk  # the sender sees this receipt
    actions.do_act(
        open_task(incoming, "register"),
        acting_user=office.u_clerk,
        outcome="registered",
        needs_instruction=True,
    )
    incoming.refresh_from_db()
    assert incoming.incoming_serial == f"收文〔{timezone.localdate().year}〕1号"
    actions.do_act(
        open_task(incoming, "propose"),
        acting_user=office.u_clerk,
        outcome="proposed",
        opinion="拟请基础教育科办理",
        handling_units=[office.u_dept],
    )
    actions.do_act(
        open_task(incoming, "instruct", office.u_leader),
        acting_user=office.u_leader,
        outcome="instructed",
        opinion="请基础教育科抓紧落实",
    )
    incoming.refresh_from_db()
    assert incoming.status == DocumentStatus.HANDLING
    actions.do_act(
        open_task(incoming, "handle", office.u_head),
        acting_user=office.u_head,
        outcome="done",
        opinion="已落实",
    )
    actions.do_act(open_task(incoming, "complete"), acting_user=office.u_clerk, outcome="completed")
    actions.do_act(
        open_task(incoming, "archive", office.u_archivist), acting_user=office.u_archivist, outcome="archived"
    )
    incoming.refresh_from_db()
    assert incoming.status == DocumentStatus.ARCHIVED
    steps = list(Opinion.objects.filter(document=incoming).values_list("kind", flat=True))
    assert {"proposal", "instruction", "handling"} <= set(steps)


def test_return_needs_a_reason_and_keeps_it(office: Any) -> None:
    document = draft(office, countersign_units=[])
    actions.do_act(open_task(document, "draft"), acting_user=office.drafter, outcome="submit")
    review = open_task(document, "review")
    with pytest.raises(OfficeError):
        actions.do_act(review, acting_user=office.clerk, outcome="return")
    actions.do_act(review, acting_user=office.clerk, outcome="return", opinion="标题文种不规范")
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
    assert Opinion.objects.filter(document=document, kind="return", text="标题文种不规范").exists()


def test_body_versions_are_immutable_and_content_addressed(office: Any) -> None:
    document = draft(office)
    assert actions.do_save_body(document, text=BODY, acting_user=office.drafter) is None
    v2 = actions.do_save_body(document, text=BODY + "\n三、其他", acting_user=office.drafter, note="补充")
    assert v2.number == 2
    assert document.current_body_id == v2.pk
    first = BodyVersion.objects.get(document=document, number=1)
    first.note = "changed"
    with pytest.raises(ImmutableError):
        first.save()
    with pytest.raises(ImmutableError):
        Opinion.objects.create(
            document=document,
            kind="comment",
            author=office.drafter,
            author_name="x",
            unit=office.tree.province,
            text="x",
        ).delete()
    # Nobody but the holder of an editing step changes the text.
    with pytest.raises(OfficeError):
        actions.do_save_body(document, text="别人的改动", acting_user=office.leader)


def test_classified_documents_are_refused(office: Any) -> None:
    with pytest.raises(ClassifiedRefused) as error:
        draft(office, secrecy="机密")
    assert (
        "classified" in str(error.value).lower() or "涉密" in str(error.value) or "机密" in str(error.value)
    )
    assert not Document.objects.exists()


def test_two_people_on_one_task_one_wins(office: Any) -> None:
    document = draft(office, countersign_units=[])
    actions.do_act(open_task(document, "draft"), acting_user=office.drafter, outcome="submit")
    second_clerk = __import__("edugov.platform.testing.fixtures", fromlist=["make_user"]).make_user(
        "clerk2", unit=office.tree.province, role="office_clerk"
    )
    from edugov.office.workflow import engine

    # The review task was opened before clerk2 existed: add them as a colleague by hand-over rules.
    task = open_task(document, "review")
    stale = type(task).objects.get(pk=task.pk)
    actions.do_act(task, acting_user=office.clerk, outcome="pass")
    with pytest.raises((TaskTaken, OfficeError)):
        actions.do_act(stale, acting_user=second_clerk, outcome="return", opinion="x")
    with pytest.raises(TaskTaken):
        engine.complete(stale, acting_user=office.clerk, outcome="pass")


def test_crash_after_taking_a_number_burns_nothing(office: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    document = draft(office, countersign_units=[])
    actions.do_act(open_task(document, "draft"), acting_user=office.drafter, outcome="submit")
    actions.do_act(open_task(document, "review"), acting_user=office.clerk, outcome="pass")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(actions, "store_signed_pdf", broken)
    with pytest.raises(RuntimeError):
        actions.do_act(open_task(document, "signoff"), acting_user=office.leader, outcome="approve")
    document.refresh_from_db()
    assert document.doc_number == ""
    assert document.status == DocumentStatus.SIGNOFF
    assert not NumberCounter.objects.filter(series=office.series, last_value__gt=0).exists()
    monkeypatch.undo()
    actions.do_act(open_task(document, "signoff"), acting_user=office.leader, outcome="approve")
    document.refresh_from_db()
    assert document.doc_number.endswith("〕1号")


def test_withdraw_and_add_countersigner(office: Any) -> None:
    document = draft(office, countersign_units=[office.dept_finance])
    actions.do_act(open_task(document, "draft"), acting_user=office.drafter, outcome="submit")
    actions.do_withdraw(document, acting_user=office.drafter, reason="补充附件")
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
    actions.do_act(open_task(document, "draft"), acting_user=office.drafter, outcome="submit")
    actions.do_act(open_task(document, "review"), acting_user=office.clerk, outcome="pass")
    document.refresh_from_db()
    assert document.status == DocumentStatus.COUNTERSIGN
    actions.do_add_countersigner(document, office.dept_basic, acting_user=office.clerk)
    actions.do_act(
        open_task(document, "countersign", office.head_finance),
        acting_user=office.head_finance,
        outcome="agree",
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.COUNTERSIGN  # still waiting for the added department
    actions.do_act(
        open_task(document, "countersign", office.head_basic), acting_user=office.head_basic, outcome="agree"
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNOFF


def test_circulation_records_read_state(office: Any) -> None:
    document = draft(office)
    actions.do_circulate(document, readers=[office.head_basic, office.leader], acting_user=office.clerk)
    assert actions.do_mark_read(document, acting_user=office.leader, opinion="已阅")
    assert not actions.do_mark_read(document, acting_user=office.leader)
    receipts = {r.reader_id: r.read_at for r in document.read_receipts.all()}
    assert receipts[office.leader.pk] is not None
    assert receipts[office.head_basic.pk] is None
    # A reader outside the unit's grants can open the document they were asked to read.
    assert Document.objects.restrict(office.head_basic, "view").filter(pk=document.pk).exists()
