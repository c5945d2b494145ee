"""Every page goes through its site's review workflow; nobody publishes directly (PUB-1)."""

from __future__ import annotations

import pytest
from wagtail.models import GroupPagePermission, Page, WorkflowState

from edugov.portal.models import ArticlePage, SiteReviewTask
from edugov.portal.publishing import site_workflow
from edugov.portal.tests.publishing_helpers import (
    approve,
    current_task_state,
    draft_article,
    edit_form_data,
    editor_of,
    reviewer_of,
    submit,
)

pytestmark = pytest.mark.django_db


def test_each_new_site_gets_a_review_workflow_for_its_reviewers(sites):
    for portal_site in (sites.province, sites.school):
        workflow = site_workflow(portal_site)
        assert workflow is not None
        assert workflow.name == f"{portal_site.organization.name} 审核发布"
        tasks = [t.specific for t in workflow.tasks]
        assert len(tasks) == 1
        assert isinstance(tasks[0], SiteReviewTask)
        assert list(tasks[0].groups.all()) == [portal_site.reviewers_group]
        # Pages of the site (created later) find it through the home page.
        article = draft_article(portal_site)
        assert article.get_workflow() == workflow


def test_nobody_holds_the_publish_permission(sites):
    assert not GroupPagePermission.objects.filter(permission__codename="publish_page").exists()


def _edit(client, page, action, **changes):
    return client.post(f"/cms/pages/{page.pk}/edit/", edit_form_data(page, action, **changes))


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_publish_button_of_the_editor_does_not_publish(client, sites, no_mfa, role):
    make = editor_of if role == "editor" else reviewer_of
    user = make(sites.province, f"p_{role}")
    article = draft_article(sites.province, user=user)
    client.force_login(user)
    response = _edit(client, article, "action-publish", title="改过的标题")
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    assert not article.live
    assert article.live_revision is None
    assert client.get(article.url, HTTP_HOST="jyt.test").status_code == 404


def test_editor_submits_and_the_reviewers_approval_publishes(client, sites, no_mfa):
    editor = editor_of(sites.province, "p_editor")
    reviewer = reviewer_of(sites.province, "p_reviewer")
    article = draft_article(sites.province, user=editor)
    client.force_login(editor)
    response = _edit(client, article, "action-submit", title="开学通知（送审）")
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    article.refresh_from_db()
    assert not article.live

    # The editor cannot approve their own submission.
    task_state = current_task_state(article)
    assert task_state.task.specific.get_actions(article, editor) == []

    client.force_login(reviewer)
    response = client.post(
        f"/cms/pages/{article.pk}/edit/",
        {**edit_form_data(article, "action-workflow-action"), "workflow-action-name": "approve"},
    )
    assert response.status_code in (200, 302)
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.live
    assert article.title == "开学通知（送审）"
    assert client.get(article.url, HTTP_HOST="jyt.test").status_code == 200


def test_reviewer_of_another_site_cannot_approve(sites):
    editor = editor_of(sites.province, "p_editor")
    other = reviewer_of(sites.urumqi, "u_reviewer")
    article = draft_article(sites.province, user=editor)
    submit(article, editor)
    state = current_task_state(article)
    assert state.task.specific.get_actions(article, other) == []
    assert state.task.specific.locked_for_user(article, other)


def test_group_member_without_a_grant_cannot_approve(sites):
    """Group membership alone (a stale sync) is not enough: the platform grant must be active."""
    from edugov.platform.testing.fixtures import make_user

    editor = editor_of(sites.province, "p_editor")
    stray = make_user("stray", unit=sites.province.organization)
    stray.groups.add(sites.province.reviewers_group)
    article = draft_article(sites.province, user=editor)
    submit(article, editor)
    state = current_task_state(article)
    assert state.task.specific.get_actions(article, stray) == []


def test_superuser_is_not_a_reviewer(sites):
    from edugov.core.models import User

    root = User.objects.create_superuser("root", password="x-long-password-1")  # noqa: S106
    editor = editor_of(sites.province, "p_editor")
    article = draft_article(sites.province, user=editor)
    submit(article, editor)
    assert current_task_state(article).task.specific.get_actions(article, root) == []


def test_approval_publishes_through_the_model_api(sites):
    editor = editor_of(sites.province, "p_editor")
    reviewer = reviewer_of(sites.province, "p_reviewer")
    article = draft_article(sites.province, user=editor)
    submit(article, editor)
    approve(article, reviewer)
    article = Page.objects.get(pk=article.pk)
    assert article.live
    assert current_task_state(article) is None
