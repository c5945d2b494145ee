"""好差评 loop (STANDARDS §7.2; BEYOND A.5, B.2, B.20): rate → rectify → follow up → close; reopen; appeal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from edugov.core.calendar import add_working_days
from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.case_handling import do_close_case
from edugov.portal.actions.letters import do_reply_letter
from edugov.portal.actions.ratings import (
    do_decide_rating_appeal,
    do_file_rating_appeal,
    do_rate_case,
    do_record_follow_up,
    do_record_rectification,
    do_reopen_case,
    rating_summary,
)
from edugov.portal.choices import CaseStatus, Rating
from edugov.portal.clock import case_deadline, refresh_due_on
from edugov.portal.models import CaseClosure, CaseRating, Rectification
from edugov.portal.models.ratings import AppealStatus, RectificationStatus
from edugov.portal.testing.letters import replied_letter
from edugov.portal.todos_cases import CasesOverdue, CasesReopened, OpenRectifications, RatingAppealsToDecide

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    return {
        "handler": make_user("ks_handler", unit=tree.kashgar, role="case_handler"),
        "supervisor": make_user("ks_sup", unit=tree.kashgar, role="case_supervisor"),
        "province_sup": make_user("jyt_sup", unit=tree.province, role="case_supervisor"),
        "other_sup": make_user("wlmq_sup", unit=tree.urumqi, role="case_supervisor"),
    }


def codes(error):
    return {e.code for e in error.value.error_list}


def test_bad_rating_opens_a_rectification_due_in_the_configured_working_days(sites, people, settings):
    settings.EDUGOV_RECTIFICATION_DAYS = 15
    case = replied_letter(sites.kashgar, people["handler"])
    rating = do_rate_case(case, level=Rating.VERY_DISSATISFIED, comment="没有解决")
    rect = Rectification.objects.get(rating=rating)
    assert rect.due_on == add_working_days(timezone.localdate(), 15).result
    assert rect.unit == sites.kashgar.organization
    case.refresh_from_db()
    assert case.status == CaseStatus.RECTIFYING
    # The supervisor of the handling unit sees it; the handler (no approve) and other units do not.
    assert OpenRectifications().count(people["supervisor"], None) == 1
    assert OpenRectifications().count(people["handler"], None) == 0
    assert OpenRectifications().count(people["other_sup"], None) == 0


def test_good_rating_opens_nothing_and_one_rating_per_round(sites, people):
    case = replied_letter(sites.kashgar, people["handler"])
    do_rate_case(case, level=Rating.SATISFIED)
    assert not Rectification.objects.exists()
    with pytest.raises(ValidationError) as error:
        do_rate_case(case, level=Rating.VERY_SATISFIED)
    assert codes(error) == {"already_rated"}


def test_close_needs_an_approver_a_reason_a_done_rectification_and_a_follow_up(sites, people):
    case = replied_letter(sites.kashgar, people["handler"])
    do_rate_case(case, level=Rating.DISSATISFIED)
    rect = Rectification.objects.get()
    # Not a person with approve: refused.
    with pytest.raises(ValidationError) as error:
        do_close_case(case, acting_user=people["handler"], outcome="resolved", reason="已处理")
    assert codes(error) == {"not_approver"}
    with pytest.raises(ValidationError) as error:
        do_close_case(case, acting_user=None, outcome="resolved", reason="已处理")
    assert codes(error) == {"not_approver"}
    # No reason: refused.
    with pytest.raises(ValidationError) as error:
        do_close_case(case, acting_user=people["supervisor"], outcome="resolved", reason="  ")
    assert codes(error) == {"reason_required"}
    # Open rectification: refused.
    with pytest.raises(ValidationError) as error:
        do_close_case(case, acting_user=people["supervisor"], outcome="resolved", reason="已处理")
    assert codes(error) == {"rectification_open"}
    do_record_rectification(rect, acting_user=people["supervisor"], notes="已退还全部补课费")
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED
    follow_up_todos = OpenRectifications().items(people["supervisor"], None)
    assert len(follow_up_todos) == 1
    assert "回访" in follow_up_todos[0].title
    # Rectified but no follow-up call: refused.
    with pytest.raises(ValidationError) as error:
        do_close_case(case, acting_user=people["supervisor"], outcome="resolved", reason="已处理")
    assert codes(error) == {"follow_up_missing"}
    do_record_follow_up(
        case,
        acting_user=people["supervisor"],
        method="phone",
        on=timezone.localdate(),
        opinion="家长表示费用已退还",
        satisfied=True,
    )
    assert OpenRectifications().count(people["supervisor"], None) == 0
    closed = do_close_case(
        case, acting_user=people["supervisor"], outcome="resolved", reason="整改到位，回访满意"
    )
    assert closed.status == CaseStatus.CLOSED
    assert closed.closed_by == people["supervisor"]
    closure = CaseClosure.objects.get(case=case)
    assert (closure.outcome, closure.round) == ("resolved", 0)
    assert Rectification.objects.get().status == RectificationStatus.DONE


def test_nothing_closes_by_itself_outcomes_with_reasons(sites, people):
    case = replied_letter(sites.kashgar, people["handler"])
    closed = do_close_case(
        case, acting_user=people["supervisor"], outcome="not_ours", reason="属于人社部门职责，已告知"
    )
    assert closed.status == CaseStatus.CLOSED
    with translation.override("zh-hans"):
        assert CaseClosure.objects.get().get_outcome_display() == "办结——不属于本单位职责"
    with pytest.raises(ValidationError) as error:
        do_close_case(case, acting_user=people["supervisor"], outcome="resolved", reason="again")
    assert codes(error) == {"already_closed"}


def test_requester_reopens_within_thirty_days_and_may_rate_the_new_answer(sites, people):
    case = replied_letter(sites.kashgar, people["handler"])
    do_rate_case(case, level=Rating.BASICALLY_SATISFIED)
    do_close_case(case, acting_user=people["supervisor"], outcome="resolved", reason="已答复")
    with pytest.raises(ValidationError) as error:
        do_reopen_case(case, reason="")
    assert codes(error) == {"required"}
    reopened = do_reopen_case(case, reason="费用并未退还")
    assert reopened.status == CaseStatus.REOPENED
    assert reopened.reopen_count == 1
    assert CasesReopened().count(people["handler"], None) == 1
    assert CasesReopened().count(people["other_sup"], None) == 0
    # The new round has a full handling period from today, so it is not overdue on arrival.
    assert reopened.due_on == case_deadline(reopened).due_on
    assert reopened.due_on > timezone.localdate()
    assert case_deadline(reopened).start == timezone.localdate()
    assert CasesOverdue().count(people["handler"], None) == 0
    do_reply_letter(reopened, acting_user=people["handler"], text="已再次核查并督促退还。")
    reopened.refresh_from_db()
    second = do_rate_case(reopened, level=Rating.SATISFIED)
    assert second.round == 1
    assert CaseRating.objects.filter(case=case).count() == 2
    assert list(reopened.clock_events.order_by("pk").values_list("kind", flat=True))[-2:] == [
        "reopen",
        "stop",
    ]


def test_an_old_letter_reopened_is_not_overdue_at_once(sites, people):
    case = replied_letter(sites.kashgar, people["handler"])
    long_ago = timezone.localdate() - dt.timedelta(days=60)
    case.clock_events.update(on=long_ago)
    case.events.filter(kind="replied").update(at=timezone.now() - dt.timedelta(days=20))
    refresh_due_on(case)
    assert case.due_on < timezone.localdate()
    reopened = do_reopen_case(case, reason="问题仍未解决")
    assert reopened.due_on > timezone.localdate()
    assert CasesOverdue().count(people["handler"], None) == 0


def test_reopen_window_closes_thirty_days_after_the_reply(sites, people, settings):
    settings.EDUGOV_CASE_REOPEN_DAYS = 30
    case = replied_letter(sites.kashgar, people["handler"])
    case.events.filter(kind="replied").update(at=timezone.now() - dt.timedelta(days=31))
    with pytest.raises(ValidationError) as error:
        do_reopen_case(case, reason="还是不行")
    assert codes(error) == {"reopen_window_passed"}
    case.events.filter(kind="replied").update(at=timezone.now() - dt.timedelta(days=29))
    assert do_reopen_case(case, reason="还是不行").status == CaseStatus.REOPENED


def test_appeal_is_decided_at_the_parent_unit_and_upheld_excludes_the_rating(sites, people):
    case = replied_letter(sites.kashgar, people["handler"])
    rating = do_rate_case(case, level=Rating.VERY_DISSATISFIED, comment="乱评")
    appeal = do_file_rating_appeal(rating, acting_user=people["handler"], reason="评价人与事项无关，恶意差评")
    # The rated unit's own supervisor and an unrelated unit's supervisor cannot decide.
    for who in ("supervisor", "other_sup"):
        with pytest.raises(ValidationError) as error:
            do_decide_rating_appeal(appeal, acting_user=people[who], upheld=True, note="同意")
        assert codes(error) == {"not_appeal_decider"}
    assert RatingAppealsToDecide().count(people["province_sup"], None) == 1
    assert RatingAppealsToDecide().count(people["supervisor"], None) == 0
    decided = do_decide_rating_appeal(
        appeal, acting_user=people["province_sup"], upheld=True, note="核实为恶意差评"
    )
    assert decided.status == AppealStatus.UPHELD
    rating.refresh_from_db()
    assert rating.excluded is True
    assert CaseRating.objects.filter(pk=rating.pk).exists()  # the record stays
    assert Rectification.objects.get().status == RectificationStatus.CANCELLED
    assert rating_summary(CaseRating.objects.all()) == {}
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED


def test_rejected_appeal_keeps_the_rating_in_statistics(sites, people):
    case = replied_letter(sites.kashgar, people["handler"])
    rating = do_rate_case(case, level=Rating.DISSATISFIED)
    appeal = do_file_rating_appeal(rating, acting_user=people["handler"], reason="不同意")
    do_decide_rating_appeal(appeal, acting_user=people["province_sup"], upheld=False, note="评价属实")
    assert rating_summary(CaseRating.objects.all()) == {sites.kashgar.organization.pk: {2: 1}}


def test_rating_summary_page_counts_by_level_without_excluded(client, sites, people):
    first = replied_letter(sites.kashgar, people["handler"])
    do_rate_case(first, level=Rating.VERY_SATISFIED)
    second = replied_letter(sites.kashgar, people["handler"])
    bad = do_rate_case(second, level=Rating.VERY_DISSATISFIED)
    CaseRating.objects.filter(pk=bad.pk).update(excluded=True)
    response = client.get("/services/ratings/", HTTP_HOST="jyt.test")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 1
    assert rows[0]["unit"] == sites.kashgar.organization
    assert rows[0]["counts"] == [1, 0, 0, 0, 0]
    assert rows[0]["satisfaction"] == 100.0
