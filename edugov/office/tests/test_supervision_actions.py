"""Supervision actions (IN-3): RAG colours on the work calendar, reminders, escalation,
visibility, evidence checks, audited deadline changes and creation from a document."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from edugov.core.models import AuditEntry
from edugov.office.actions.supervision import (
    SupervisionError,
    do_add_milestone,
    do_cancel_item,
    do_change_deadline,
    do_complete_item,
    do_complete_milestone,
    do_create_supervision_item,
    do_escalate_item,
    do_report_progress,
    send_reminders,
)
from edugov.office.events import OfficeEvent
from edugov.office.models import (
    Document,
    ProgressEvidence,
    ProgressReport,
    Rag,
    ReminderKind,
    SourceKind,
    SupervisionItem,
    SupervisionReminder,
    SupervisionStatus,
)
from edugov.office.models.supervision import EVIDENCE_MAX_BYTES, RagDates, working_days_before
from edugov.office.tests.test_supervision_support import at, build_bureau, new_item
from edugov.office.todos_supervision import SupervisionEscalations, SupervisionReminders
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def bureau(tree):
    return build_bureau(tree)


def events(action):
    return AuditEntry.objects.filter(event_type=OfficeEvent.SUPERVISION_CHANGED, extra_data__action=action)


def reload(item):
    return SupervisionItem.objects.get(pk=item.pk)


# --- RAG ------------------------------------------------------------------------------------


def test_colour_goes_green_amber_red_as_the_deadline_nears_and_passes(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):  # Monday
        item = new_item(bureau, due_on=dt.date(2026, 3, 20))  # Friday, 3 weeks away
        assert item.rag == Rag.GREEN
    with time_machine.travel(at(2026, 3, 16), tick=False):  # 4 working days before: still green…
        do_report_progress(item, acting_user=bureau.lead_staff, text="已部署", percent=40)
        assert reload(item).rag == Rag.GREEN
    with time_machine.travel(at(2026, 3, 17), tick=False):  # …3 working days before: amber
        assert send_reminders()["changed"] == 1
        assert reload(item).rag == Rag.AMBER
    with time_machine.travel(at(2026, 3, 20), tick=False):  # due today: amber, not red
        send_reminders()
        assert reload(item).rag == Rag.AMBER
    with time_machine.travel(at(2026, 3, 23), tick=False):  # the Monday after: red
        send_reminders()
        assert reload(item).rag == Rag.RED


def test_holidays_do_not_count_as_working_days(bureau):
    # 清明 2026: 4–6 April. On Wednesday 1 April, Tuesday 7 April is only 3 working days away
    # (2, 3, 7 April), so the item is amber; counting Monday 6 April would make it green.
    with time_machine.travel(at(2026, 4, 1), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 4, 7))
        assert item.rag == Rag.AMBER
        dates = RagDates.for_day(dt.date(2026, 4, 1))
        assert dates.amber_until == dt.date(2026, 4, 7)
        # Three working days before Wednesday 8 April are 3, 7 and 8 April.
        assert working_days_before(dt.date(2026, 4, 8), 3) == dt.date(2026, 4, 2)


def test_no_report_for_ten_working_days_turns_amber(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 4, 30))
    with time_machine.travel(at(2026, 3, 13), tick=False):  # 9 working days since creation
        send_reminders()
        assert reload(item).rag == Rag.GREEN
    with time_machine.travel(at(2026, 3, 16), tick=False):  # 10 working days
        send_reminders()
        assert reload(item).rag == Rag.AMBER
        do_report_progress(item, acting_user=bureau.co_staff, text="经费已测算", percent=20)
        assert reload(item).rag == Rag.GREEN
    with time_machine.travel(at(2026, 3, 27), tick=False):  # 9 working days after that report
        send_reminders()
        assert reload(item).rag == Rag.GREEN


def test_thresholds_are_settings(bureau, settings):
    settings.EDUGOV_SUPERVISION_AMBER_WORKING_DAYS = 10
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 3, 13))  # 9 working days away
        assert item.rag == Rag.AMBER


def test_an_overdue_open_milestone_makes_the_item_red(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 4, 30), milestones=[("制定方案", dt.date(2026, 3, 6))])
        milestone = item.milestones.get()
        assert item.rag == Rag.GREEN
    with time_machine.travel(at(2026, 3, 9), tick=False):
        send_reminders()
        assert reload(item).rag == Rag.RED
        do_complete_milestone(milestone, acting_user=bureau.lead_staff)
        assert reload(item).rag == Rag.GREEN
        assert events("milestone_done").count() == 1


def test_closed_items_are_grey_and_leave_the_daily_job_alone(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        done = new_item(bureau, due_on=dt.date(2026, 3, 4), title="已办结事项")
        dropped = new_item(bureau, due_on=dt.date(2026, 3, 4), title="已撤销事项")
        do_complete_item(done, acting_user=bureau.manager, note="验收合格")
        do_cancel_item(dropped, acting_user=bureau.manager, reason="任务调整")
    with time_machine.travel(at(2026, 3, 16), tick=False):
        result = send_reminders()
    assert result["items"] == 0
    assert {reload(done).rag, reload(dropped).rag} == {Rag.GREY}
    assert reload(done).status == SupervisionStatus.COMPLETED
    assert reload(dropped).status == SupervisionStatus.CANCELLED
    assert reload(dropped).closing_note == "任务调整"
    assert not SupervisionReminder.objects.exists()
    with pytest.raises(SupervisionError):
        do_report_progress(done, acting_user=bureau.lead_staff, text="补充", percent=100)


# --- Reminders and escalation ---------------------------------------------------------------


def test_reminders_are_recorded_once_a_day_and_shown_to_the_owners(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        soon = new_item(bureau, due_on=dt.date(2026, 3, 5), title="近期到期")
        later = new_item(bureau, due_on=dt.date(2026, 4, 30), title="远期事项")
        first = send_reminders()
        second = send_reminders()
    assert first["reminded"] == 1
    assert second["reminded"] == 0
    reminder = SupervisionReminder.objects.get()
    assert (reminder.item_id, reminder.kind, reminder.sent_on) == (
        soon.pk,
        ReminderKind.DUE_SOON,
        dt.date(2026, 3, 2),
    )
    assert reload(soon).reminded_on == dt.date(2026, 3, 2)
    assert reload(later).reminded_on is None
    provider = SupervisionReminders()
    # The lead and the co-owner unit see it; the supervisor and an unrelated unit do not.
    assert [t.title for t in provider.items(bureau.lead_staff, bureau.lead)] == ["近期到期"]
    assert provider.count(bureau.co_staff, bureau.co) == 1
    assert provider.count(bureau.other_staff, bureau.other) == 0
    with time_machine.travel(at(2026, 3, 3), tick=False):
        assert send_reminders()["reminded"] == 1  # a new day, a new reminder
    assert SupervisionReminder.objects.filter(item=soon).count() == 2


def test_overdue_by_three_working_days_escalates_once(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 3, 20))  # Friday
    with time_machine.travel(at(2026, 3, 24), tick=False):  # overdue by 2 working days
        result = send_reminders()
        assert result["escalated"] == 0
        assert SupervisionReminder.objects.get(sent_on=dt.date(2026, 3, 24)).kind == ReminderKind.OVERDUE
    with time_machine.travel(at(2026, 3, 25), tick=False):  # overdue by 3: escalated
        assert send_reminders()["escalated"] == 1
        assert send_reminders() == {"items": 1, "changed": 0, "reminded": 0, "escalated": 0}
        escalated = reload(item)
        assert escalated.escalation_level == 1
        assert escalated.escalated_at is not None
        assert SupervisionReminder.objects.get(sent_on=dt.date(2026, 3, 25)).kind == ReminderKind.ESCALATED
    with time_machine.travel(at(2026, 3, 26), tick=False):  # the next day: no second escalation
        assert send_reminders()["escalated"] == 0
    entry = events("escalated").get()
    assert entry.extra_data["level"] == 1
    assert entry.extra_data["manual"] is False
    assert entry.acting_user is None
    assert entry.organization == bureau.supervisor
    # The supervising unit's manager sees it among their to-dos; the owners do not.
    escalations = SupervisionEscalations()
    assert [t.title for t in escalations.items(bureau.manager, bureau.supervisor)] == [item.title]
    assert escalations.items(bureau.manager, bureau.supervisor)[0].is_overdue
    assert escalations.count(bureau.lead_staff, bureau.lead) == 0
    # The bureau's leader (a grant on the bureau above the supervising office) sees it too;
    # a prefecture's office clerk does not.
    assert escalations.count(bureau.leader, bureau.tree.province) == 1
    kashgar_clerk = make_user("kashgar_clerk", unit=bureau.tree.kashgar, role="office_clerk")
    assert escalations.count(kashgar_clerk, bureau.tree.kashgar) == 0


def test_manual_escalation_raises_the_level_and_a_new_deadline_clears_it(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 3, 20))
        do_escalate_item(item, acting_user=bureau.manager, reason="进度滞后")
        do_escalate_item(item, acting_user=bureau.manager)
        assert reload(item).escalation_level == 2
        assert [e.extra_data["level"] for e in events("escalated").order_by("seq")] == [1, 2]
        with pytest.raises(SupervisionError):
            do_escalate_item(item, acting_user=bureau.lead_staff)
        do_change_deadline(item, acting_user=bureau.manager, due_on=dt.date(2026, 4, 10), reason="延期一周")
        assert reload(item).escalation_level == 0


# --- Deadlines -------------------------------------------------------------------------------


def test_deadline_change_needs_a_reason_and_is_audited(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 3, 5))
        send_reminders()
        assert reload(item).reminded_on is not None
        with translation.override("en"), pytest.raises(SupervisionError, match="Fill in the reason"):
            do_change_deadline(item, acting_user=bureau.manager, due_on=dt.date(2026, 3, 27), reason="  ")
        with pytest.raises(SupervisionError):  # an owner may not move the deadline
            do_change_deadline(
                item, acting_user=bureau.lead_staff, due_on=dt.date(2026, 3, 27), reason="想延期"
            )
        with pytest.raises(SupervisionError):
            do_change_deadline(item, acting_user=bureau.manager, due_on=dt.date(2026, 2, 27), reason="过去")
        assert not events("deadline_changed").exists()
        changed = do_change_deadline(
            item, acting_user=bureau.manager, due_on=dt.date(2026, 3, 27), reason="市级配套资金未到位"
        )
    assert changed.due_on == dt.date(2026, 3, 27)
    assert changed.reminded_on is None
    assert changed.rag == Rag.GREEN
    entry = events("deadline_changed").get()
    assert entry.acting_user == bureau.manager
    assert entry.reason == "市级配套资金未到位"
    assert entry.extra_data["old_due_on"] == "2026-03-05"
    assert entry.extra_data["new_due_on"] == "2026-03-27"
    assert entry.target_id == str(item.pk)


def test_milestones_stay_within_the_deadline(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 3, 20))
        with pytest.raises(SupervisionError):
            do_add_milestone(item, acting_user=bureau.manager, title="太晚", due_on=dt.date(2026, 3, 27))
        milestone = do_add_milestone(
            item, acting_user=bureau.manager, title="中期检查", due_on=dt.date(2026, 3, 13)
        )
        assert milestone.position == 1
        with pytest.raises(SupervisionError):  # moving the deadline before an open milestone
            do_change_deadline(item, acting_user=bureau.manager, due_on=dt.date(2026, 3, 12), reason="提前")
        with pytest.raises(SupervisionError):
            do_add_milestone(item, acting_user=bureau.lead_staff, title="自加", due_on=dt.date(2026, 3, 10))


# --- Visibility ------------------------------------------------------------------------------


def test_supervising_lead_and_co_owner_units_see_the_item_others_do_not(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 3, 20))

    def sees(user, action="view"):
        return SupervisionItem.objects.restrict(user, action).filter(pk=item.pk).exists()

    assert sees(bureau.manager)
    assert sees(bureau.lead_staff)
    assert sees(bureau.co_staff)
    assert sees(bureau.leader)  # a grant on the province covers its departments
    assert not sees(bureau.other_staff)
    assert not sees(make_user("kashgar_clerk", unit=bureau.tree.kashgar, role="office_clerk"))
    # report: the owners only; manage: the supervising unit only.
    assert sees(bureau.lead_staff, "report")
    assert sees(bureau.co_staff, "report")
    assert not sees(bureau.manager, "report")
    assert sees(bureau.manager, "manage")
    assert not sees(bureau.lead_staff, "manage")
    # An item never comes back twice through its co-owner units.
    item.co_units.add(bureau.other)
    assert SupervisionItem.objects.restrict(bureau.leader, "view").count() == 1


def test_unrelated_and_unauthorised_users_cannot_write(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 3, 20))
        with pytest.raises(SupervisionError):
            do_report_progress(item, acting_user=bureau.other_staff, text="越权", percent=10)
        with pytest.raises(SupervisionError):
            do_complete_item(item, acting_user=bureau.lead_staff)
        with pytest.raises(SupervisionError):  # no add grant on the supervising unit
            new_item(bureau, due_on=dt.date(2026, 3, 20), acting_user=bureau.lead_staff)
    assert not ProgressReport.objects.exists()
    assert reload(item).status == SupervisionStatus.OPEN


def test_the_lead_unit_must_lie_under_the_supervising_bureau(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        with translation.override("en"), pytest.raises(SupervisionError, match="outside the units"):
            do_create_supervision_item(
                organization=bureau.tree.kashi_city,
                title="越级督办",
                owner_unit=bureau.lead,
                due_on=dt.date(2026, 3, 20),
                acting_user=None,
            )
        # The province office supervises a prefecture bureau below its bureau.
        item = do_create_supervision_item(
            organization=bureau.supervisor,
            title="督办地区",
            owner_unit=bureau.tree.kashgar,
            due_on=dt.date(2026, 3, 20),
            acting_user=bureau.manager,
        )
        assert item.owner_unit == bureau.tree.kashgar
        with pytest.raises(SupervisionError):  # the responsible person must be in an owner unit
            new_item(bureau, due_on=dt.date(2026, 3, 20), owner=bureau.other_staff)
        assert (
            new_item(bureau, due_on=dt.date(2026, 3, 20), owner=bureau.lead_staff).owner == bureau.lead_staff
        )


# --- Progress and evidence ------------------------------------------------------------------


def test_progress_report_with_evidence_is_stored_and_append_only(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 3, 20), milestones=[("方案", dt.date(2026, 3, 10))])
        milestone = item.milestones.get()
        report = do_report_progress(
            item,
            acting_user=bureau.co_staff,
            text="方案已印发",
            percent=35,
            milestone=milestone,
            milestone_done=True,
            files=[SimpleUploadedFile("方案.pdf", PDF), SimpleUploadedFile("现场.png", PNG)],
        )
    assert report.unit == bureau.co
    evidence = list(report.evidence.order_by("pk"))
    assert [(e.name, e.content_type, e.size) for e in evidence] == [
        ("方案.pdf", "application/pdf", len(PDF)),
        ("现场.png", "image/png", len(PNG)),
    ]
    assert evidence[0].file.name.startswith("office/supervision/")
    assert evidence[0].file.read() == PDF
    updated = reload(item)
    assert updated.progress_percent == 35
    assert updated.last_report_at == report.created_at
    assert updated.milestones.get().done_by == bureau.co_staff
    assert events("progress_reported").get().extra_data["evidence"] == [e.pk for e in evidence]
    report.text = "改写"
    with pytest.raises(RuntimeError):
        report.save()
    with pytest.raises(RuntimeError):
        evidence[0].delete()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "cannot be attached: evidence must be a PDF"),
        ("report.pdf", b"<html>not a pdf</html>", "is not really a PDF file"),
        ("empty.docx", b"", "is empty"),
    ],
)
def test_evidence_of_the_wrong_type_is_refused_with_a_clear_message(bureau, name, content, message):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 3, 20))
        with translation.override("en"), pytest.raises(SupervisionError) as refused:
            do_report_progress(
                item,
                acting_user=bureau.lead_staff,
                text="附材料",
                percent=10,
                files=[SimpleUploadedFile("ok.pdf", PDF), SimpleUploadedFile(name, content)],
            )
    assert message in str(refused.value)
    assert name in str(refused.value)
    assert not ProgressReport.objects.exists()  # nothing written, not even the good file
    assert not ProgressEvidence.objects.exists()


def test_evidence_over_20_mb_is_refused(bureau):
    assert EVIDENCE_MAX_BYTES == 20 * 1024 * 1024
    big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (EVIDENCE_MAX_BYTES + 1024 * 1024))
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = new_item(bureau, due_on=dt.date(2026, 3, 20))
        with translation.override("en"), pytest.raises(SupervisionError) as refused:
            do_report_progress(item, acting_user=bureau.lead_staff, text="扫描件", percent=10, files=[big])
    assert str(refused.value) == "“scan.pdf” is 21.0\xa0MB; an evidence file may be at most 20 MB."
    assert not ProgressReport.objects.exists()


# --- Sources ---------------------------------------------------------------------------------


def test_created_from_an_incoming_document_keeps_the_link(bureau):
    document = Document.objects.create(
        organization=bureau.supervisor,
        direction="incoming",
        doc_type="notice",
        status="instruction",
        title="关于做好春季学期开学工作的通知",
        issuing_organ="教育部办公厅",
        doc_number="教基厅〔2026〕3号",
        created_by=bureau.manager,
    )
    with time_machine.travel(at(2026, 3, 2), tick=False):
        item = do_create_supervision_item(
            organization=bureau.supervisor,
            title="落实开学工作",
            owner_unit=bureau.lead,
            due_on=dt.date(2026, 3, 20),
            acting_user=bureau.leader,
            source_kind=SourceKind.INSTRUCTION,
            source_document=document,
        )
        meeting = do_create_supervision_item(
            organization=bureau.supervisor,
            title="会议议定事项",
            owner_unit=bureau.lead,
            due_on=dt.date(2026, 3, 20),
            acting_user=bureau.manager,
            source_kind=SourceKind.MEETING,
            source_ref="office.meetingdecision:12",
            source_label="第3次厅务会 议定事项2",
        )
    assert item.source_document == document
    assert item.source_kind == SourceKind.INSTRUCTION
    assert item.source_label == "教基厅〔2026〕3号 关于做好春季学期开学工作的通知"
    assert list(document.supervision_items.all()) == [item]
    assert meeting.source_model == "office.meetingdecision"
    created = events("created").get(target_id=str(item.pk))
    assert created.extra_data["source_document"] == document.pk
    assert created.extra_data["source_kind"] == "instruction"
    assert created.organization == bureau.supervisor
    by_ref = SupervisionItem.objects.get(source_ref="office.meetingdecision:12")
    assert by_ref == meeting


def test_creation_refuses_past_deadlines_and_bad_milestones(bureau):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        with pytest.raises(SupervisionError):
            new_item(bureau, due_on=dt.date(2026, 2, 27))
        with pytest.raises(SupervisionError):
            new_item(bureau, due_on=dt.date(2026, 3, 20), milestones=[("晚于截止", dt.date(2026, 3, 27))])
        with pytest.raises(SupervisionError):
            new_item(bureau, due_on=dt.date(2026, 3, 20), title="   ")
    assert not SupervisionItem.objects.exists()


def test_the_daily_job_is_registered_by_its_dotted_path():
    from django.utils.module_loading import import_string

    from edugov.core.periodic import jobs

    job = jobs()["office.supervision_reminders"]
    assert import_string(job.func_path) is send_reminders
    assert job.at == dt.time(8, 0)


def test_the_daily_job_runs_in_a_bounded_number_of_queries(bureau, django_assert_max_num_queries):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        for i in range(30):
            new_item(
                bureau,
                due_on=dt.date(2026, 3, 4 + i % 3),
                title=f"事项{i}",
                milestones=[("节点", dt.date(2026, 3, 3))],
            )
        with django_assert_max_num_queries(14):
            result = send_reminders()
    assert result["items"] == 30
    assert result["reminded"] == 30
