import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from edugov.core.calendar import (
    CalendarScheduleTodo,
    add_working_days,
    is_working_day,
    package_source,
    package_years,
    seed_calendar,
    working_days_between,
)
from edugov.core.choices import CalendarDayKind, Jurisdiction
from edugov.core.models import CalendarDay, CalendarYear, Grant, Organization, Region, Role, User

pytestmark = pytest.mark.django_db

D = dt.date


def make_user(username: str, *, calendar_editor: bool = False) -> User:
    """A signed-in-able user; a calendar editor holds ``core.calendarday.change`` via a grant."""
    user = User.objects.create_user(username=username, password="pw-123456789", real_name=username)
    if calendar_editor:
        region, _ = Region.objects.get_or_create(
            code="650000", defaults={"name": "新疆维吾尔自治区", "level": "province"}
        )
        fields = {"name": "新疆维吾尔自治区教育厅", "kind": "bureau", "level": "province", "region": region}
        org = Organization.add_root(**fields)
        # Not the built-in system_admin role: settings make its holders set up MFA first.
        role, _ = Role.objects.get_or_create(
            code="cal_editor",
            defaults={"name": "日历编辑", "kind": "system_admin", "actions": ["core.calendarday.change"]},
        )
        Grant.objects.create(user=user, role=role, organization=org, include_descendants=True)
    return user


# --- Arithmetic -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(D(2026, 9, 18), 20, D(2026, 10, 22), id="national_day_and_two_makeup_days_case"),
        pytest.param(D(2026, 2, 13), 20, D(2026, 3, 19), id="spring_festival_case"),
        pytest.param(D(2026, 12, 1), 20, D(2026, 12, 29), id="no_holiday_case"),
        pytest.param(D(2026, 9, 19), 20, D(2026, 10, 22), id="saturday_start_case"),
    ],
)
def test_add_working_days_worked_examples(start, n, expected):
    result = add_working_days(start, n)

    assert result.result == expected
    assert result.warnings == []
    assert sum(step.counted for step in result.steps) == n
    assert result.steps[0].date == start + dt.timedelta(days=1)
    assert result.steps[-1].date == expected


def test_start_on_saturday_does_not_count_the_start_or_an_extra_day():
    # Saturday 2026-03-07: Sunday is skipped, Monday is the first working day.
    result = add_working_days(D(2026, 3, 7), 1)

    assert result.result == D(2026, 3, 9)
    with translation.override("zh-hans"):
        assert [(s.date, s.counted, str(s.reason)) for s in result.steps] == [
            (D(2026, 3, 8), False, "周末"),
            (D(2026, 3, 9), True, "工作日"),
        ]


def test_makeup_sunday_counts():
    # Saturday 2026-09-19; Sunday 2026-09-20 is a make-up working day (调休).
    result = add_working_days(D(2026, 9, 19), 1)

    assert result.result == D(2026, 9, 20)
    assert result.steps[0].category == "makeup"


def test_zero_days_returns_start_without_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        result = add_working_days(D(2026, 10, 1), 0)

    assert result.result == D(2026, 10, 1)
    assert result.steps == []


def test_negative_days_is_a_programming_error():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 10, 1), -1)


def test_xinjiang_adds_its_own_holiday():
    CalendarDay.objects.create(
        jurisdiction=Jurisdiction.XINJIANG, date=D(2026, 5, 27), kind="holiday", name="古尔邦节"
    )

    national = add_working_days(D(2026, 5, 26), 1)
    xinjiang = add_working_days(D(2026, 5, 26), 1, Jurisdiction.XINJIANG)

    assert national.result == D(2026, 5, 27)
    assert xinjiang.result == D(2026, 5, 28)
    assert str(xinjiang.skipped[0].reason) == "古尔邦节"


