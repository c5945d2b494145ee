"""The organisation tree and school codes (DB-2, PL-2)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from edugov.core.actions.organizations import (
    do_change_school_code,
    do_close_organization,
    do_create_organization,
)
from edugov.core.models import AuditEntry, Organization, SchoolCode

pytestmark = pytest.mark.django_db


def test_tree_levels_and_kinds(tree):
    assert tree.province.depth == 1
    assert tree.school_tianshan.get_parent() == tree.tianshan
    assert set(Organization.objects.below(tree.urumqi).schools().values_list("school_code", flat=True)) == {
        "2165000001",
        "2165000002",
    }


def test_closed_school_code_is_never_reused(tree):
    do_close_organization(tree.school_kashi, acting_user=None, closed_on=dt.date(2026, 7, 1), reason="撤并")
    code = SchoolCode.objects.get(code="2165000003")
    assert code.retired_on == dt.date(2026, 7, 1)
    with pytest.raises(ValidationError) as excinfo:
        do_create_organization(
            parent=tree.kashi_city,
            name="喀什市新小学",
            kind="school",
            level="school",
            region=tree.kashi_city.region,
            acting_user=None,
            school_code="2165000003",
        )
    assert excinfo.value.code == "school_code_taken"


def test_renamed_school_keeps_code_and_category_change_retires_it(tree):
    school = do_change_school_code(
        tree.school_tianshan, new_code="3165000001", acting_user=None, reason="改为初中"
    )
    assert school.school_code == "3165000001"
    assert SchoolCode.objects.get(code="2165000001").retired_on is not None
    assert AuditEntry.objects.filter(event_type="org.changed", target_id=str(school.pk)).exists()


def test_unit_with_active_children_cannot_close(tree):
    with pytest.raises(ValidationError) as excinfo:
        do_close_organization(tree.tianshan, acting_user=None, closed_on=dt.date(2026, 7, 1), reason="x")
    assert excinfo.value.code == "has_active_children"


def test_school_needs_a_valid_code(tree):
    with pytest.raises(ValidationError):
        do_create_organization(
            parent=tree.tianshan,
            name="无码学校",
            kind="school",
            level="school",
            region=tree.tianshan.region,
            acting_user=None,
        )
    with pytest.raises(ValidationError):
        do_create_organization(
            parent=tree.tianshan,
            name="坏码学校",
            kind="school",
            level="school",
            region=tree.tianshan.region,
            acting_user=None,
            school_code="99650000",
        )


def test_credit_code_is_validated(tree):
    with pytest.raises(ValidationError):
        do_create_organization(
            parent=tree.tianshan,
            name="坏信用代码",
            kind="department",
            level="county",
            region=tree.tianshan.region,
            acting_user=None,
            credit_code="91350100M000100Y44",
        )
    org = do_create_organization(
        parent=tree.tianshan,
        name="好信用代码",
        kind="department",
        level="county",
        region=tree.tianshan.region,
        acting_user=None,
        credit_code="91350100M000100Y43",
    )
    assert org.credit_code == "91350100M000100Y43"


def test_school_type_and_sponsorship_come_from_the_code_tables(tree):
    with pytest.raises(ValidationError) as excinfo:
        do_create_organization(
            parent=tree.tianshan,
            name="未知类型学校",
            kind="school",
            level="school",
            region=tree.tianshan.region,
            acting_user=None,
            school_code="2165000088",
            school_type="999",
        )
    assert excinfo.value.code == "unknown_code"
    assert not SchoolCode.objects.filter(code="2165000088").exists()
