"""The office demo: documents at every stage, and the areas around them (IN-1 … IN-8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from edugov.core.choices import CalendarDayKind, Jurisdiction
from edugov.core.models import CalendarDay
from edugov.devtools.demo import build_demo
from edugov.devtools.office_demo import build_office, office_present
from edugov.office.models import (
    ApprovalRequest,
    Document,
    DutyRoster,
    DutySlot,
    DutySwap,
    Meeting,
    MeetingDecision,
    ProgressReport,
    SupervisionItem,
    SupervisionReminder,
    WorkTask,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def office_demo() -> dict[str, Any]:
    build_demo(seed=2026, scale="small")
    today = timezone.localdate()
    if not CalendarDay.objects.filter(kind=CalendarDayKind.HOLIDAY, date__gt=today).exists():
        # As an administrator enters next year's schedule before the package ships it.
        CalendarDay.objects.create(
            jurisdiction=Jurisdiction.NATIONAL,
            date=dt.date(today.year + 1, 1, 1),
            kind=CalendarDayKind.HOLIDAY,
            name="元旦",
            source="manual",
        )
    lines: list[str] = []
    counts = build_office(seed=2026, progress=lines.append)
    return {"counts": counts, "lines": lines}


def test_office_demo(office_demo: dict[str, Any]) -> None:
    now, today = timezone.now(), timezone.localdate()
    counts = office_demo["counts"]
    assert counts["documents"] == 8
    assert office_present()  # so populate_demo does not build it again

    # Documents: outgoing at every stage of the route, incoming copies at 乌鲁木齐市教育局.
    outgoing = set(
        Document.objects.filter(direction="outgoing", organization__depth=1).values_list("status", flat=True)
    )
    assert outgoing == {"draft", "review", "countersign", "signoff", "archived"}
    incoming = set(
        Document.objects.filter(direction="incoming", organization__name="乌鲁木齐市教育局").values_list(
            "status", flat=True
        )
    )
    assert incoming == {"received", "instruction", "handling"}
    issued = Document.objects.filter(direction="outgoing", status="archived")
    assert issued.count() == 3
    assert all(d.files.filter(kind="signed").exists() and d.doc_number for d in issued)

    # Supervision: every colour, progress with per cent, escalation, and both other sources.
    items = SupervisionItem.objects.all()
    assert set(items.filter(status="open").values_list("rag", flat=True)) == {"green", "amber", "red"}
    assert items.filter(status="completed", rag="grey").exists()
    assert items.filter(organization__depth=1).count() >= 8
    assert set(ProgressReport.objects.values_list("percent", flat=True)) >= {20, 40, 100}
    overdue = items.get(rag="red", due_on__lt=today)
    assert overdue.escalation_level == 1
    assert SupervisionReminder.objects.filter(item=overdue, kind="escalated").exists()
    assert items.filter(rag="red", due_on__gte=today, milestones__due_on__lt=today).exists()
    instructed = items.get(source_kind="instruction")
    assert instructed.organization.name == "乌鲁木齐市教育局"
    assert instructed.source_document.direction == "incoming"
    assert instructed.source_document.organization == instructed.organization
    assert instructed.owner_unit.name == "基础教育科"
    assert instructed.owner_unit.get_parent() == instructed.organization
    from_meeting = items.get(source_kind="meeting")
    decision = MeetingDecision.objects.get(supervision_ref=from_meeting.pk)
    assert from_meeting.source_ref == f"office.meetingdecision:{decision.pk}"

    # Meetings: rooms, upcoming meetings this week and next with answers, one held.
    upcoming = Meeting.objects.filter(organization__depth=1, status="scheduled", starts_at__gt=now)
    assert upcoming.count() == 4
    assert all(m.attendees.exists() for m in upcoming)
    assert upcoming.filter(kind="remote", remote_url__startswith="https://").exists()
    assert upcoming.filter(room__name="党组会议室").exists()
    assert upcoming.filter(room__name="第一会议室", room__has_video=True).exists()
    responses = set(upcoming.values_list("attendees__response", flat=True))
    assert responses == {"pending", "accepted", "declined", "delegated"}
    held = Meeting.objects.get(status="held")
    assert held.ends_at < now - dt.timedelta(days=3)
    assert held.minutes.approved_at is not None
    assert held.minutes.decisions.count() == 2
    assert decision.minutes == held.minutes

    # Duty rosters: the next fortnight with a leader and a person (on the duty line) each day.
    regular = DutyRoster.objects.get(kind="regular", organization__depth=1)
    assert regular.published_at is not None
    assert (regular.starts_on, regular.ends_on) == (today, today + dt.timedelta(days=13))
    slots = DutySlot.objects.filter(roster=regular)
    days = [today + dt.timedelta(days=i) for i in range(14)]
    assert sorted(set(slots.filter(is_leader=True).values_list("date", flat=True))) == days
    assert sorted(set(slots.filter(is_leader=False).values_list("date", flat=True))) == days
    assert set(slots.filter(is_leader=False).values_list("phone", flat=True)) == {"0991-8560110"}
    assert "" not in set(slots.filter(is_leader=True).values_list("phone", flat=True))
    swap = DutySwap.objects.get()
    assert swap.status == "pending"
    assert swap.slot_from.roster == regular
    assert swap.slot_to.person.username == "xj_clerk"
    holiday = DutyRoster.objects.get(kind="holiday")
    assert holiday.published_at is not None
    assert holiday.holiday_name
    holiday_days = set(holiday.slots.values_list("date", flat=True))
    assert holiday_days == set(holiday.slots.filter(is_leader=True).values_list("date", flat=True))

    # Approvals: a leave request at the department head, a purchase through both steps.
    leave = ApprovalRequest.objects.get(kind__code="leave")
    assert leave.status == "pending"
    assert leave.created_by.username == "xj_jichu"
    step = WorkTask.objects.get(process=leave.process, status="open")
    assert step.spec_name == "approve_department"
    assert set(step.candidates.values_list("user__username", flat=True)) == {"xj_head_jichu"}
    from edugov.office.models import ArchiveLoan

    assert set(ArchiveLoan.objects.values_list("status", flat=True)) >= {"lent", "requested"}
    purchase = ApprovalRequest.objects.get(kind__code="purchase")
    assert purchase.process.status == "completed"
    assert purchase.process.data["decision"] == "approved"
    assert purchase.decided_at is not None
    assert purchase.status == "approved"
    assert list(purchase.comments.order_by("pk").values_list("author__username", "outcome")) == [
        ("xj_head_jichu", "approve"),
        ("xj_leader", "approve"),
    ]

    assert any("supervision" in line for line in office_demo["lines"])
