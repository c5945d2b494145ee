"""Shared set-up of the supervision tests (no tests here): a bureau with departments and people.

The province bureau's office (办公室, ``tree.office``) supervises; 基础教育处 leads,
计划财务处 co-owns, 人事处 has nothing to do with the items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from edugov.platform.testing.fixtures import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


@dataclass
class Bureau:
    tree: Any
    supervisor: Any  # the unit that supervises (the office)
    lead: Any
    co: Any
    other: Any
    manager: Any  # office clerk of the supervising unit (add, manage)
    lead_staff: Any  # reports for the lead unit
    co_staff: Any  # reports for the co-owner unit
    other_staff: Any  # a department with no part in the items
    leader: Any  # bureau leader over the whole province


def department(tree: Any, name: str) -> Any:
    from edugov.core.actions.organizations import do_create_organization

    return do_create_organization(
        parent=tree.province,
        name=name,
        kind="department",
        level="province",
        region=tree.province.region,
        acting_user=None,
    )


def build_bureau(tree: Any) -> Bureau:
    lead = department(tree, "基础教育处")
    co = department(tree, "计划财务处")
    other = department(tree, "人事处")
    return Bureau(
        tree=tree,
        supervisor=tree.office,
        lead=lead,
        co=co,
        other=other,
        manager=make_user("duban", unit=tree.office, role="office_clerk", include_descendants=False),
        lead_staff=make_user("jjc", unit=lead, role="bureau_staff"),
        co_staff=make_user("cwc", unit=co, role="bureau_staff"),
        other_staff=make_user("rsc", unit=other, role="bureau_staff"),
        leader=make_user("tingzhang", unit=tree.province, role="bureau_leader"),
    )


def new_item(b: Bureau, *, due_on: dt.date, title: str = "落实义务教育课后服务", **kwargs: Any) -> Any:
    from edugov.office.actions.supervision import do_create_supervision_item

    kwargs.setdefault("co_units", [b.co])
    kwargs.setdefault("acting_user", b.manager)
    return do_create_supervision_item(
        organization=b.supervisor, title=title, owner_unit=b.lead, due_on=due_on, **kwargs
    )
