"""The shipped processes end to end, with real users, grants and lanes."""

from __future__ import annotations

import pytest
from django.utils import translation

from edugov.core.models import AuditEntry
from edugov.office.choices import ProcessStatus, TaskStatus
from edugov.office.errors import OfficeError, ProcessError
from edugov.office.events import OfficeEvent
from edugov.office.models import ProcessDefinition, WorkTask
from edugov.office.workflow import engine
from edugov.office.workflow.builtin import APPROVAL, INCOMING, OUTGOING
from edugov.office.workflow.testing import build_office, candidate_names, open_by_step, the_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(tree):
    return build_office(tree)


def start_outgoing(office, **data):
    return engine.start(
        OUTGOING,
        organization=office.tree.province,
        acting_user=office.drafter,
        title="关于做好秋季开学工作的通知",
        data=data or None,
    )


def test_shipped_processes_are_deployed_on_migrate():
    keys = set(ProcessDefinition.objects.filter(is_builtin=True).values_list("key", flat=True))
    assert {OUTGOING, INCOMING, APPROVAL} <= keys
    steps = engine.steps(engine.latest(OUTGOING))
    assert list(steps)[:4] == ["draft", "review", "countersign", "signoff"]
    assert steps["review"].name == "核稿"
    assert steps["review"].lane == "office.document.review"
    assert steps["countersign"].multi_instance
    assert steps["signoff"].outcomes == ("approve", "return", "return_review")


def test_outgoing_without_countersign_runs_to_the_end(office):
    instance = start_outgoing(office)
    draft = the_task(instance, "draft")
    assert draft.title == "拟稿"
    assert draft.assignee == office.drafter
    assert candidate_names(draft) == {"drafter"}
    assert AuditEntry.objects.filter(
        event_type=OfficeEvent.PROCESS_STARTED, target_id=str(instance.pk)
    ).exists()

    engine.complete(draft, acting_user=office.drafter, outcome="submit")
    review = the_task(instance, "review")
    assert review.title == "核稿"
    assert review.organization == office.tree.province
    assert review.role_code == "office.document.review"
    assert candidate_names(review) == {"clerk"}
    assert review.due_at is not None

    engine.complete(review, acting_user=office.clerk, outcome="pass")
    signoff = the_task(instance, "signoff")
    assert candidate_names(signoff) == {"leader"}
    engine.complete(signoff, acting_user=office.leader, outcome="approve")
    dispatch = the_task(instance, "dispatch")
    assert candidate_names(dispatch) == {"clerk"}
    instance = engine.complete(dispatch, acting_user=office.clerk, outcome="done")

    instance.refresh_from_db()
    assert instance.status == ProcessStatus.COMPLETED
    assert instance.finished_at is not None
    assert instance.next_due_at is None
    assert not engine.open_tasks(instance).exists()
    assert instance.data["signoff_outcome"] == "approve"
    assert instance.data["outcome"] == "done"
    done = WorkTask.objects.filter(process=instance).order_by("pk")
    assert [(t.spec_name, t.status, t.outcome) for t in done] == [
        ("draft", TaskStatus.DONE, "submit"),
        ("review", TaskStatus.DONE, "pass"),
        ("signoff", TaskStatus.DONE, "approve"),
        ("dispatch", TaskStatus.DONE, "done"),
    ]
    assert done[1].completed_by == office.clerk
    assert not done[1].candidates.filter(is_open=True).exists()
    assert AuditEntry.objects.filter(event_type=OfficeEvent.TASK_COMPLETED).count() == 4
    assert instance.revision >= 5


