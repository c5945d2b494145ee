"""Office fixtures: a province bureau with departments and the people of a document's route."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from edugov.platform.testing.fixtures import make_user


@dataclass
class Office:
    tree: Any
    dept_basic: Any  # 基础教育处
    dept_finance: Any  # 财务处
    dept_personnel: Any  # 人事处
    drafter: Any
    clerk: Any
    head_basic: Any
    head_finance: Any
    head_personnel: Any
    leader: Any
    series: Any
    # The receiving side: 乌鲁木齐市教育局 with one department.
    u_dept: Any
    u_clerk: Any
    u_leader: Any
    u_head: Any
    u_archivist: Any


def _department(parent: Any, name: str) -> Any:
    from edugov.core.actions.organizations import do_create_organization

    return do_create_organization(
        parent=parent,
        name=name,
        kind="department",
        level=parent.level,
        region=parent.region,
        acting_user=None,
    )


@pytest.fixture
def office(tree: Any, no_mfa: None) -> Office:
    from edugov.office.models import NumberSeries

    basic = _department(tree.province, "基础教育处")
    finance = _department(tree.province, "财务处")
    personnel = _department(tree.province, "人事处")
    u_dept = _department(tree.urumqi, "乌鲁木齐市教育局基础教育科")
    return Office(
        tree=tree,
        dept_basic=basic,
        dept_finance=finance,
        dept_personnel=personnel,
        drafter=make_user("drafter", unit=basic, role="bureau_staff"),
        clerk=make_user("clerk", unit=tree.province, role="office_clerk"),
        head_basic=make_user("head_basic", unit=basic, role="department_head"),
        head_finance=make_user("head_finance", unit=finance, role="department_head"),
        head_personnel=make_user("head_personnel", unit=personnel, role="department_head"),
        leader=make_user("leader", unit=tree.province, role="bureau_leader"),
        series=NumberSeries.objects.create(organization=tree.province, prefix="新教发", name="厅发文"),
        u_dept=u_dept,
        u_clerk=make_user("u_clerk", unit=tree.urumqi, role="office_clerk"),
        u_leader=make_user("u_leader", unit=tree.urumqi, role="bureau_leader"),
        u_head=make_user("u_head", unit=u_dept, role="department_head"),
        u_archivist=make_user("u_archivist", unit=tree.urumqi, role="archivist"),
    )


def open_task(document: Any, spec: str, user: Any | None = None) -> Any:
    """The open task of ``spec`` on ``document`` (for ``user`` when given)."""
    from edugov.office.models import WorkTask

    qs = WorkTask.objects.filter(document=document, spec_name=spec, status="open")
    if user is not None:
        qs = qs.filter(candidates__user=user, candidates__is_open=True)
    task = qs.order_by("id").first()
    assert task is not None, f"no open {spec} task" + (f" for {user}" if user else "")
    return task
