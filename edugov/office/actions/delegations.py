"""Delegation while on leave (请假代理): a colleague acts on one's tasks for a period.

New tasks pick the delegate up when they open (``workflow.lanes.delegates_of``); creating a
delegation also adds the delegate to the tasks already waiting for the absent user, and
revoking it takes them off again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.audit import log_event
from edugov.core.models import Membership
from edugov.office.choices import TaskStatus
from edugov.office.errors import OfficeError
from edugov.office.events import OfficeEvent
from edugov.office.models import Delegation, TaskCandidate, WorkTask


@transaction.atomic
def do_create_delegation(
    *, user: Any, delegate: Any, starts_on: dt.date, ends_on: dt.date, acting_user: Any, reason: str = ""
) -> Delegation:
    if delegate.pk == user.pk:
        raise OfficeError(_("Choose a colleague other than yourself."))
    if ends_on < starts_on:
        raise OfficeError(_("The end date is before the start date."))
    if ends_on < timezone.localdate():
        raise OfficeError(_("The period is already over."))
    membership = Membership.objects.filter(user=user).order_by("-is_primary").first()
    if membership is None:
        raise OfficeError(_("You belong to no unit."))
    if not Membership.objects.filter(user=delegate, organization=membership.organization).exists():
        raise OfficeError(_("The delegate must be a colleague of the same unit."))
    delegation = Delegation.objects.create(
        organization=membership.organization,
        user=user,
        delegate=delegate,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason[:200],
    )
    if starts_on <= timezone.localdate():
        _add_to_open_tasks(delegation)
    log_event(
        OfficeEvent.DELEGATION_CREATED,
        acting_user=acting_user,
        target=delegation,
        extra={"delegate": delegate.pk, "from": starts_on.isoformat(), "until": ends_on.isoformat()},
    )
    return delegation


def _add_to_open_tasks(delegation: Delegation) -> int:
    waiting = WorkTask.objects.open_for(delegation.user).values_list("pk", flat=True)
    existing = set(
        TaskCandidate.objects.filter(task_id__in=list(waiting), user=delegation.delegate).values_list(
            "task_id", flat=True
        )
    )
    rows = [
        TaskCandidate(task_id=pk, user=delegation.delegate, on_behalf_of=delegation.user)
        for pk in waiting
        if pk not in existing
    ]
    TaskCandidate.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def do_revoke_delegation(delegation: Delegation, *, acting_user: Any) -> Delegation:
    locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        TaskCandidate.objects.filter(
            user=locked.delegate, on_behalf_of=locked.user, task__status=TaskStatus.OPEN
        ).delete()
        log_event(
            OfficeEvent.DELEGATION_CREATED, acting_user=acting_user, target=locked, extra={"revoked": True}
        )
    return locked