def test_outgoing_returns_loop_back(office):
    instance = start_outgoing(office)
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    engine.complete(the_task(instance, "review"), acting_user=office.clerk, outcome="return")
    assert set(open_by_step(instance)) == {"draft"}
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    engine.complete(the_task(instance, "review"), acting_user=office.clerk, outcome="pass")
    engine.complete(the_task(instance, "signoff"), acting_user=office.leader, outcome="return_review")
    assert set(open_by_step(instance)) == {"review"}
    engine.complete(the_task(instance, "review"), acting_user=office.clerk, outcome="pass")
    engine.complete(the_task(instance, "signoff"), acting_user=office.leader, outcome="return")
    assert set(open_by_step(instance)) == {"draft"}
    assert WorkTask.objects.filter(process=instance, spec_name="draft").count() == 3


def test_unknown_outcome_is_refused(office):
    instance = start_outgoing(office)
    draft = the_task(instance, "draft")
    with translation.override("en"), pytest.raises(ProcessError, match='has no outcome "approve"'):
        engine.complete(draft, acting_user=office.drafter, outcome="approve")
    assert the_task(instance, "draft").pk == draft.pk


def test_only_a_candidate_may_complete(office):
    instance = start_outgoing(office)
    with pytest.raises(OfficeError) as excinfo:
        engine.complete(the_task(instance, "draft"), acting_user=office.clerk, outcome="submit")
    assert type(excinfo.value) is OfficeError
    assert the_task(instance, "draft").status == TaskStatus.OPEN


def test_countersign_in_parallel_with_a_department_added_during_the_step(office):
    instance = start_outgoing(office)
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    engine.complete(
        the_task(instance, "review"),
        acting_user=office.clerk,
        outcome="pass",
        data={"countersign_units": [office.dept_b.pk, office.dept_c.pk]},
    )
    tasks = open_by_step(instance)["countersign"]
    assert {t.organization for t in tasks} == {office.dept_b, office.dept_c}
    assert all(t.title == "会签" for t in tasks)
    by_unit = {t.organization_id: t for t in tasks}
    assert candidate_names(by_unit[office.dept_b.pk]) == {"head_b"}
    assert candidate_names(by_unit[office.dept_c.pk]) == {"head_c"}

    engine.complete(by_unit[office.dept_b.pk], acting_user=office.head_b, outcome="agree")
    added = engine.add_multi_instance_item(instance, "countersign", office.dept_a, acting_user=office.clerk)
    assert [t.organization for t in added] == [office.dept_a]
    assert candidate_names(added[0]) == {"head_a"}
    assert AuditEntry.objects.filter(event_type=OfficeEvent.COUNTERSIGNER_ADDED).exists()

    engine.complete(by_unit[office.dept_c.pk], acting_user=office.head_c, outcome="disagree")
    # The added department has not countersigned yet: the flow waits for it.
    assert set(open_by_step(instance)) == {"countersign"}
    engine.complete(added[0], acting_user=office.head_a, outcome="agree")
    assert set(open_by_step(instance)) == {"signoff"}
    instance.refresh_from_db()
    results = instance.data["countersign_results"]
    assert [(r["unit"], r["outcome"]) for r in results] == [
        (office.dept_b.pk, "agree"),
        (office.dept_c.pk, "disagree"),
        (office.dept_a.pk, "agree"),
    ]
    assert instance.data["countersign_units"] == [office.dept_b.pk, office.dept_c.pk, office.dept_a.pk]
    assert "unit" not in instance.data


def test_adding_to_a_step_that_is_not_running_is_refused(office):
    instance = start_outgoing(office)
    with pytest.raises(ProcessError):
        engine.add_multi_instance_item(instance, "countersign", office.dept_a, acting_user=office.clerk)
    assert not AuditEntry.objects.filter(event_type=OfficeEvent.COUNTERSIGNER_ADDED).exists()


def test_a_department_already_countersigning_is_not_added_twice(office):
    instance = start_outgoing(office)
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    engine.complete(
        the_task(instance, "review"),
        acting_user=office.clerk,
        outcome="pass",
        data={"countersign_units": [office.dept_b.pk]},
    )
    with pytest.raises(ProcessError):
        engine.add_multi_instance_item(instance, "countersign", office.dept_b.pk, acting_user=office.clerk)
    assert len(open_by_step(instance)["countersign"]) == 1


