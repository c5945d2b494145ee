"""List pages of staff, buildings, assets, finance and schools run the same number of queries
for 10 rows and for 1,000 (issue 3 item 10: no per-row queries)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edugov.core.actions.organizations import do_create_organization
from edugov.platform.testing.fixtures import make_user
from edugov.registry.models import Asset, Building, FinanceRecord, SchoolProfile, StaffMember

pytestmark = pytest.mark.django_db


def _staff(units, start, count):
    StaffMember.objects.bulk_create(
        StaffMember(
            organization=units[i % len(units)],
            name=f"教师{i}",
            id_masked=f"650102********{i:04d}",
            sex="1",
            birth_date=dt.date(1980, 1, 1),
            post="1",
            subject="02",
            professional_title="30",
            employed_from=dt.date(2005, 9, 1),
        )
        for i in range(start, start + count)
    )


def _buildings(units, start, count):
    Building.objects.bulk_create(
        Building(
            organization=units[i % len(units)],
            code=f"B{i}",
            name=f"楼{i}",
            building_type="11",
            floor_area=Decimal("100"),
            year_built=2000,
            structure="2",
            safety_rating="B",
        )
        for i in range(start, start + count)
    )


def _assets(units, start, count):
    building = Building.objects.create(
        organization=units[0],
        code=f"AB{start}",
        name="楼",
        building_type="11",
        floor_area=Decimal("100"),
        year_built=2000,
        structure="2",
    )
    Asset.objects.bulk_create(
        Asset(
            organization=units[i % len(units)],
            asset_number=f"A{i}",
            name=f"设备{i}",
            category="2",
            quantity=2,
            unit_value=Decimal("10"),
            acquired_on=dt.date(2020, 1, 1),
            building=building,
        )
        for i in range(start, start + count)
    )


_FINANCE = list(
    itertools.product(
        range(1960, 2025), ("income", "expenditure"), ("11", "12", "13", "14", "15", "16", "17")
    )
)


def _finance(units, start, count):
    FinanceRecord.objects.bulk_create(
        FinanceRecord(
            organization=units[(i // len(_FINANCE)) % len(units)],
            year=_FINANCE[i % len(_FINANCE)][0],
            direction=_FINANCE[i % len(_FINANCE)][1],
            category=_FINANCE[i % len(_FINANCE)][2],
            amount=Decimal("1000"),
        )
        for i in range(start, start + count)
    )


MAKERS = {
    "registry:staff_list": _staff,
    "registry:building_list": _buildings,
    "registry:asset_list": _assets,
    "registry:finance_list": _finance,
}


def _count(client, url, params):
    client.get(url, params)  # warm the code-table cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize(
    "params", [{}, {"q": "1", "year": "2000"}, {"page": "2"}], ids=["plain", "filtered", "page2"]
)
@pytest.mark.parametrize("name", MAKERS)
def test_list_queries_do_not_grow_with_rows(client, tree, no_mfa, name, params):
    units = [tree.school_tianshan, tree.school_shayibake, tree.urumqi]
    client.force_login(make_user("viewer", unit=tree.urumqi, role="bureau_staff"))
    url = reverse(name)
    params = {**params, "unit": tree.urumqi.pk}
    MAKERS[name](units, 0, 10)
    small, _response = _count(client, url, params)
    MAKERS[name](units, 10, 990)
    large, response = _count(client, url, params)
    assert small == large
    if not params.get("q"):
        assert response.context["page"].paginator.count > 50


def test_school_list_queries_do_not_grow_with_schools(client, tree, no_mfa):
    client.force_login(make_user("viewer", unit=tree.tianshan, role="bureau_staff"))
    url = reverse("registry:school_list")

    def add_schools(start, count):
        for i in range(start, start + count):
            school = do_create_organization(
                parent=tree.tianshan,
                name=f"天山区第{i + 2}小学",
                kind="school",
                level="school",
                region=tree.tianshan.region,
                school_code=f"21650{i + 10:05d}",
                acting_user=None,
            )
            SchoolProfile.objects.create(organization=school, founding_year=1950 + i % 50, boarding="full")

    add_schools(0, 10)
    small, _response = _count(client, url, {})
    add_schools(10, 60)
    large, response = _count(client, url, {})
    assert small == large
    assert response.context["page"].paginator.count == 71
