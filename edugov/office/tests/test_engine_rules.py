"""Engine rules: who gets a task, delegation, two people on one task, timers, versions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation

from edugov.core.models import AuditEntry, Grant, Role
from edugov.office.choices import ProcessStatus, TaskStatus
from edugov.office.errors import TaskTaken
from edugov.office.events import OfficeEvent
from edugov.office.models import Delegation, ProcessInstance, TaskCandidate, WorkTask
from edugov.office.workflow import definitions, engine
from edugov.office.workflow.builtin import APPROVAL, OUTGOING, shipped
from edugov.office.workflow.testing import build_office, candidate_names, open_by_step, the_task
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def office(tree):
    return build_office(tree)


def start_outgoing(office, unit=None, user=None, **data):
    return engine.start(
        OUTGOING,
        organization=unit or office.tree.province,
        acting_user=user or office.drafter,
        title="通知",
        data=data or None,
    )


# --- candidates -------------------------------------------------------------------------------


def test_nearest_holder_school_document_goes_to_the_school(tree):
    school_admin = make_user("school_admin", unit=tree.school_tianshan, role="school_admin")
    county_clerk = make_user("county_clerk", unit=tree.tianshan, role="office_clerk")
    teacher = make_user("teacher", unit=tree.school_tianshan, role="teacher")
    review = "office.document.review"
    assert engine.candidates_for(review, tree.school_tianshan) == [school_admin]
    assert engine.candidates_for(review, tree.tianshan) == [county_clerk]
    # No holder at 沙依巴克 and none at 乌鲁木齐: nobody (the county clerk of 天山 is a sibling).
    assert engine.candidates_for(review, tree.school_shayibake) == []
    # A role code lane.
    assert engine.candidates_for("teacher", tree.school_tianshan) == [teacher]
    assert engine.candidates_for("school_admin", tree.school_tianshan) == [school_admin]


def test_nearest_holder_walks_up_and_respects_include_descendants(tree):
    city = make_user("city_clerk", unit=tree.urumqi, role="office_clerk", include_descendants=False)
    province = make_user("province_clerk", unit=tree.province, role="office_clerk")
    assert engine.candidates_for("office.document.review", tree.urumqi) == [city]
    # The city's grant does not cover the units below it: the province's does.
    assert engine.candidates_for("office.document.review", tree.school_shayibake) == [province]


def test_revoked_grants_inactive_users_and_groups(tree):
    from django.contrib.auth.models import Group

    gone = make_user("gone", unit=tree.tianshan, role="office_clerk")
    Grant.objects.filter(user=gone).update(revoked_at=timezone.now())
    inactive = make_user("inactive", unit=tree.tianshan, role="office_clerk")
    inactive.is_active = False
    inactive.save()
    member = make_user("member", unit=tree.tianshan)
    group = Group.objects.create(name="天山文秘")
    member.groups.add(group)
    Grant.objects.create(group=group, role=Role.objects.get(code="office_clerk"), organization=tree.tianshan)
    assert engine.candidates_for("office.document.review", tree.tianshan) == [member]


def test_wildcard_role_actions_count(tree):
    role = Role.objects.create(code="doc_all", name="公文全部", actions=["office.document.*"])
    holder = make_user("holder", unit=tree.kashgar)
    Grant.objects.create(user=holder, role=role, organization=tree.kashgar)
    assert engine.candidates_for("office.document.signoff", tree.kashi_city) == [holder]


def test_process_at_a_school_routes_to_the_school(tree):
    school_admin = make_user("school_admin", unit=tree.school_tianshan, role="school_admin")
    county_clerk = make_user("county_clerk", unit=tree.tianshan, role="office_clerk")
    drafter = make_user("t_drafter", unit=tree.school_tianshan, role="teacher")
    school = engine.start(OUTGOING, organization=tree.school_tianshan, acting_user=drafter, title="校内通知")
    engine.complete(the_task(school, "draft"), acting_user=drafter, outcome="submit")
    task = the_task(school, "review")
    assert task.organization == tree.school_tianshan
    assert candidate_names(task) == {"school_admin"}
    county = engine.start(OUTGOING, organization=tree.tianshan, acting_user=county_clerk, title="区通知")
    engine.complete(the_task(county, "draft"), acting_user=county_clerk, outcome="submit")
    assert candidate_names(the_task(county, "review")) == {"county_clerk"}
    assert school_admin.pk != county_clerk.pk


def test_assignees_and_units_in_process_data(office):
    other_leader = make_user("leader2", unit=office.tree.province, role="bureau_leader")
    instance = start_outgoing(
        office, assignees={"signoff": other_leader.pk}, units={"review": office.dept_a.pk}
    )
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    review = the_task(instance, "review")
    # 基础教育处 has no clerk: the nearest is the bureau's.
    assert review.organization == office.dept_a
    assert candidate_names(review) == {"clerk"}
    engine.complete(review, acting_user=office.clerk, outcome="pass")
    signoff = the_task(instance, "signoff")
    assert signoff.assignee == other_leader
    assert candidate_names(signoff) == {"leader2"}


def test_delegate_becomes_a_candidate_on_behalf_of(office):
    deputy = make_user("deputy", unit=office.tree.province, role="bureau_staff")
    today = timezone.localdate()
    Delegation.objects.create(
        organization=office.tree.province,
        user=office.leader,
        delegate=deputy,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=5),
    )
    # Not active: revoked, or over.
    Delegation.objects.create(
        organization=office.tree.province,
        user=office.clerk,
        delegate=deputy,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today - dt.timedelta(days=1),
    )
    assert engine.candidates_for("office.document.signoff", office.tree.province) == [office.leader, deputy]
    assert engine.candidates_for("office.document.review", office.tree.province) == [office.clerk]
    instance = start_outgoing(office)
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    engine.complete(the_task(instance, "review"), acting_user=office.clerk, outcome="pass")
    signoff = the_task(instance, "signoff")
    row = TaskCandidate.objects.get(task=signoff, user=deputy)
    assert row.on_behalf_of == office.leader
    engine.complete(signoff, acting_user=deputy, outcome="approve")
    entry = AuditEntry.objects.filter(event_type=OfficeEvent.TASK_COMPLETED).order_by("-seq").first()
    assert entry.extra_data["on_behalf_of"] == office.leader.pk
    signoff.refresh_from_db()
    assert signoff.completed_by == deputy


# --- two people, one task ---------------------------------------------------------------------


def test_second_person_on_the_same_task_is_told_who_did_it(office):
    clerk2 = make_user("clerk2", unit=office.tree.province, role="office_clerk")
    instance = start_outgoing(office)
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    stale_for_clerk2 = the_task(instance, "review")  # both load the same open task
    with time_machine.travel(dt.datetime(2025, 11, 21, 10, 5, tzinfo=SHANGHAI), tick=False):
        engine.complete(the_task(instance, "review"), acting_user=office.clerk, outcome="pass")
    revision = ProcessInstance.objects.get(pk=instance.pk).revision
    assert stale_for_clerk2.status == TaskStatus.OPEN
    with translation.override("en"), pytest.raises(TaskTaken) as excinfo:
        engine.complete(stale_for_clerk2, acting_user=clerk2, outcome="return")
    assert "already handled by clerk" in excinfo.value.message
    assert "10:05" in excinfo.value.message
    # Nothing moved: still one sign-off task, the review done once.
    assert ProcessInstance.objects.get(pk=instance.pk).revision == revision
    assert set(open_by_step(instance)) == {"signoff"}
    assert WorkTask.objects.get(pk=stale_for_clerk2.pk).completed_by == office.clerk


def test_a_cancelled_task_cannot_be_completed(office):
    instance = start_outgoing(office)
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    review = the_task(instance, "review")
    engine.reset_to(instance, "draft", acting_user=office.drafter, reason="撤回")
    with translation.override("en"), pytest.raises(TaskTaken, match="no longer open"):
        engine.complete(review, acting_user=office.clerk, outcome="pass")


# --- timers -------------------------------------------------------------------------------------


def _to_signoff(office, **data):
    instance = start_outgoing(office, **data)
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    engine.complete(the_task(instance, "review"), acting_user=office.clerk, outcome="pass")
    return instance


def test_signoff_timer_opens_a_reminder_via_tick(office):
    monday = dt.datetime(2025, 6, 2, 10, 0, tzinfo=SHANGHAI)
    with time_machine.travel(monday, tick=False):
        instance = _to_signoff(office)
        instance.refresh_from_db()
        signoff = the_task(instance, "signoff")
        # Three working days after Monday 2 June 2025: Thursday 5 June, end of the working day.
        expected = dt.datetime(2025, 6, 5, 18, 0, tzinfo=SHANGHAI)
        assert signoff.due_at == expected
        assert instance.next_due_at == expected
        assert engine.tick() == 0
    with time_machine.travel(dt.datetime(2025, 6, 5, 17, 59, tzinfo=SHANGHAI), tick=False):
        assert engine.tick() == 0
    with time_machine.travel(dt.datetime(2025, 6, 5, 18, 1, tzinfo=SHANGHAI), tick=False):
        assert engine.tick() == 1
        assert engine.tick() == 0  # fired once
    instance.refresh_from_db()
    assert instance.next_due_at is None
    steps = open_by_step(instance)
    assert set(steps) == {"signoff", "signoff_reminder"}
    reminder = steps["signoff_reminder"][0]
    assert reminder.title == "签发催办"
    assert candidate_names(reminder) == {"clerk"}
    entry = AuditEntry.objects.get(event_type=OfficeEvent.PROCESS_TIMER)
    assert entry.extra_data["timers"] == ["signoff_overdue"]
    # Signing off ends the reminder: nobody needs to chase a signed document.
    engine.complete(steps["signoff"][0], acting_user=office.leader, outcome="approve")
    reminder.refresh_from_db()
    assert reminder.status == TaskStatus.CANCELLED
    engine.complete(the_task(instance, "dispatch"), acting_user=office.clerk, outcome="done")
    instance.refresh_from_db()
    assert instance.status == ProcessStatus.COMPLETED


def test_reminder_done_before_the_signoff(office):
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        instance = _to_signoff(office, due={"signoff": "2025-06-03T09:00:00+08:00"})
        assert the_task(instance, "signoff").due_at == dt.datetime(2025, 6, 3, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(dt.datetime(2025, 6, 3, 9, 30, tzinfo=SHANGHAI), tick=False):
        assert engine.tick() == 1
        engine.complete(the_task(instance, "signoff_reminder"), acting_user=office.clerk, outcome="done")
    assert set(open_by_step(instance)) == {"signoff"}
    engine.complete(the_task(instance, "signoff"), acting_user=office.leader, outcome="approve")
    engine.complete(the_task(instance, "dispatch"), acting_user=office.clerk, outcome="done")
    instance.refresh_from_db()
    assert instance.status == ProcessStatus.COMPLETED


def test_returning_from_signoff_drops_its_timer(office):
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        instance = _to_signoff(office)
        engine.complete(the_task(instance, "signoff"), acting_user=office.leader, outcome="return")
        instance.refresh_from_db()
        assert instance.next_due_at is None
    with time_machine.travel(dt.datetime(2025, 6, 10, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert engine.tick() == 0
    assert set(open_by_step(instance)) == {"draft"}


def test_tick_records_a_broken_instance_and_goes_on(office):
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        broken = _to_signoff(office)
        fine = _to_signoff(office)
    ProcessInstance.objects.filter(pk=broken.pk).update(state={"garbage": True})
    with time_machine.travel(dt.datetime(2025, 6, 9, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert engine.tick() == 1
    broken.refresh_from_db()
    assert broken.error
    assert broken.next_due_at is None
    assert "signoff_reminder" in open_by_step(fine)


def test_handle_timer_uses_handle_due(office):
    from edugov.office.workflow.builtin import INCOMING

    with time_machine.travel(dt.datetime(2025, 6, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        instance = engine.start(
            INCOMING,
            organization=office.tree.province,
            acting_user=office.clerk,
            title="来文",
            data={"handling_units": [office.dept_b.pk], "handle_due": "2025-06-04"},
        )
        engine.complete(the_task(instance, "signfor"), acting_user=office.clerk, outcome="received")
        engine.complete(the_task(instance, "register"), acting_user=office.clerk, outcome="registered")
        handle = the_task(instance, "handle")
        assert handle.due_at == dt.datetime(2025, 6, 4, 18, 0, tzinfo=SHANGHAI)
    with time_machine.travel(dt.datetime(2025, 6, 4, 18, 30, tzinfo=SHANGHAI), tick=False):
        assert engine.tick() == 1
    assert candidate_names(the_task(instance, "handle_reminder")) == {"clerk"}
    engine.complete(handle, acting_user=office.head_b, outcome="done")
    assert set(open_by_step(instance)) == {"complete"}


# --- versions -----------------------------------------------------------------------------------


def test_running_instance_keeps_its_version(office):
    xml = shipped()[APPROVAL]
    v1 = engine.latest(APPROVAL)
    old = engine.start(APPROVAL, organization=office.dept_a, acting_user=office.drafter, title="旧版")
    # v2: the department step is renamed and the leader's step skipped.
    v2_xml = xml.replace('name="部门审核"', 'name="处室审核"').replace(
        'targetRef="approve_leader"', 'targetRef="record_approved"'
    )
    v2_xml = v2_xml.replace(
        "<bpmn:incoming>leader_approved</bpmn:incoming>", "<bpmn:incoming>department_approved</bpmn:incoming>"
    )
    v2 = engine.deploy(APPROVAL, v2_xml, acting_user=office.clerk)
    assert v2.version == v1.version + 1
    assert engine.latest(APPROVAL) == v2
    new = engine.start(APPROVAL, organization=office.dept_a, acting_user=office.drafter, title="新版")
    assert the_task(new, "approve_department").title == "处室审核"
    assert the_task(old, "approve_department").title == "部门审核"
    definitions.clear_cache()  # as after a restart: specs are parsed again from each version's XML
    engine.complete(the_task(old, "approve_department"), acting_user=office.head_a, outcome="approve")
    assert set(open_by_step(old)) == {"approve_leader"}
    engine.complete(the_task(new, "approve_department"), acting_user=office.head_a, outcome="approve")
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.status == ProcessStatus.COMPLETED
    assert new.data["decision"] == "approved"
    assert old.definition == v1
    assert old.status == ProcessStatus.RUNNING


def test_deploying_the_same_xml_twice_keeps_one_version(office):
    current = engine.latest(OUTGOING)
    again = engine.deploy(OUTGOING, shipped()[OUTGOING], acting_user=office.clerk)
    assert again == current
    assert engine.latest(OUTGOING).version == current.version


def test_builtin_deploy_leaves_an_uploaded_version_alone(office):
    from edugov.office.workflow.builtin import deploy_builtin_processes

    xml = shipped()[APPROVAL].replace('name="修改"', 'name="修改申请"')
    custom = engine.deploy(APPROVAL, xml, acting_user=office.clerk)
    assert deploy_builtin_processes() == []
    assert engine.latest(APPROVAL) == custom
    assert AuditEntry.objects.filter(
        event_type=OfficeEvent.PROCESS_DEPLOYED, target_id=str(custom.pk)
    ).exists()


def test_multi_instance_survives_a_restart_between_steps(office):
    instance = start_outgoing(office)
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    engine.complete(
        the_task(instance, "review"),
        acting_user=office.clerk,
        outcome="pass",
        data={"countersign_units": [office.dept_b.pk, office.dept_c.pk]},
    )
    for task in open_by_step(instance)["countersign"]:
        definitions.clear_cache()
        user = office.head_b if task.organization == office.dept_b else office.head_c
        engine.complete(task, acting_user=user, outcome="agree")
    assert set(open_by_step(instance)) == {"signoff"}
