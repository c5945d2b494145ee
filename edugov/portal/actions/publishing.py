"""Writes of editorial review: a site's review steps, taking a published page down (撤稿),
snapshot re-baselining."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Page, Workflow, WorkflowTask

from edugov.core.audit import log_event
from edugov.core.models import Grant, User
from edugov.portal.abuse import clean_text
from edugov.portal.events_publishing import PublishingEvent
from edugov.portal.isolation import site_unit_ids
from edugov.portal.models import PortalSite, SiteReviewTask
from edugov.portal.models.publishing import PUBLISH_PERMISSION
from edugov.portal.publishing import (
    attach_workflow,
    live_pages,
    remove_publish_permissions,
    site_home_pages,
    site_workflow,
    take_snapshot,
    workflow_name,
)

MAX_STEPS = 6
MAX_DUE_WORKING_DAYS = 30


class PublishingErrorCode(StrEnum):
    NO_STEPS = "no_steps"
    TOO_MANY_STEPS = "too_many_steps"
    NO_REVIEWERS = "no_reviewers"
    NOT_A_REVIEWER = "not_a_reviewer"
    BAD_DUE_DAYS = "bad_due_days"
    NOT_LIVE = "not_live"
    SITE_HOME = "site_home"


@dataclass(frozen=True)
class StepSpec:
    name: str
    reviewers: list[Any]  # users
    due_working_days: int


def step_group_name(portal_site: PortalSite, position: int) -> str:
    return f"portal:{portal_site.slug}:step{position}"


def reviewer_candidates(portal_site: PortalSite) -> Any:
    """The unit's staff who may review: users with an active grant on the site's own unit whose
    role carries ``portal.portalsite.publish``."""
    user_ids = [
        grant.user_id
        for grant in Grant.objects.active()
        .filter(organization=portal_site.organization, user__isnull=False, user__is_active=True)
        .select_related("role")
        if PUBLISH_PERMISSION in grant.role.actions or "portal.portalsite.*" in grant.role.actions
    ]
    return User.objects.filter(pk__in=user_ids).order_by("username")


@transaction.atomic
def do_configure_review_steps(
    portal_site: PortalSite, *, steps: list[StepSpec], acting_user: Any
) -> Workflow:
    """Replace the site's review steps (in order) with a new version of its workflow.

    Pages already under review keep the workflow they started with; new submissions use
    the new one. Each step's reviewers become the members of the group
    ``portal:<slug>:step<N>``.
    """
    if not steps:
        raise ValidationError(_("Add at least one review step."), code=PublishingErrorCode.NO_STEPS)
    if len(steps) > MAX_STEPS:
        raise ValidationError(
            _("A site has at most %(n)d review steps.") % {"n": MAX_STEPS},
            code=PublishingErrorCode.TOO_MANY_STEPS,
        )
    allowed = set(reviewer_candidates(portal_site).values_list("pk", flat=True))
    for spec in steps:
        if not spec.reviewers:
            raise ValidationError(
                _("Step “%(name)s” needs at least one reviewer.") % {"name": spec.name},
                code=PublishingErrorCode.NO_REVIEWERS,
            )
        if any(user.pk not in allowed for user in spec.reviewers):
            raise ValidationError(
                _("Reviewers must be staff of the unit who may publish on its site."),
                code=PublishingErrorCode.NOT_A_REVIEWER,
            )
        if not 1 <= spec.due_working_days <= MAX_DUE_WORKING_DAYS:
            raise ValidationError(
                _("The due time is 1 to %(n)d working days.") % {"n": MAX_DUE_WORKING_DAYS},
                code=PublishingErrorCode.BAD_DUE_DAYS,
            )
    locked = (
        PortalSite.objects.select_for_update().select_related("organization", "site").get(pk=portal_site.pk)
    )
    previous = site_workflow(locked)
    workflow = Workflow.objects.create(name=workflow_name(locked))
    for position, spec in enumerate(steps, start=1):
        group, _created = Group.objects.get_or_create(name=step_group_name(locked, position))
        group.user_set.set(spec.reviewers)
        task = SiteReviewTask.objects.create(
            name=spec.name.strip(), portal_site=locked, due_working_days=spec.due_working_days
        )
        task.groups.set([group])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=position - 1)
    attach_workflow(locked, workflow)
    remove_publish_permissions(locked)
    if previous is not None:
        previous.active = False
        previous.save(update_fields=["active"])
    log_event(
        PublishingEvent.REVIEW_STEPS_CHANGED,
        acting_user=acting_user,
        target=locked,
        organization=locked.organization,
        extra={
            "workflow": workflow.pk,
            "steps": [
                {
                    "name": s.name,
                    "reviewers": [u.pk for u in s.reviewers],
                    "due_working_days": s.due_working_days,
                }
                for s in steps
            ],
        },
    )
    return workflow


def do_rebaseline_snapshots(*, hostname: str | None = None, acting_user: Any = None, reason: str = "") -> int:
    """Take new snapshots of every live page (after a deploy that changed templates on purpose)."""
    count = 0
    with transaction.atomic():
        for page in live_pages(hostname):
            if take_snapshot(page) is not None:
                count += 1
        log_event(
            PublishingEvent.SNAPSHOTS_REBASELINED,
            acting_user=acting_user,
            extra={"site": hostname or "", "pages": count},
            reason=reason,
        )
    return count


TAKEDOWN_REASON_MAX = 500


def _below_homes(portal_site: PortalSite) -> Q:
    """Pages under the site's home pages, in every language (a home page is the site itself)."""
    below = Q(pk__in=[])
    for home in site_home_pages(portal_site):
        below |= Q(path__startswith=home.path, depth__gt=home.depth)
    return below