def test_reset_to_an_earlier_step_and_withdraw(office):
    instance = start_outgoing(office)
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    review = the_task(instance, "review")
    # 撤回: the drafter takes the draft back before the review is done.
    engine.reset_to(instance, "draft", acting_user=office.drafter, reason="补充附件")
    review.refresh_from_db()
    assert review.status == TaskStatus.CANCELLED
    assert not review.candidates.filter(is_open=True).exists()
    draft = the_task(instance, "draft")
    assert draft.assignee == office.drafter
    assert WorkTask.objects.filter(process=instance, spec_name="draft").count() == 2
    assert AuditEntry.objects.filter(event_type=OfficeEvent.PROCESS_RESET, reason="补充附件").exists()

    engine.complete(draft, acting_user=office.drafter, outcome="submit")
    engine.complete(
        the_task(instance, "review"),
        acting_user=office.clerk,
        outcome="pass",
        data={"countersign_units": [office.dept_b.pk]},
    )
    engine.complete(the_task(instance, "countersign"), acting_user=office.head_b, outcome="agree")
    # 退回 from sign-off to any earlier step, here the countersigning.
    engine.reset_to(instance, "countersign", acting_user=office.leader, reason="请再会签")
    assert set(open_by_step(instance)) == {"countersign"}
    engine.complete(the_task(instance, "countersign"), acting_user=office.head_b, outcome="agree")
    engine.reset_to(instance, "review", acting_user=office.leader, reason="重新核稿")
    assert set(open_by_step(instance)) == {"review"}
    engine.complete(the_task(instance, "review"), acting_user=office.clerk, outcome="pass")
    # The countersigning list is kept: the new round countersigns again.
    assert set(open_by_step(instance)) == {"countersign"}


def test_reset_to_a_step_never_done_is_refused(office):
    instance = start_outgoing(office)
    with pytest.raises(ProcessError):
        engine.reset_to(instance, "signoff", acting_user=office.leader, reason="x")


def test_hand_over_passes_the_task_to_a_colleague(office):
    from edugov.platform.testing.fixtures import make_user

    colleague = make_user("clerk2", unit=office.tree.province, role="office_clerk")
    instance = start_outgoing(office)
    engine.complete(the_task(instance, "draft"), acting_user=office.drafter, outcome="submit")
    review = the_task(instance, "review")
    assert candidate_names(review) == {"clerk", "clerk2"}
    with pytest.raises(OfficeError):
        engine.hand_over(review, to_user=colleague, acting_user=office.leader)
    engine.hand_over(review, to_user=colleague, acting_user=office.clerk, reason="出差")
    review.refresh_from_db()
    assert review.assignee == colleague
    assert review.handed_over_from == office.clerk
    assert candidate_names(review) == {"clerk2"}
    assert AuditEntry.objects.filter(event_type=OfficeEvent.TASK_HANDED_OVER).exists()
    with pytest.raises(OfficeError):
        engine.complete(review, acting_user=office.clerk, outcome="pass")
    engine.complete(review, acting_user=colleague, outcome="pass")
    assert set(open_by_step(instance)) == {"signoff"}


def test_cancel_closes_every_open_task(office):
    instance = start_outgoing(office)
    draft = the_task(instance, "draft")
    engine.cancel(instance, acting_user=office.drafter, reason="不再发文")
    instance.refresh_from_db()
    draft.refresh_from_db()
    assert instance.status == ProcessStatus.CANCELLED
    assert draft.status == TaskStatus.CANCELLED
    with pytest.raises(ProcessError):
        engine.cancel(instance, acting_user=office.drafter, reason="again")


