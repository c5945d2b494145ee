"""Units configure multi-step review (初审/复审/终审) with due times; reviewers see their to-dos."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from wagtail.models import WorkflowState

from edugov.core.models import AuditEntry
from edugov.core.todos import todos_for
from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.publishing import StepSpec, do_configure_review_steps
from edugov.portal.events_publishing import PublishingEvent
from edugov.portal.models import ArticlePage
from edugov.portal.publishing import PagesToReview, review_items, site_workflow
from edugov.portal.tests.publishing_helpers import (
    approve,
    current_task_state,
    draft_article,
    editor_of,
    submit,
)

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def url(portal_site) -> str:
    return f"/portal/sites/{portal_site.pk}/review/"


@pytest.fixture
def staff(sites):
    """The province's site admin and three of its staff who may review."""
    admin = make_user("p_admin", unit=sites.province.organization, role="site_admin")
    first = make_user("p_first", unit=sites.province.organization, role="site_reviewer")
    second = make_user("p_second", unit=sites.province.organization, role="site_reviewer")
    leader = make_user("p_leader", unit=sites.province.organization, role="site_reviewer")
    return admin, first, second, leader


def steps_post(*rows: tuple[str, int, list]) -> dict:
    data = {
        "form-TOTAL_FORMS": str(len(rows) + 1),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, (name, days, users) in enumerate(rows):
        data[f"form-{i}-name"] = name
        data[f"form-{i}-due_working_days"] = str(days)
        data[f"form-{i}-reviewers"] = [str(u.pk) for u in users]
    data[f"form-{len(rows)}-due_working_days"] = "3"
    return data


def test_site_admin_configures_three_steps(client, sites, staff, no_mfa):
    admin, first, second, leader = staff
    client.force_login(admin)
    page = client.get(url(sites.province))
    assert page.status_code == 200
    assert "p_first" in page.content.decode()
    response = client.post(
        url(sites.province),
        steps_post(("初审", 2, [first]), ("复审", 3, [second]), ("领导审签", 1, [leader])),
    )
    assert response.status_code == 302
    tasks = [t.specific for t in site_workflow(sites.province).tasks]
    assert [t.name for t in tasks] == ["初审", "复审", "领导审签"]
    assert [t.due_working_days for t in tasks] == [2, 3, 1]
    assert [list(t.groups.values_list("name", flat=True)) for t in tasks] == [
        ["portal:jyt:step1"],
        ["portal:jyt:step2"],
        ["portal:jyt:step3"],
    ]
    assert list(Group.objects.get(name="portal:jyt:step2").user_set.all()) == [second]
    assert AuditEntry.objects.filter(event_type=PublishingEvent.REVIEW_STEPS_CHANGED).exists()
    # The form shows the saved steps again.
    again = client.get(url(sites.province)).content.decode()
    assert 'value="领导审签"' in again


def test_a_page_passes_every_step_in_order_before_it_is_published(sites, staff):
    admin, first, second, leader = staff
    do_configure_review_steps(
        sites.province,
        steps=[StepSpec("初审", [first], 2), StepSpec("终审", [leader], 1)],
        acting_user=admin,
    )
    editor = editor_of(sites.province, "p_editor")
    article = draft_article(sites.province, user=editor)
    submit(article, editor)
    state = current_task_state(article)
    assert state.task.name == "初审"
    # The final reviewer cannot act on the first step.
    assert state.task.specific.get_actions(article, leader) == []
    approve(article, first)
    assert not ArticlePage.objects.get(pk=article.pk).live
    assert current_task_state(article).task.name == "终审"
    assert current_task_state(article).task.specific.get_actions(article, first) == []
    approve(article, leader)
    assert ArticlePage.objects.get(pk=article.pk).live


def test_pages_already_under_review_keep_their_steps(sites, staff):
    admin, first, second, leader = staff
    editor = editor_of(sites.province, "p_editor")
    sites.province.reviewers_group.user_set.add(second)
    article = draft_article(sites.province, user=editor)
    old_state = submit(article, editor)
    do_configure_review_steps(
        sites.province, steps=[StepSpec("初审", [first], 2), StepSpec("终审", [leader], 1)], acting_user=admin
    )
    # The page in flight finishes on the one-step workflow it started with.
    approve(article, second)
    old_state.refresh_from_db()
    assert old_state.status == WorkflowState.STATUS_APPROVED
    assert ArticlePage.objects.get(pk=article.pk).live
    # New submissions take the new steps.
    later = draft_article(sites.province, "后来的稿件", user=editor)
    submit(later, editor)
    assert current_task_state(later).task.name == "初审"


def test_reviewers_must_be_staff_of_the_unit_who_may_publish(client, sites, staff, no_mfa):
    admin, first, *_ = staff
    outsider = make_user("u_reviewer", unit=sites.urumqi.organization, role="site_reviewer")
    plain_editor = make_user("p_plain", unit=sites.province.organization, role="site_editor")
    client.force_login(admin)
    for user in (outsider, plain_editor):
        response = client.post(url(sites.province), steps_post(("初审", 2, [user])))
        assert response.status_code == 200
        errors = response.context["formset"].forms[0].errors.as_data()
        assert errors["reviewers"][0].code == "invalid_choice"
    before = site_workflow(sites.province)
    assert site_workflow(sites.province) == before
    response = client.post(url(sites.province), steps_post(("初审", 2, [])))
    assert response.context["formset"].forms[0].errors.as_data()["reviewers"][0].code == "required"
    response = client.post(url(sites.province), steps_post())
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors().as_data()[0].code == "no_steps"


def test_review_page_needs_manage_on_the_sites_unit(client, sites, staff, no_mfa):
    admin, first, *_ = staff
    assert client.get(url(sites.province)).status_code == 302  # anonymous: sign in
    client.force_login(first)  # may review, may not manage
    assert client.get(url(sites.province)).status_code == 404
    other_admin = make_user("u_admin", unit=sites.urumqi.organization, role="site_admin")
    client.force_login(other_admin)
    assert client.get(url(sites.province)).status_code == 404
    before = site_workflow(sites.province)
    assert client.post(url(sites.province), steps_post(("初审", 2, [first]))).status_code == 404
    assert site_workflow(sites.province) == before
    assert client.get(url(sites.urumqi)).status_code == 200
    # The province's admin manages the sites below too (grant includes descendants).
    client.force_login(admin)
    assert client.get(url(sites.urumqi)).status_code == 200
    assert client.get("/portal/sites/999999/review/").status_code == 404


def test_reviewers_see_pages_waiting_with_due_dates_overdue_first(sites, staff):
    admin, first, second, leader = staff
    do_configure_review_steps(
        sites.province, steps=[StepSpec("初审", [first], 2), StepSpec("终审", [leader], 1)], acting_user=admin
    )
    editor = editor_of(sites.province, "p_editor")
    # Monday 2026-03-02: the first article; Friday 2026-03-06: the second.
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        old = draft_article(sites.province, "早先的稿件", user=editor)
        submit(old, editor)
    with time_machine.travel(dt.datetime(2026, 3, 6, 10, tzinfo=SHANGHAI), tick=False):
        new = draft_article(sites.province, "新来的稿件", user=editor)
        submit(new, editor)
        items = review_items(first)
        assert [i.page.pk for i in items] == [old.pk, new.pk]
        # 2 working days after Monday is Wednesday (overdue on Friday); after Friday, next Tuesday.
        assert items[0].due_on == dt.date(2026, 3, 4)
        assert items[0].is_overdue
        assert items[1].due_on == dt.date(2026, 3, 10)
        assert not items[1].is_overdue
        todos = PagesToReview().items(first, sites.province.organization)
        assert [t.title for t in todos] == ["早先的稿件", "新来的稿件"]
        assert todos[0].is_overdue
        assert todos[0].due == dt.date(2026, 3, 4)
        assert "初审" in todos[0].detail
        assert "p_first" in todos[0].detail
        assert todos[0].url == f"/cms/pages/{old.pk}/edit/"
        # The final reviewer has nothing yet; nor does a reviewer of another site.
        assert review_items(leader) == []
        other = make_user("u_reviewer", unit=sites.urumqi.organization, role="site_reviewer")
        other.groups.add(sites.urumqi.reviewers_group)
        assert review_items(other) == []
        # The provider feeds the workspace's to-do page.
        assert any(provider.key == "portal.pages_to_review" for provider, _items in todos_for(first, None))
        approve(old, first)
        assert [i.page.pk for i in review_items(leader)] == [old.pk]
        assert review_items(leader)[0].due_on == dt.date(2026, 3, 9)
