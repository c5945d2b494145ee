"""Test helpers for the process engine: a bureau with departments and the people of the
shipped processes. Imported by the office's engine tests (not loaded in production)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Office:
    tree: Any
    dept_a: Any  # 基础教育处
    dept_b: Any  # 职业教育处
    dept_c: Any  # 人事处
    drafter: Any  # bureau_staff @ dept_a
    clerk: Any  # office_clerk @ province (review, dispatch, receive, archive)
    leader: Any  # bureau_leader @ province (signoff, instruct, countersign)
    head_a: Any  # department_head @ dept_a
    head_b: Any
    head_c: Any


def department(parent: Any, name: str) -> Any:
    from edugov.core.actions.organizations import do_create_organization

    return do_create_organization(
        parent=parent,
        name=name,
        kind="department",
        level=parent.level,
        region=parent.region,
        acting_user=None,
    )


def build_office(tree: Any) -> Office:
    from edugov.platform.testing.fixtures import make_user

    dept_a = department(tree.province, "基础教育处")
    dept_b = department(tree.province, "职业教育处")
    dept_c = department(tree.province, "人事处")
    return Office(
        tree=tree,
        dept_a=dept_a,
        dept_b=dept_b,
        dept_c=dept_c,
        drafter=make_user("drafter", unit=dept_a, role="bureau_staff"),
        clerk=make_user("clerk", unit=tree.province, role="office_clerk"),
        leader=make_user("leader", unit=tree.province, role="bureau_leader"),
        head_a=make_user("head_a", unit=dept_a, role="department_head"),
        head_b=make_user("head_b", unit=dept_b, role="department_head"),
        head_c=make_user("head_c", unit=dept_c, role="department_head"),
    )


def open_by_step(instance: Any) -> dict[str, list[Any]]:
    """Open tasks of an instance grouped by step id."""
    from edugov.office.workflow.engine import open_tasks

    steps: dict[str, list[Any]] = {}
    for task in open_tasks(instance):
        steps.setdefault(task.spec_name, []).append(task)
    return steps


def the_task(instance: Any, step: str) -> Any:
    tasks = open_by_step(instance).get(step, [])
    assert len(tasks) == 1, f"expected one open {step!r} task, found {open_by_step(instance)}"
    return tasks[0]


def candidate_names(task: Any) -> set[str]:
    return set(task.candidates.filter(is_open=True).values_list("user__username", flat=True))