def test_incoming_with_instruction_and_handling(office):
    instance = engine.start(
        INCOMING,
        organization=office.tree.province,
        acting_user=office.clerk,
        title="教育部关于开展专项检查的通知",
        data={"needs_instruction": True},
    )
    engine.complete(the_task(instance, "signfor"), acting_user=office.clerk, outcome="received")
    engine.complete(the_task(instance, "register"), acting_user=office.clerk, outcome="registered")
    engine.complete(the_task(instance, "propose"), acting_user=office.clerk, outcome="proposed")
    instruct = the_task(instance, "instruct")
    assert candidate_names(instruct) == {"leader"}
    engine.complete(instruct, acting_user=office.leader, outcome="return")
    engine.complete(the_task(instance, "propose"), acting_user=office.clerk, outcome="proposed")
    engine.complete(
        the_task(instance, "instruct"),
        acting_user=office.leader,
        outcome="instructed",
        data={"handling_units": [office.dept_b.pk, office.dept_c.pk]},
    )
    handle = open_by_step(instance)["handle"]
    assert {t.organization for t in handle} == {office.dept_b, office.dept_c}
    for task in handle:
        user = office.head_b if task.organization == office.dept_b else office.head_c
        engine.complete(task, acting_user=user, outcome="done")
    engine.complete(the_task(instance, "complete"), acting_user=office.clerk, outcome="completed")
    archive = the_task(instance, "archive")
    assert candidate_names(archive) == {"clerk"}
    engine.complete(archive, acting_user=office.clerk, outcome="archived")
    instance.refresh_from_db()
    assert instance.status == ProcessStatus.COMPLETED
    assert len(instance.data["handle_results"]) == 2


def test_incoming_without_instruction_or_handling(office):
    instance = engine.start(
        INCOMING, organization=office.tree.province, acting_user=office.clerk, title="会议通知"
    )
    engine.complete(the_task(instance, "signfor"), acting_user=office.clerk, outcome="received")
    engine.complete(the_task(instance, "register"), acting_user=office.clerk, outcome="registered")
    assert set(open_by_step(instance)) == {"complete"}


def test_incoming_rejected_at_sign_for_ends(office):
    instance = engine.start(
        INCOMING, organization=office.tree.province, acting_user=office.clerk, title="误投文件"
    )
    engine.complete(the_task(instance, "signfor"), acting_user=office.clerk, outcome="reject")
    instance.refresh_from_db()
    assert instance.status == ProcessStatus.COMPLETED


def start_approval(office):
    return engine.start(
        APPROVAL,
        organization=office.dept_a,
        acting_user=office.drafter,
        title="购置办公设备申请",
        subject_ref="office.approvalform:1",
    )


def test_approval_approved_after_a_revision(office):
    instance = start_approval(office)
    dept = the_task(instance, "approve_department")
    assert dept.title == "部门审核"
    assert candidate_names(dept) == {"head_a"}
    engine.complete(dept, acting_user=office.head_a, outcome="return")
    revise = the_task(instance, "revise")
    assert revise.assignee == office.drafter
    engine.complete(revise, acting_user=office.drafter, outcome="submit")
    engine.complete(the_task(instance, "approve_department"), acting_user=office.head_a, outcome="approve")
    leader = the_task(instance, "approve_leader")
    # Nobody holds bureau_leader on the department: the nearest holder is the bureau's.
    assert candidate_names(leader) == {"leader"}
    engine.complete(leader, acting_user=office.leader, outcome="approve")
    instance.refresh_from_db()
    assert instance.status == ProcessStatus.COMPLETED
    assert instance.data["decision"] == "approved"


@pytest.mark.parametrize("who", ["department", "leader"])
def test_approval_rejected(office, who):
    instance = start_approval(office)
    if who == "department":
        engine.complete(the_task(instance, "approve_department"), acting_user=office.head_a, outcome="reject")
    else:
        engine.complete(
            the_task(instance, "approve_department"), acting_user=office.head_a, outcome="approve"
        )
        engine.complete(the_task(instance, "approve_leader"), acting_user=office.leader, outcome="reject")
    instance.refresh_from_db()
    assert instance.status == ProcessStatus.COMPLETED
    assert instance.data["decision"] == "rejected"