def test_xinjiang_row_overrides_the_national_row_for_the_same_date():
    # Nationally 2026-10-10 (Saturday) is a make-up working day; Xinjiang declares it a holiday.
    CalendarDay.objects.create(
        jurisdiction=Jurisdiction.XINJIANG, date=D(2026, 10, 10), kind="holiday", name="x"
    )

    assert add_working_days(D(2026, 10, 9), 1).result == D(2026, 10, 10)
    assert add_working_days(D(2026, 10, 9), 1, Jurisdiction.XINJIANG).result == D(2026, 10, 12)
    assert not is_working_day(D(2026, 10, 10), Jurisdiction.XINJIANG)
    assert is_working_day(D(2026, 10, 10))


def test_year_beyond_coverage_falls_back_to_monday_to_friday_with_a_warning():
    # 2026-12-20 is a Sunday; 2027 has no official data, so its New Year's Day (Friday) counts.
    result = add_working_days(D(2026, 12, 20), 20)

    assert result.result == D(2027, 1, 15)
    with translation.override("en"):
        assert [str(w) for w in result.warnings] == ["No official calendar for 2027: Monday–Friday assumed."]
    assert all(step.assumed == (step.date.year == 2027) for step in result.steps)


def test_far_future_year_never_raises():
    result = add_working_days(D(2031, 3, 7), 5)  # a Friday

    assert result.result == D(2031, 3, 14)
    assert len(result.warnings) == 1


def test_explanation_lists_every_skipped_day_with_its_reason():
    result = add_working_days(D(2026, 9, 18), 20)

    with translation.override("en"):
        lines = result.explain()
        skipped = {(s.date, str(s.reason)) for s in result.skipped}

    assert skipped == {
        (D(2026, 9, 19), "weekend"),
        (D(2026, 9, 25), "中秋节"),
        (D(2026, 9, 26), "中秋节"),
        (D(2026, 9, 27), "中秋节"),
        *((D(2026, 10, day), "国庆节") for day in range(1, 8)),
        (D(2026, 10, 11), "weekend"),
        (D(2026, 10, 17), "weekend"),
        (D(2026, 10, 18), "weekend"),
    }
    assert "2026-10-01 (Thursday): not counted, 国庆节" in lines
    assert "2026-09-20 (Sunday): counted, make-up working day 调休 (1 of 20)" in lines
    assert "2026-10-10 (Saturday): counted, make-up working day 调休 (11 of 20)" in lines
    assert lines[-1] == "Result: 2026-10-22 (Thursday)."
    assert len(lines) == len(result.steps) + 2


def test_one_query_per_call(django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(D(2026, 9, 18), 20, Jurisdiction.XINJIANG)
    with django_assert_num_queries(1):
        add_working_days(D(2026, 12, 20), 250)
    with django_assert_num_queries(1):
        working_days_between(D(2026, 1, 1), D(2026, 12, 31))


def test_working_days_between_is_the_inverse_of_add_working_days():
    start = D(2026, 9, 18)
    end = add_working_days(start, 20).result

    assert working_days_between(start, end) == 20
    assert working_days_between(end, start) == -20
    assert working_days_between(start, start) == 0


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        pytest.param(D(2026, 10, 1), False, id="holiday_case"),
        pytest.param(D(2026, 10, 10), True, id="makeup_saturday_case"),
        pytest.param(D(2026, 10, 11), False, id="sunday_case"),
        pytest.param(D(2026, 10, 12), True, id="monday_case"),
        pytest.param(D(2027, 1, 1), True, id="uncovered_year_case"),
    ],
)
def test_is_working_day(date, expected):
    assert is_working_day(date) is expected


# --- Seeding ----------------------------------------------------------------------------


def test_seeded_national_calendar_has_names_and_years():
    years = package_years()

    assert years[0] == 2004
    assert years[-1] >= 2026
    assert (
        list(CalendarYear.objects.filter(jurisdiction=Jurisdiction.NATIONAL).values_list("year", flat=True))
        == years
    )
    assert CalendarYear.objects.get(jurisdiction="CN", year=2026).source == package_source()
    national_day = CalendarDay.objects.get(jurisdiction="CN", date=D(2026, 10, 1))
    assert (national_day.kind, national_day.name) == (CalendarDayKind.HOLIDAY, "国庆节")
    makeup = CalendarDay.objects.get(jurisdiction="CN", date=D(2026, 10, 10))
    assert (makeup.kind, makeup.name) == (CalendarDayKind.WORKDAY, "国庆节调休")


