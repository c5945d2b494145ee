"""Shared pytest fixtures: a small province tree and users holding roles on it.

Registered from the root conftest.py, so every app's tests can use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

PASSWORD = "Correct-Horse-2026"  # noqa: S105 - test-only


@dataclass
class Tree:
    province: Any
    office: Any
    urumqi: Any
    tianshan: Any
    shayibake: Any
    kashgar: Any
    kashi_city: Any
    school_tianshan: Any
    school_shayibake: Any
    school_kashi: Any


def _region(code: str, name: str, level: str) -> Any:
    from edugov.core.models import Region

    region, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "level": level})
    return region


def build_tree() -> Tree:
    from edugov.core.actions.organizations import do_create_organization

    def unit(parent: Any, name: str, kind: str, level: str, region: Any, **extra: Any) -> Any:
        return do_create_organization(
            parent=parent, name=name, kind=kind, level=level, region=region, acting_user=None, **extra
        )

    xj = _region("650000", "新疆维吾尔自治区", "province")
    province = unit(None, "新疆维吾尔自治区教育厅", "bureau", "province", xj)
    office = unit(province, "办公室", "department", "province", xj)
    urumqi = unit(
        province, "乌鲁木齐市教育局", "bureau", "prefecture", _region("650100", "乌鲁木齐市", "prefecture")
    )
    tianshan = unit(urumqi, "天山区教育局", "bureau", "county", _region("650102", "天山区", "county"))
    shayibake = unit(
        urumqi, "沙依巴克区教育局", "bureau", "county", _region("650103", "沙依巴克区", "county")
    )
    kashgar = unit(
        province, "喀什地区教育局", "bureau", "prefecture", _region("653100", "喀什地区", "prefecture")
    )
    kashi_city = unit(kashgar, "喀什市教育局", "bureau", "county", _region("653101", "喀什市", "county"))

    def school(parent: Any, name: str, code: str) -> Any:
        return unit(
            parent,
            name,
            "school",
            "school",
            parent.region,
            school_code=code,
            school_type="211",
            school_sponsor="21",
        )

    return Tree(
        province=province,
        office=office,
        urumqi=urumqi,
        tianshan=tianshan,
        shayibake=shayibake,
        kashgar=kashgar,
        kashi_city=kashi_city,
        school_tianshan=school(tianshan, "天山区第一小学", "2165000001"),
        school_shayibake=school(shayibake, "沙依巴克区第一小学", "2165000002"),
        school_kashi=school(kashi_city, "喀什市第一小学", "2165000003"),
    )


def make_user(
    username: str,
    *,
    unit: Any = None,
    role: str | None = None,
    include_descendants: bool = True,
    phone: str = "",
    position: str = "",
) -> Any:
    """A user, member of ``unit``, holding the built-in ``role`` there (granted by the system)."""
    from edugov.core.models import Grant, Membership, Role, User

    user = User.objects.create_user(username=username, password=PASSWORD, real_name=username, phone=phone)
    if unit is not None:
        Membership.objects.create(user=user, organization=unit, position=position, is_primary=True)
    if role is not None:
        Grant.objects.create(
            user=user,
            role=Role.objects.get(code=role),
            organization=unit,
            include_descendants=include_descendants,
        )
    return user


@pytest.fixture
def tree(db: Any) -> Tree:
    return build_tree()


@pytest.fixture
def no_mfa(settings: Any) -> None:
    """Tests that are not about MFA skip the set-up redirect."""
    settings.EDUGOV_MFA_REQUIRED_ROLES = []
