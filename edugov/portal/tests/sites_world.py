"""Shared set-up for the website-group isolation tests: two sites full of marked objects."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone


@dataclass
class SiteObjects:
    portal_site: Any
    home: Any
    section: Any
    article: Any
    revision: Any
    image: Any
    document: Any
    marker: str


def publish(page: Any, user: Any = None) -> Any:
    revision = page.save_revision(user=user)
    revision.publish()
    page.refresh_from_db()
    return revision


def fill_site(portal_site: Any, marker: str, *, user: Any = None) -> SiteObjects:
    """A section, a published article, an image and a document, all titled with ``marker``."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    from edugov.portal.models import ArticlePage, SectionPage

    home = portal_site.site.root_page.specific
    section = SectionPage(title=f"{marker} 新闻动态", slug=f"{marker.lower()}-news")
    home.add_child(instance=section)
    publish(section, user)
    article = ArticlePage(
        title=f"{marker} 文章",
        slug=f"{marker.lower()}-article",
        date=datetime.date(2026, 3, 1),
        summary=f"{marker} summary",
    )
    section.add_child(instance=article)
    revision = publish(article, user)
    image = get_image_model().objects.create(
        title=f"{marker} 图片",
        file=get_test_image_file(filename=f"{marker.lower()}-photo.png"),
        collection=portal_site.collection,
    )
    document = get_document_model().objects.create(title=f"{marker} 附件", collection=portal_site.collection)
    document.file.save(f"{marker.lower()}-file.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return SiteObjects(portal_site, home, section, article, revision, image, document, marker)


@dataclass
class WorkflowObjects:
    workflow: Any
    task: Any
    workflow_state: Any
    task_state: Any


def start_review(objects: SiteObjects, user: Any) -> WorkflowObjects:
    """A review workflow on the site's home, and the article's draft submitted to it."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    task = GroupApprovalTask.objects.create(name=f"{objects.marker} review")
    task.groups.add(objects.portal_site.reviewers_group)
    workflow = Workflow.objects.create(name=f"{objects.marker} workflow")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=objects.home, defaults={"workflow": workflow})
    objects.article.title = f"{objects.marker} 文章 draft"
    objects.article.save_revision(user=user)
    state = workflow.start(objects.article, user)
    return WorkflowObjects(workflow, task, state, state.current_task_state)


def uploaded_file_of(user: Any) -> Any:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.images import get_image_model
    from wagtail.models import UploadedFile

    return UploadedFile.objects.create(
        for_content_type=ContentType.objects.get_for_model(get_image_model()),
        file=ContentFile(b"x", name="upload.png"),
        uploaded_by_user=user,
    )


def editing_session_of(user: Any, page: Any) -> Any:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.admin.models import EditingSession
    from wagtail.models import Page

    return EditingSession.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        last_seen_at=timezone.now(),
    )


def snapshot(objects: SiteObjects) -> tuple:
    """What a write on another site would change: its page, revisions, media and their rows."""
    from django.contrib.auth.models import Group
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Page, Revision, Site, WorkflowState

    from edugov.core.models import User

    article = Page.objects.get(pk=objects.article.pk)
    image = get_image_model().objects.get(pk=objects.image.pk)
    document = get_document_model().objects.get(pk=objects.document.pk)
    return (
        article.title,
        article.live,
        article.path,
        article.locked,
        article.latest_revision_id,
        Revision.objects.count(),
        Page.objects.count(),
        image.title,
        image.collection_id,
        document.title,
        document.collection_id,
        get_image_model().objects.count(),
        get_document_model().objects.count(),
        Collection.objects.count(),
        Site.objects.count(),
        Group.objects.count(),
        User.objects.count(),
        list(WorkflowState.objects.values_list("pk", "status").order_by("pk")),
    )


def use_file_storage(settings: Any, tmp_path: Any) -> None:
    """Documents on disk: Wagtail serves downloads from a local path, which in-memory storage lacks."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