def test_seeding_again_is_a_single_query_and_changes_nothing():
    before = list(CalendarDay.objects.values_list("pk", "kind", "name", "source", "updated_at"))

    with CaptureQueriesContext(connection) as queries:
        seed_calendar()

    assert len(queries) == 1
    assert list(CalendarDay.objects.values_list("pk", "kind", "name", "source", "updated_at")) == before


def test_reseeding_keeps_manual_edits_and_restores_package_days():
    CalendarDay.objects.filter(jurisdiction="CN", date=D(2026, 10, 7)).update(
        kind="holiday", name="国庆节（延长）", source="manual"
    )
    CalendarDay.objects.filter(jurisdiction="CN", date=D(2026, 10, 1)).update(name="wrong")
    CalendarDay.objects.filter(jurisdiction="CN", date=D(2026, 10, 2)).delete()
    CalendarYear.objects.filter(jurisdiction="CN", year=2026).update(source="chinesecalendar 0.0.1")
    count_2025 = CalendarDay.objects.filter(date__year=2025).count()

    seed_calendar()

    manual = CalendarDay.objects.get(jurisdiction="CN", date=D(2026, 10, 7))
    assert (manual.kind, manual.name, manual.source) == ("holiday", "国庆节（延长）", "manual")
    assert CalendarDay.objects.get(jurisdiction="CN", date=D(2026, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.filter(jurisdiction="CN", date=D(2026, 10, 2)).exists()
    assert CalendarYear.objects.get(jurisdiction="CN", year=2026).source == package_source()
    assert CalendarDay.objects.filter(date__year=2025).count() == count_2025


def test_seeding_leaves_a_year_an_administrator_marked_alone():
    CalendarYear.objects.filter(jurisdiction="CN", year=2026).update(source="manual")
    CalendarDay.objects.filter(jurisdiction="CN", date=D(2026, 10, 1)).update(name="edited")

    seed_calendar()

    assert CalendarDay.objects.get(jurisdiction="CN", date=D(2026, 10, 1)).name == "edited"


def test_seeding_an_empty_calendar_from_scratch():
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()

    seed_calendar()

    assert CalendarYear.objects.count() == len(package_years())
    assert add_working_days(D(2026, 9, 18), 20).result == D(2026, 10, 22)


# --- To-do ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "editor", "expected_years"),
    [
        pytest.param(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), True, [2027], id="november_editor_case"),
        pytest.param(dt.datetime(2026, 12, 30, 10, tzinfo=dt.UTC), True, [2027], id="december_editor_case"),
        pytest.param(dt.datetime(2026, 10, 31, 10, tzinfo=dt.UTC), True, [], id="october_case"),
        pytest.param(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), False, [], id="no_permission_case"),
        pytest.param(dt.datetime(2025, 11, 21, 10, tzinfo=dt.UTC), True, [], id="next_year_covered_case"),
    ],
)
def test_schedule_todo(today, editor, expected_years):
    user = make_user("cal", calendar_editor=editor)

    with time_machine.travel(today, tick=False), translation.override("en"):
        items = CalendarScheduleTodo().items(user, None)

    assert [item.title for item in items] == [
        f"Enter the official holiday schedule for {year}" for year in expected_years
    ]
    assert [item.url for item in items] == [f"/workspace/calendar/?year={year}" for year in expected_years]


def test_schedule_todo_disappears_once_the_year_is_marked():
    user = make_user("cal", calendar_editor=True)
    CalendarYear.objects.create(jurisdiction="CN", year=2027, source="manual")

    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        assert CalendarScheduleTodo().items(user, None) == []
