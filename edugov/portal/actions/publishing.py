"""Writes of editorial review: a site's review steps, snapshot re-baselining."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Workflow, WorkflowTask

from edugov.core.audit import log_event
from edugov.core.models import Grant, User
from edugov.portal.events_publishing import PublishingEvent
from edugov.portal.models import PortalSite, SiteReviewTask
from edugov.portal.models.publishing import PUBLISH_PERMISSION
from edugov.portal.publishing import (
    attach_workflow,
    live_pages,
    remove_publish_permissions,
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
