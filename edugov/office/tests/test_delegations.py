"""Delegation while away (请假代理): the delegate acts on the absent user's tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from edugov.office.actions import documents as actions
from edugov.office.actions.delegations import do_create_delegation, do_revoke_delegation
from edugov.office.errors import OfficeError
from edugov.office.tests.conftest import open_task
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def test_a_delegate_signs_off_while_the_leader_is_away(office: Any) -> None:
    deputy = make_user("deputy", unit=office.tree.province, role="bureau_staff")
    document = actions.do_create_draft(
        organization=office.tree.province,
        doc_type="notice",
        title="关于做好寒假安全工作的通知",
        body_text="一、总体要求",
        acting_user=office.drafter,
        series=office.series,
    )
    actions.do_act(open_task(document, "draft"), acting_user=office.drafter, outcome="submit")
    actions.do_act(open_task(document, "review"), acting_user=office.clerk, outcome="pass")
    today = timezone.localdate()
    # The sign-off step is already waiting for the leader when the delegation starts.
    delegation = do_create_delegation(
        user=office.leader,
        delegate=deputy,
        starts_on=today,
        ends_on=today + dt.timedelta(days=5),
        acting_user=office.leader,
        reason="出差",
    )
    task = open_task(document, "signoff", deputy)
    assert task.candidates.get(user=deputy).on_behalf_of == office.leader
    do_revoke_delegation(delegation, acting_user=office.leader)
    assert not task.candidates.filter(user=deputy).exists()


def test_delegation_rules(office: Any, client: Any) -> None:
    today = timezone.localdate()
    with pytest.raises(OfficeError):
        do_create_delegation(
            user=office.leader,
            delegate=office.leader,
            starts_on=today,
            ends_on=today,
            acting_user=office.leader,
        )
    with pytest.raises(OfficeError):  # not a colleague of the same unit
        do_create_delegation(
            user=office.leader,
            delegate=office.u_clerk,
            starts_on=today,
            ends_on=today,
            acting_user=office.leader,
        )
    client.force_login(office.leader)
    deputy = make_user("deputy2", unit=office.tree.province, role="bureau_staff")
    response = client.post(
        reverse("office:delegation_list"),
        {
            "delegate": deputy.pk,
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
            "reason": "休假",
        },
    )
    assert response.status_code == 302
    from edugov.office.models import Delegation

    assert Delegation.objects.filter(user=office.leader, delegate=deputy, revoked_at__isnull=True).exists()
    # Another user cannot end someone else's delegation.
    client.force_login(deputy)
    delegation = Delegation.objects.get(user=office.leader, delegate=deputy)
    assert client.post(reverse("office:delegation_revoke", args=[delegation.pk])).status_code == 404
