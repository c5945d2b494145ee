"""Archives (IN-5): archiving documents, paper records, numbers, classification, loans,
working-day due dates, overdue loans and reminders."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from edugov.core.models import AuditEntry
from edugov.office.actions.archives import (
    LoanRefused,
    do_archive_document,
    do_cancel_loan,
    do_decide_loan,
    do_lend_loan,
    do_register_paper_record,
    do_request_loan,
    do_return_loan,
    send_reminders,
)
from edugov.office.errors import ClassifiedRefused
from edugov.office.models import (
    ArchiveLoan,
    ArchiveRecord,
    Attachment,
    BodyBlob,
    BodyVersion,
    Document,
    SearchEntry,
)
from edugov.office.models.archives import LoanStatus
from edugov.office.todos_archives import ArchiveLoansToHandle, ArchiveLoansToReturn
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10):
    return time_machine.travel(dt.datetime(year, month, day, hour, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def people(tree):
    return {
        "archivist": make_user("ts_archivist", unit=tree.tianshan, role="archivist"),
        "leader": make_user("ts_leader", unit=tree.tianshan, role="bureau_leader"),
        "leader2": make_user("ts_leader2", unit=tree.tianshan, role="bureau_leader"),
        "staff": make_user("ts_staff", unit=tree.tianshan, role="bureau_staff"),
        "clerk": make_user("ts_clerk", unit=tree.tianshan, role="office_clerk"),
        "kashi_archivist": make_user("ks_archivist", unit=tree.kashi_city, role="archivist"),
    }


def make_document(
    unit, user, *, title="关于做好2026年秋季学期招生入学工作的通知", secrecy="", written_on=None
):
    document = Document.objects.create(
        organization=unit,
        direction="outgoing",
        doc_type="notice",
        status="distributed",
        title=title,
        issuing_organ="天山区教育局",
        doc_number="天教发〔2026〕7号",
        secrecy=secrecy,
        written_on=written_on or dt.date(2026, 3, 2),
        created_by=user,
    )
    version = BodyVersion.objects.create(
        document=document, number=1, blob=BodyBlob.store("做好招生入学工作。"), author=user
    )
    document.current_body = version
    document.save(update_fields=["current_body"])
    return document


def paper(tree, user, **kwargs):
    values = {
        "organization": tree.tianshan,
        "title": "2019年度教职工花名册",
        "year": 2019,
        "retention": "permanent",
        "location": "A-01-03",
        "acting_user": user,
    }
    values.update(kwargs)
    return do_register_paper_record(**values)


# --- Archiving and the catalogue ----------------------------------------------------------


def test_archive_document_links_sets_status_audits_and_indexes(
    tree, people, django_capture_on_commit_callbacks
):
    clerk = people["clerk"]
    document = make_document(tree.tianshan, clerk)
    with django_capture_on_commit_callbacks(execute=True):
        record = do_archive_document(document, acting_user=clerk, retention="30y")
    assert record.document == document
    assert record.kind == "document"
    assert record.archive_number == "2026-定期30年-0001"
    assert record.year == 2026
    assert record.disposal_due == dt.date(2056, 12, 31)
    assert record.title == document.title
    document.refresh_from_db()
    assert document.status == "archived"
    entry = AuditEntry.objects.get(event_type="office.document_archived")
    assert entry.target_id == str(document.pk)
    assert entry.extra_data["record_id"] == record.pk
    assert SearchEntry.objects.filter(kind="archive", object_id=record.pk).exists()


def test_archive_document_is_idempotent(tree, people):
    clerk = people["clerk"]
    document = make_document(tree.tianshan, clerk)
    first = do_archive_document(document, acting_user=clerk)
    again = do_archive_document(document, acting_user=clerk)
    assert first.pk == again.pk
    assert ArchiveRecord.objects.count() == 1
    assert AuditEntry.objects.filter(event_type="office.document_archived").count() == 1
    assert first.disposal_due is None  # permanent


def test_archive_document_counts_attachments_and_keeps_the_body(tree, people):
    clerk = people["clerk"]
    document = make_document(tree.tianshan, clerk)
    Attachment.objects.create(
        document=document,
        name="附件1.pdf",
        file="x",
        sha256="0" * 64,
        size=1,
        content_type="application/pdf",
        added_by=clerk,
    )
    record = do_archive_document(document, acting_user=clerk)
    assert record.items == 2
    assert record.document.current_body.text == "做好招生入学工作。"


def test_archive_numbers_run_per_unit_year_and_retention(tree, people):
    archivist = people["archivist"]
    numbers = [
        paper(tree, archivist).archive_number,
        paper(tree, archivist).archive_number,
        paper(tree, archivist, retention="10y").archive_number,
        paper(tree, archivist, year=2020).archive_number,
        paper(tree, people["kashi_archivist"], organization=tree.kashi_city).archive_number,
        paper(tree, archivist).archive_number,
    ]
    assert numbers == [
        "2019-永久-0001",
        "2019-永久-0002",
        "2019-定期10年-0001",
        "2020-永久-0001",
        "2019-永久-0001",
        "2019-永久-0003",
    ]


@pytest.mark.parametrize("marking", ["秘密", "机密", "绝密", "秘密★10年", "confidential"])
def test_classified_paper_records_are_refused_and_audited(tree, people, marking):
    with translation.override("en"), pytest.raises(ClassifiedRefused) as refused:
        paper(tree, people["archivist"], secrecy=marking)
    assert "non-classified work only" in refused.value.message
    assert not ArchiveRecord.objects.exists()
    entry = AuditEntry.objects.get(event_type="office.classified_refused")
    assert entry.success is False


def test_classified_documents_are_not_archived(tree, people):
    clerk = people["clerk"]
    document = make_document(tree.tianshan, clerk, secrecy="机密")
    with pytest.raises(ClassifiedRefused):
        do_archive_document(document, acting_user=clerk)
    document.refresh_from_db()
    assert document.status == "distributed"
    assert not ArchiveRecord.objects.exists()


def test_internal_records_are_accepted(tree, people):
    record = paper(tree, people["archivist"], secrecy="internal")
    assert record.is_internal
    assert record.get_secrecy_display()


def test_paper_records_need_the_add_grant_on_the_unit(tree, people):
    with pytest.raises(PermissionDenied):
        paper(tree, people["kashi_archivist"])
    with pytest.raises(PermissionDenied):
        paper(tree, people["staff"])
    assert not ArchiveRecord.objects.exists()


# --- Loans: approval paths ----------------------------------------------------------------


def request(record, user, *, kind="paper", days=5):
    return do_request_loan(record, kind=kind, purpose="核对人事档案", requested_days=days, acting_user=user)


def test_unclassified_loan_needs_the_archivist_only(tree, people):
    record = paper(tree, people["archivist"])
    loan = request(record, people["staff"])
    assert loan.steps_required == 1
    assert loan.unit == tree.tianshan
    loan = do_decide_loan(loan, approve=True, acting_user=people["archivist"])
    assert loan.status == LoanStatus.APPROVED
    assert loan.decided_by == people["archivist"]
    assert list(loan.approvals.values_list("step", "decision")) == [("archivist", "approve")]


def test_internal_loan_needs_the_archivist_then_another_person_as_leader(tree, people):
    record = paper(tree, people["archivist"], secrecy="internal")
    loan = request(record, people["staff"])
    assert loan.steps_required == 2
    # The archivist holds no leader approval.
    with pytest.raises(PermissionDenied):
        do_decide_loan(
            do_decide_loan(loan, approve=True, acting_user=people["archivist"]),
            approve=True,
            acting_user=people["archivist"],
        )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REQUESTED
    assert loan.approvals.count() == 1
    loan = do_decide_loan(loan, approve=True, acting_user=people["leader"])
    assert loan.status == LoanStatus.APPROVED
    assert list(loan.approvals.values_list("step", flat=True)) == ["archivist", "leader"]


def test_the_same_leader_cannot_approve_both_steps(tree, people):
    record = paper(tree, people["archivist"], secrecy="internal")
    loan = request(record, people["staff"])
    # A leader also holds the archivist's lending permission and may take the first step…
    do_decide_loan(loan, approve=True, acting_user=people["leader"])
    with translation.override("en"), pytest.raises(LoanRefused) as refused:
        do_decide_loan(loan, approve=True, acting_user=people["leader"])
    assert "other than" in refused.value.message
    # …but the second must come from someone else.
    assert do_decide_loan(loan, approve=True, acting_user=people["leader2"]).status == LoanStatus.APPROVED


def test_rejection_needs_a_reason_and_ends_the_loan(tree, people):
    record = paper(tree, people["archivist"], secrecy="internal")
    loan = request(record, people["staff"])
    with pytest.raises(LoanRefused):
        do_decide_loan(loan, approve=False, acting_user=people["archivist"])
    do_decide_loan(loan, approve=True, acting_user=people["archivist"])
    loan = do_decide_loan(loan, approve=False, acting_user=people["leader"], note="用途不明确")
    assert (loan.status, loan.reason) == (LoanStatus.REJECTED, "用途不明确")
    with pytest.raises(LoanRefused):
        do_decide_loan(loan, approve=True, acting_user=people["leader2"])


def test_nobody_decides_their_own_loan_or_another_units(tree, people):
    record = paper(tree, people["archivist"])
    own = request(record, people["archivist"])
    with pytest.raises(LoanRefused):
        do_decide_loan(own, approve=True, acting_user=people["archivist"])
    loan = request(record, people["staff"])
    with pytest.raises(PermissionDenied):
        do_decide_loan(loan, approve=True, acting_user=people["kashi_archivist"])
    with pytest.raises(PermissionDenied):
        do_decide_loan(loan, approve=True, acting_user=people["clerk"])


def test_request_rules(tree, people):
    record = paper(tree, people["archivist"])
    with pytest.raises(PermissionDenied):
        request(record, people["kashi_archivist"])
    with pytest.raises(LoanRefused):
        request(record, people["staff"], days=0)
    with pytest.raises(LoanRefused):
        request(record, people["staff"], days=31)
    request(record, people["staff"])
    with pytest.raises(LoanRefused):
        request(record, people["staff"])
    document_record = do_archive_document(make_document(tree.tianshan, people["clerk"]), acting_user=None)
    with pytest.raises(LoanRefused):
        request(document_record, people["staff"], kind="paper")
    assert request(document_record, people["staff"], kind="digital").kind == "digital"


def test_borrower_cancels_a_request(tree, people):
    loan = request(paper(tree, people["archivist"]), people["staff"])
    with pytest.raises(PermissionDenied):
        do_cancel_loan(loan, acting_user=people["clerk"])
    assert do_cancel_loan(loan, acting_user=people["staff"]).status == LoanStatus.CANCELLED
    with pytest.raises(LoanRefused):
        do_decide_loan(loan, approve=True, acting_user=people["archivist"])


# --- Paper loans: working-day due dates, overdue, reminders ---------------------------------


def test_paper_loan_is_due_in_working_days_across_national_day(tree, people):
    record = paper(tree, people["archivist"])
    loan = request(record, people["staff"], days=3)
    do_decide_loan(loan, approve=True, acting_user=people["archivist"])
    with at(2026, 9, 30):  # Wednesday; 1–7 October are holidays, Saturday 10 October is worked
        loan = do_lend_loan(loan, acting_user=people["archivist"])
    assert loan.status == LoanStatus.LENT
    assert loan.due_on == dt.date(2026, 10, 10)
    assert loan.lent_by == people["archivist"]


def test_a_paper_record_is_lent_to_one_borrower_at_a_time(tree, people):
    record = paper(tree, people["archivist"])
    first = request(record, people["staff"])
    second = request(record, people["clerk"])
    for loan in (first, second):
        do_decide_loan(loan, approve=True, acting_user=people["archivist"])
    do_lend_loan(first, acting_user=people["archivist"])
    with pytest.raises(LoanRefused):
        do_lend_loan(second, acting_user=people["archivist"])
    do_return_loan(first, acting_user=people["archivist"])
    assert do_lend_loan(second, acting_user=people["archivist"]).status == LoanStatus.LENT


def test_only_approved_paper_loans_are_handed_out_and_only_out_ones_returned(tree, people):
    loan = request(paper(tree, people["archivist"]), people["staff"])
    with pytest.raises(LoanRefused):
        do_lend_loan(loan, acting_user=people["archivist"])
    with pytest.raises(LoanRefused):
        do_return_loan(loan, acting_user=people["archivist"])
    do_decide_loan(loan, approve=True, acting_user=people["archivist"])
    with pytest.raises(PermissionDenied):
        do_lend_loan(loan, acting_user=people["kashi_archivist"])


def _lent_loan(tree, people, *, days=3):
    loan = request(paper(tree, people["archivist"]), people["staff"], days=days)
    do_decide_loan(loan, approve=True, acting_user=people["archivist"])
    with at(2026, 9, 30):
        return do_lend_loan(loan, acting_user=people["archivist"])  # due Saturday 10 October


def titles(provider, user, unit=None):
    return [todo.title for todo in provider.items(user, unit)]


def test_due_soon_reminder_two_working_days_before_is_sent_once(tree, people):
    loan = _lent_loan(tree, people)
    staff, archivist = people["staff"], people["archivist"]
    with at(2026, 10, 7, 8):  # a holiday: 8, 9 and 10 October are still to come
        assert send_reminders()["due_soon"] == 0
    assert titles(ArchiveLoansToReturn(), staff) == []
    with at(2026, 10, 8, 8):
        assert send_reminders()["due_soon"] == 1
        assert send_reminders()["due_soon"] == 0
        assert ArchiveLoansToReturn().count(staff, None) == 1
        assert loan.record.archive_number in titles(ArchiveLoansToReturn(), staff)[0]
    loan.refresh_from_db()
    assert loan.due_soon_reminded_on == dt.date(2026, 10, 8)
    assert loan.status == LoanStatus.LENT
    with at(2026, 10, 8, 9):
        archivist_todos = ArchiveLoansToHandle().items(archivist, tree.tianshan)
    assert [(loan.record.archive_number in t.title, t.due, t.is_overdue) for t in archivist_todos] == [
        (True, dt.date(2026, 10, 10), False)
    ]


def test_overdue_loans_are_marked_once_and_shown_to_borrower_and_archivist(tree, people):
    loan = _lent_loan(tree, people)
    with at(2026, 10, 10, 8):  # the due day itself is not overdue
        assert send_reminders()["overdue"] == 0
    with at(2026, 10, 12, 8):
        counts = send_reminders()
        assert (counts["overdue"], counts["overdue_reminded"]) == (1, 1)
        again = send_reminders()
        assert (again["overdue"], again["overdue_reminded"], again["due_soon"]) == (0, 0, 0)
        staff_todos = ArchiveLoansToReturn().items(people["staff"], None)
        archivist_todos = ArchiveLoansToHandle().items(people["archivist"], tree.tianshan)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.OVERDUE
    assert loan.overdue_reminded_on == dt.date(2026, 10, 12)
    assert [t.is_overdue for t in staff_todos] == [True]
    assert len(archivist_todos) == 1
    assert archivist_todos[0].is_overdue
    assert (
        AuditEntry.objects.filter(
            event_type="office.archive_changed", extra_data__action="loan_overdue"
        ).count()
        == 1
    )
    # An overdue record can still be taken back.
    assert do_return_loan(loan, acting_user=people["archivist"]).status == LoanStatus.RETURNED
    assert ArchiveLoansToReturn().count(people["staff"], None) == 0


def test_decisions_and_hand_outs_are_the_archivists_todos(tree, people):
    archivist, leader = people["archivist"], people["leader"]
    internal = request(paper(tree, archivist, secrecy="internal"), people["staff"])
    plain = request(paper(tree, archivist), people["clerk"])
    assert ArchiveLoansToHandle().count(archivist, tree.tianshan) == 2
    assert ArchiveLoansToHandle().count(people["kashi_archivist"], tree.kashi_city) == 0
    do_decide_loan(internal, approve=True, acting_user=archivist)
    do_decide_loan(plain, approve=True, acting_user=archivist)
    # The internal loan now waits for a leader; the plain one is to be handed out.
    archivist_titles = titles(ArchiveLoansToHandle(), archivist, tree.tianshan)
    assert len(archivist_titles) == 1
    assert plain.record.archive_number in archivist_titles[0]
    leader_loans = [t.url for t in ArchiveLoansToHandle().items(leader, tree.tianshan)]
    assert reverse("office:loan_detail", args=[internal.pk]) in leader_loans


# --- Digital loans ------------------------------------------------------------------------


def test_digital_loan_opens_on_approval_until_the_end_of_its_last_working_day(tree, people):
    record = paper(tree, people["archivist"])
    loan = request(record, people["staff"], kind="digital", days=2)
    with at(2026, 6, 18):  # Thursday; 19 June is the Dragon Boat Festival
        loan = do_decide_loan(loan, approve=True, acting_user=people["archivist"])
    assert loan.status == LoanStatus.LENT
    assert loan.due_on == dt.date(2026, 6, 23)
    assert loan.digital_expires_at == dt.datetime(2026, 6, 24, 0, 0, tzinfo=SHANGHAI)
    assert loan.digital_view_open(dt.datetime(2026, 6, 23, 23, 59, tzinfo=SHANGHAI))
    assert not loan.digital_view_open(dt.datetime(2026, 6, 24, 0, 0, tzinfo=SHANGHAI))
    with at(2026, 6, 24, 8):
        assert send_reminders()["expired"] == 1
        assert send_reminders()["expired"] == 0
    loan.refresh_from_db()
    assert loan.status == LoanStatus.EXPIRED


def test_each_change_of_a_loan_is_audited_without_personal_data(tree, people):
    loan = request(paper(tree, people["archivist"]), people["staff"])
    do_decide_loan(loan, approve=True, acting_user=people["archivist"])
    do_lend_loan(loan, acting_user=people["archivist"])
    do_return_loan(loan, acting_user=people["archivist"])
    actions = list(
        AuditEntry.objects.filter(event_type="office.archive_changed", extra_data__loan_id=loan.pk)
        .order_by("seq")
        .values_list("extra_data__action", flat=True)
    )
    assert actions == ["loan_requested", "loan_approved", "loan_lent", "loan_returned"]
    assert "核对人事档案" not in str(AuditEntry.objects.values_list("extra_data", flat=True))
    assert ArchiveLoan.objects.get(pk=loan.pk).returned_to == people["archivist"]
