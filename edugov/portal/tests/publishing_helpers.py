"""Helpers shared by the publishing tests: site staff, draft articles, review actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from wagtail.models import TaskState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from edugov.platform.testing.fixtures import make_user
from edugov.portal.models import ArticlePage


def editor_of(portal_site: Any, username: str) -> Any:
    """A site editor: platform grant (site_editor) and member of the site's editors group."""
    user = make_user(username, unit=portal_site.organization, role="site_editor")
    user.groups.add(portal_site.editors_group)
    return user


def reviewer_of(portal_site: Any, username: str) -> Any:
    """A site reviewer: platform grant (site_reviewer) and member of both site groups."""
    user = make_user(username, unit=portal_site.organization, role="site_reviewer")
    user.groups.add(portal_site.editors_group, portal_site.reviewers_group)
    return user


def draft_article(
    portal_site: Any, title: str = "春季开学通知", *, user: Any = None, **fields: Any
) -> ArticlePage:
    """A new, unpublished article under the site's home page, with one saved revision."""
    parent = fields.pop("parent", None) or portal_site.site.root_page.specific
    page = ArticlePage(
        title=title,
        slug=fields.pop("slug", "") or None,
        date=fields.pop("date", dt.date(2026, 3, 2)),
        live=False,
        owner=user,
        **fields,
    )
    if page.slug is None:
        page.slug = f"article-{ArticlePage.objects.count() + 1}"
    parent.add_child(instance=page)
    page.save_revision(user=user)
    return page


def submit(page: Any, user: Any) -> Any:
    """Submit the page's latest revision for review, as the editor does in /cms/."""
    page = page.specific_class.objects.get(pk=page.pk)
    return page.get_workflow().start(page, user)


def current_task_state(page: Any) -> TaskState | None:
    return (
        TaskState.objects.filter(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)
        .order_by("-started_at")
        .first()
    )


def approve(page: Any, user: Any) -> None:
    state = current_task_state(page)
    assert state is not None, "the page is on no review step"
    state.task.specific.on_action(state.specific, user, "approve")


def publish_directly(page: Any, user: Any) -> None:
    """Publish the page as one review step (what the tests call publishing a page)."""
    submit(page, user)
    while current_task_state(page) is not None:
        approve(page, user)


def edit_form_data(page: Any, action: str, **changes: Any) -> dict[str, Any]:
    """The POST body of Wagtail's edit view for an article, with the button ``action`` pressed."""
    data = {
        "title": changes.get("title", page.title),
        "slug": page.slug,
        "kind": page.kind,
        "date": page.date.isoformat(),
        "source": page.source,
        "summary": page.summary,
        "body": changes.get("body", streamfield([])),
        "comments": inline_formset([]),
        "go_live_at": changes.get("go_live_at", ""),
        "expire_at": changes.get("expire_at", ""),
    }
    form = nested_form_data(data)
    form[action] = action
    return form