def takedown_candidates(portal_site: PortalSite) -> Any:
    """The site's live pages that may be taken down."""
    return Page.objects.live().filter(_below_homes(portal_site))


def takedown_scope(portal_site: PortalSite, page: Page) -> Any:
    """What taking ``page`` down takes down: the page and its translations on the site, and the
    live pages below each of them."""
    candidates = takedown_candidates(portal_site)
    below = Q(pk__in=[])
    for top in candidates.filter(translation_key=page.translation_key):
        below |= Q(path__startswith=top.path)
    return candidates.filter(below)


@transaction.atomic
def do_take_down_page(page: Page, *, portal_site: PortalSite, acting_user: Any, reason: str) -> list[int]:
    """Withdraw a published page at once, with a reason (撤稿): the page, the live pages below it
    and its translations (with theirs) leave the site together.

    Publication needs the site's review; taking down does not wait for it (a wrong notice or a
    leaked name must go now), but only a reviewer of the site's own unit may do it. The pages
    stay as drafts with their revisions; publishing again goes through review. Returns the ids
    of the pages taken down.
    """
    if portal_site.organization_id not in site_unit_ids(acting_user, PUBLISH_PERMISSION):
        raise PermissionDenied
    reason = clean_text(reason, max_length=TAKEDOWN_REASON_MAX, field_label=_("Reason"))
    locked = Page.objects.select_for_update().get(pk=page.pk)
    if any(home.pk == locked.pk for home in site_home_pages(portal_site)):
        raise ValidationError(
            _("The home page is the site itself and is not taken down; take down the pages below it."),
            code=PublishingErrorCode.SITE_HOME,
        )
    if not Page.objects.filter(_below_homes(portal_site), pk=locked.pk).exists():
        raise PermissionDenied  # another site's page
    if not locked.live:
        raise ValidationError(_("This page is not published."), code=PublishingErrorCode.NOT_LIVE)
    pages = list(takedown_scope(portal_site, locked).order_by("-depth", "pk").specific())
    for target in pages:  # one transaction: the site never shows half of them
        UnpublishPageAction(target, user=acting_user, log_action="wagtail.unpublish").execute(
            skip_permission_checks=True
        )
    taken = sorted(target.pk for target in pages)
    log_event(
        PublishingEvent.PAGE_TAKEN_DOWN,
        acting_user=acting_user,
        target=portal_site,
        organization=portal_site.organization,
        extra={"page": locked.pk, "title": locked.title, "url_path": locked.url_path, "pages": taken},
        reason=reason,
    )
    return taken
