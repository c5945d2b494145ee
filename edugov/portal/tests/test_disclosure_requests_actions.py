"""Disclosure on request through its actions (PUB-3, STANDARDS §6.1–6.2, BEYOND A.1/B.1).

The clock is exercised through the steps staff and requesters take, on the 2026 calendar
(National Day: 1–7 October off, Sunday 20 September and Saturday 10 October worked).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from edugov.core.calendar import add_working_days
from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.disclosure_requests import (
    REPLY_TEMPLATES,
    DisclosureErrorCode,
    do_accept_request,
    do_close_without_correction,
    do_decide_extension,
    do_record_consultation,
    do_reply,
    do_request_correction,
    do_request_extension,
    do_start_consultation,
    do_submit_correction,
    escalate_overdue_requests,
    reply_template,
)
from edugov.portal.actions.ratings import can_reopen, do_reopen_case
from edugov.portal.choices import CaseStatus, ClockEventKind, DisclosureResult, ReplyType
from edugov.portal.clock import case_deadline
from edugov.portal.error_codes import PortalErrorCode
from edugov.portal.models import Case, ClockEvent
from edugov.portal.testing.citizens import make_citizen, submit_request
from edugov.portal.todos_disclosure import DisclosureDueSoon, DisclosureOverdue, DisclosureToConfirm

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date


def at(year: int, month: int, day: int):
    return time_machine.travel(dt.datetime(year, month, day, 10, 0, tzinfo=SHANGHAI), tick=False)


def code_of(error: ValidationError) -> str:
    return error.error_list[0].code


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


@pytest.fixture
def people(tree):
    class People:
        citizen = make_citizen("13900000001", serial=1)
        other_citizen = make_citizen("13900000002", serial=2, real_name="李四")
        handler = make_user("u_handler", unit=tree.urumqi, role="case_handler")
        supervisor = make_user("u_supervisor", unit=tree.urumqi, role="case_supervisor")
        province_supervisor = make_user("p_supervisor", unit=tree.province, role="case_supervisor")
        kashgar_supervisor = make_user("k_supervisor", unit=tree.kashgar, role="case_supervisor")
        kashgar_handler = make_user("k_handler", unit=tree.kashgar, role="case_handler")

    return People


def accepted_case(people, tree, on: D):
    """A request submitted and confirmed on ``on``."""
    with at(on.year, on.month, on.day):
        case, _code = submit_request(people.citizen, tree.urumqi)
        do_accept_request(case, acting_user=people.handler, on=on)
    case.refresh_from_db()
    return case


def test_twenty_working_days_count_from_confirmed_receipt_across_national_day(people, tree):
    with at(2026, 9, 17):
        case, query_code = submit_request(people.citizen, tree.urumqi)
    assert case.status == CaseStatus.SUBMITTED
    assert case.due_on is None  # online: the clock waits for the unit's confirmation
    assert len(query_code) == 8
    with at(2026, 9, 18):
        do_accept_request(case, acting_user=people.handler)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.received_on == D(2026, 9, 18)
    assert case.due_on == D(2026, 10, 22)  # STANDARDS §8.2 vector: 调休 Sunday counts, 1–7 Oct do not
    with translation.override("en"):
        lines = case_deadline(case).explain()
    assert any(line.startswith("2026-10-01") and "not counted" in line for line in lines)
    assert any("2026-09-20" in line and "(1 of 20)" in line for line in lines)
    assert case.events.filter(kind="accepted", public=True).exists()
    assert AuditEntry.objects.filter(event_type="portal.disclosure_accepted", target_id=str(case.pk)).exists()


def test_receipt_cannot_be_dated_before_submission_or_in_the_future(people, tree):
    with at(2026, 3, 2):
        case, _code = submit_request(people.citizen, tree.urumqi)
        for wrong in (D(2026, 3, 1), D(2026, 3, 3)):
            with pytest.raises(ValidationError) as refused:
                do_accept_request(case, acting_user=people.handler, on=wrong)
            assert code_of(refused.value) == DisclosureErrorCode.WRONG_DATE
    assert not ClockEvent.objects.filter(case=case).exists()


def test_correction_pauses_and_the_corrected_request_counts_afresh(people, tree):
    case = accepted_case(people, tree, D(2026, 3, 2))
    with at(2026, 3, 4):
        do_request_correction(case, acting_user=people.handler, text="请写明所需信息的年份和文件名称。")
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_REQUESTER
    assert case.due_on is None  # paused: no deadline while waiting
    assert case.disclosure.correction_text == "请写明所需信息的年份和文件名称。"
    notice = case.events.get(kind="correction_requested")
    assert notice.public
    assert "请写明所需信息的年份和文件名称。" in notice.public_note
    with at(2026, 3, 16):
        do_submit_correction(
            case, acting_user=people.citizen, text="2025年本市小学招生计划（乌教发〔2025〕3号）"
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.due_on == add_working_days(D(2026, 3, 16), 20).result
    assert case.disclosure.corrected_description.startswith("2025年本市小学招生计划")
    kinds = list(case.clock_events.values_list("kind", flat=True))
    assert kinds == [ClockEventKind.START, ClockEventKind.PAUSE, ClockEventKind.RESTART]


def test_correction_can_be_asked_only_within_seven_working_days_and_once(people, tree):
    case = accepted_case(people, tree, D(2026, 3, 2))  # 7th working day after: Wednesday 11 March
    with at(2026, 3, 12), pytest.raises(ValidationError) as late:
        do_request_correction(case, acting_user=people.handler, text="补充年份")
    assert code_of(late.value) == DisclosureErrorCode.CORRECTION_TOO_LATE
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert not case.clock_events.filter(kind=ClockEventKind.PAUSE).exists()

    case2 = accepted_case(people, tree, D(2026, 3, 2))
    with at(2026, 3, 11):
        do_request_correction(case2, acting_user=people.handler, text="补充年份")
        do_submit_correction(case2, acting_user=people.citizen, text="2025年")
        with pytest.raises(ValidationError) as twice:
            do_request_correction(case2, acting_user=people.handler, text="再补充")
    assert code_of(twice.value) == DisclosureErrorCode.CORRECTION_ALREADY_REQUESTED


def test_only_the_requester_corrects(people, tree):
    case = accepted_case(people, tree, D(2026, 3, 2))
    with at(2026, 3, 3):
        do_request_correction(case, acting_user=people.handler, text="补充年份")
        for intruder in (people.other_citizen, people.handler):
            with pytest.raises(ValidationError) as refused:
                do_submit_correction(case, acting_user=intruder, text="2025年")
            assert code_of(refused.value) == PortalErrorCode.NOT_REQUESTER
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_REQUESTER
    assert not case.disclosure.corrected_description


def test_no_correction_within_fifteen_working_days_closes_the_request(people, tree):
    case = accepted_case(people, tree, D(2026, 3, 2))
    with at(2026, 3, 3):
        do_request_correction(case, acting_user=people.handler, text="补充年份")
    due = add_working_days(D(2026, 3, 3), 15).result  # 24 March
    with at(due.year, due.month, due.day), pytest.raises(ValidationError) as early:
        do_close_without_correction(case, acting_user=people.handler)
    assert code_of(early.value) == DisclosureErrorCode.CORRECTION_NOT_OVERDUE
    later = due + dt.timedelta(days=1)
    with at(later.year, later.month, later.day):
        do_close_without_correction(case, acting_user=people.handler)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.disclosure.result == DisclosureResult.OTHER_NO_CORRECTION
    assert case.events.filter(kind="closed_no_correction", public=True).exists()


def test_third_party_consultation_does_not_count(people, tree):
    case = accepted_case(people, tree, D(2026, 3, 2))
    before = case.due_on
    with at(2026, 3, 4):
        do_start_consultation(case, acting_user=people.handler, third_party="某公司", reason="涉及商业秘密")
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_THIRD_PARTY
    assert case.due_on is None
    public_line = case.events.get(kind="consultation_started")
    assert "某公司" not in public_line.public_note  # the third party is not named to the requester
    with at(2026, 3, 11):
        do_record_consultation(case, acting_user=people.handler, opinion="不同意公开")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    # Five working days (5, 6, 9, 10, 11 March) were paused.
    assert case.due_on == add_working_days(before, 5).result


def test_extension_needs_the_approval_of_the_head_and_twenty_days_at_most(people, tree):
    case = accepted_case(people, tree, D(2026, 3, 2))
    base_due = case.due_on
    with at(2026, 3, 20):
        with pytest.raises(ValidationError) as too_long:
            do_request_extension(case, acting_user=people.handler, days=21, reason="材料多")
        assert code_of(too_long.value) == PortalErrorCode.EXTENSION_TOO_LONG
        do_request_extension(case, acting_user=people.handler, days=15, reason="需调取多年档案")
        case.refresh_from_db()
        assert case.due_on == base_due  # nothing changes before the approval
        with pytest.raises(PermissionDenied):
            do_decide_extension(case, acting_user=people.handler, approve=True)
        with pytest.raises(PermissionDenied):  # another prefecture's head has no say
            do_decide_extension(case, acting_user=people.kashgar_supervisor, approve=True)
        assert not case.clock_events.filter(kind=ClockEventKind.EXTEND).exists()
        assert (
            AuditEntry.objects.filter(
                event_type="portal.disclosure_extension_approved", success=False
            ).count()
            == 2
        )
        do_decide_extension(case, acting_user=people.supervisor, approve=True, note="同意")
    case.refresh_from_db()
    extend = case.clock_events.get(kind=ClockEventKind.EXTEND)
    assert (extend.days, extend.approved_by, extend.actor) == (15, people.supervisor, people.handler)
    assert case.due_on == add_working_days(base_due, 15).result
    told = case.events.get(kind="extended")
    assert told.public
    assert "15" in told.public_note
    assert case.disclosure.extension_days == 0  # no request pending any more
    with at(2026, 3, 23):
        with pytest.raises(ValidationError) as over:
            do_request_extension(case, acting_user=people.handler, days=6, reason="仍需时间")
        assert code_of(over.value) == PortalErrorCode.EXTENSION_TOO_LONG
        do_request_extension(case, acting_user=people.handler, days=5, reason="仍需时间")
        do_decide_extension(case, acting_user=people.supervisor, approve=False, note="不同意")
    case.refresh_from_db()
    assert case.clock_events.filter(kind=ClockEventKind.EXTEND).count() == 1
    assert case.events.filter(kind="extension_refused", public=False).exists()


def test_reply_result_must_fit_the_reply_form(people, tree):
    case = accepted_case(people, tree, D(2026, 3, 2))
    with at(2026, 3, 10), pytest.raises(ValidationError) as wrong:
        do_reply(
            case,
            acting_user=people.handler,
            reply_type=ReplyType.NOT_EXIST,
            result=DisclosureResult.DISCLOSED,
            text="经检索，本机关没有该信息。",
        )
    assert code_of(wrong.value) == DisclosureErrorCode.INCONSISTENT_RESULT
    with at(2026, 3, 10), pytest.raises(ValidationError) as unfilled:
        do_reply(
            case,
            acting_user=people.handler,
            reply_type=ReplyType.ALREADY_PUBLIC,
            result=DisclosureResult.DISCLOSED,
            text=reply_template(case, ReplyType.ALREADY_PUBLIC),
        )
    assert code_of(unfilled.value) == DisclosureErrorCode.UNFILLED_TEMPLATE
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_every_reply_form_has_a_chinese_letter_filled_from_the_case(people, tree):
    case = accepted_case(people, tree, D(2026, 3, 2))
    assert set(REPLY_TEMPLATES) == set(ReplyType.values)
    for reply_type in ReplyType.values:
        letter = reply_template(case, reply_type, today=D(2026, 3, 10))
        assert case.number in letter
        assert "张三：" in letter
        assert "2026年3月2日" in letter
        assert "乌鲁木齐市教育局" in letter
        assert "第三十" in letter  # cites the regulation
        assert "{" not in letter


def reply_not_held(case, people, on: D):
    """The handler answers on ``on`` that the information does not exist (the filled template)."""
    with at(on.year, on.month, on.day):
        do_reply(
            case,
            acting_user=people.handler,
            reply_type=ReplyType.NOT_EXIST,
            result=DisclosureResult.UNAVAILABLE_NOT_HELD,
            text=reply_template(case, ReplyType.NOT_EXIST, today=on),
        )
    return Case.objects.get(pk=case.pk)


def test_reply_stops_the_clock_and_reaches_the_status_data(people, tree):
    case = accepted_case(people, tree, D(2026, 3, 2))
    case = reply_not_held(case, people, D(2026, 3, 10))
    assert case.status == CaseStatus.REPLIED
    assert case.clock_events.filter(kind=ClockEventKind.STOP, on=D(2026, 3, 10)).exists()
    assert case.due_on == add_working_days(D(2026, 3, 2), 20).result  # kept for the on-time record
    html = render_to_string("portal/cases/kinds/disclosure.html", {"case": case})
    assert "经检索，本机关没有您所申请的政府信息" in html
    assert 'data-testid="disclosure-reply"' in html
    assert case.events.filter(kind="replied", public=True).exists()
    with pytest.raises(ValidationError):  # answered once
        reply_not_held(case, people, D(2026, 3, 11))


def test_a_disclosure_reply_is_not_reopened_and_the_status_page_names_the_remedies(people, tree, client):
    """A reply is an administrative act: contested by review or lawsuit, not by 'reopen' (PUB-3)."""
    case = reply_not_held(accepted_case(people, tree, D(2026, 3, 2)), people, D(2026, 3, 10))
    assert not can_reopen(case)
    with pytest.raises(ValidationError) as error, translation.override("zh-hans"):
        do_reopen_case(case, reason="不服答复")
    assert code_of(error.value) == "not_reopenable"
    assert "行政复议" in error.value.messages[0]
    client.force_login(people.citizen)
    with translation.override("zh-hans"):
        page = client.get(reverse("portal_public:case_status", kwargs={"token": case.tracking_token}))
    html = page.content.decode()
    assert 'data-testid="reopen-form"' not in html
    assert 'data-testid="disclosure-remedy"' in html
    assert "行政复议" in html
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REPLIED


def test_staff_of_another_unit_cannot_act(people, tree):
    with at(2026, 3, 2):
        case, _code = submit_request(people.citizen, tree.urumqi)
        with pytest.raises(PermissionDenied):
            do_accept_request(case, acting_user=people.kashgar_handler)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_overdue_requests_escalate_to_the_supervisors_of_the_unit_and_its_parent(people, tree):
    case = accepted_case(people, tree, D(2026, 3, 2))
    due = case.due_on  # 30 March
    with at(due.year, due.month, due.day):
        assert escalate_overdue_requests() == 0
        assert [t.url for t in DisclosureDueSoon().items(people.handler, tree.urumqi)] == [
            f"/portal/disclosure/{case.pk}/"
        ]
        assert DisclosureDueSoon().count(people.kashgar_handler, tree.kashgar) == 0
    with at(2026, 3, 31):
        assert escalate_overdue_requests() == 1
        assert escalate_overdue_requests() == 0  # once
        case.refresh_from_db()
        assert case.escalated_at is not None
        assert case.events.filter(kind="escalated", public=False).exists()
        assert DisclosureOverdue().count(people.supervisor, tree.urumqi) == 1
        assert DisclosureOverdue().count(people.province_supervisor, tree.province) == 1  # parent unit
        assert DisclosureOverdue().count(people.kashgar_supervisor, tree.kashgar) == 0
        assert DisclosureOverdue().count(people.handler, tree.urumqi) == 0  # supervisors only
        [todo] = DisclosureOverdue().items(people.supervisor, tree.urumqi)
        assert todo.is_overdue


def test_unconfirmed_requests_are_the_handlers_todo(people, tree):
    with at(2026, 3, 2):
        submit_request(people.citizen, tree.urumqi)
    assert DisclosureToConfirm().count(people.handler, tree.urumqi) == 1
    assert DisclosureToConfirm().count(people.kashgar_handler, tree.kashgar) == 0


def test_a_correction_on_the_day_of_receipt_restarts_the_clock_that_day(people, tree):
    case = accepted_case(people, tree, D(2026, 3, 2))
    with at(2026, 3, 2):
        do_request_correction(case, acting_user=people.handler, text="补充年份")
        do_submit_correction(case, acting_user=people.citizen, text="2025年")
    case.refresh_from_db()
    assert case.due_on == add_working_days(D(2026, 3, 2), 20).result


def test_the_escalation_runs_as_a_daily_periodic_job():
    from edugov.core.periodic import jobs

    job = jobs()["portal.disclosure_escalation"]
    assert job.func_path == "edugov.portal.actions.disclosure_requests.escalate_overdue_requests"
    assert job.at == dt.time(7, 30)
