"""Staff, buildings, assets, finance, school profiles: validation, ownership, lineage (DB-1, DB-5, DB-9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.registry.actions.records import (
    do_create_record,
    do_update_record,
    do_view_staff_personal,
)
from edugov.registry.errors import OwnershipRefused
from edugov.registry.lineage import history
from edugov.registry.models import Asset, Building, ChangeRecord, FinanceRecord, SchoolProfile, StaffMember
from edugov.registry.tests.factories import make_id_number

pytestmark = pytest.mark.django_db

TODAY = dt.datetime.now(tz=dt.UTC).date()
THIS_YEAR = TODAY.year


def staff_values(**overrides):
    birth = overrides.pop("birth_date", dt.date(1985, 6, 1))
    values = {
        "name": "李老师",
        "id_type": "1",
        "id_number": make_id_number(birth, sex="2"),
        "sex": "2",
        "ethnicity": "01",
        "birth_date": birth,
        "nationality": "CHN",
        "staff_number": "T001",
        "post": "1",
        "subject": "01",
        "professional_title": "30",
        "education_level": "21",
        "employed_from": dt.date(2008, 9, 1),
    }
    values.update(overrides)
    return values


def building_values(**overrides):
    values = {
        "code": "B01",
        "name": "教学楼",
        "building_type": "11",
        "floor_area": Decimal("2400.50"),
        "floors": 4,
        "year_built": 2005,
        "structure": "2",
        "use": "教学",
    }
    values.update(overrides)
    return values


def asset_values(**overrides):
    values = {
        "asset_number": "A-0001",
        "name": "投影仪",
        "category": "2",
        "quantity": 10,
        "unit_value": Decimal("3500.00"),
        "location": "教学楼",
        "acquired_on": dt.date(2020, 5, 1),
        "status": "1",
    }
    values.update(overrides)
    return values


def finance_values(**overrides):
    values = {"year": THIS_YEAR - 1, "direction": "income", "category": "11", "amount": Decimal("1200000")}
    values.update(overrides)
    return values


@pytest.fixture
def admin(tree):
    return make_user("school_admin", unit=tree.school_tianshan, role="school_admin")


# --- staff ------------------------------------------------------------------------------------


def test_create_staff_encrypts_id_and_keeps_a_masked_copy(tree, admin):
    values = staff_values()
    staff = do_create_record(StaffMember, tree.school_tianshan, values, acting_user=admin)
    assert staff.id_hash
    assert "*" in staff.id_masked
    assert staff.id_masked.startswith(values["id_number"][:6])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_staffmember WHERE id = %s", [staff.pk])
        (raw,) = cursor.fetchone()
    assert values["id_number"] not in raw
    assert StaffMember.objects.get(pk=staff.pk).id_number == values["id_number"]
    assert staff.created_by == admin
    entry = AuditEntry.objects.get(event_type="registry.record_created")
    assert entry.target_id == str(staff.pk)
    assert [e.action for e in history(staff)] == ["create"]


def test_birth_date_is_taken_from_the_id_number_when_missing(tree, admin):
    values = staff_values()
    birth = values.pop("birth_date")
    staff = do_create_record(StaffMember, tree.school_tianshan, values, acting_user=admin)
    assert staff.birth_date == birth


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sex", "7"),
        ("ethnicity", "99"),
        ("nationality", "XXX"),
        ("id_type", "X"),
        ("post", "99"),
        ("subject", "ZZ"),
        ("professional_title", "99"),
        ("education_level", "10"),  # a category heading, not selectable
    ],
)
def test_staff_coded_fields_are_checked(tree, admin, field, value):
    with pytest.raises(ValidationError) as caught:
        do_create_record(StaffMember, tree.school_tianshan, staff_values(**{field: value}), acting_user=admin)
    assert field in caught.value.message_dict
    assert value in caught.value.message_dict[field][0]
    assert not StaffMember.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"employed_until": dt.date(2000, 1, 1)}, "employed_until"),
        ({"employed_from": dt.date(1980, 1, 1)}, "employed_from"),
        ({"employed_from": TODAY + dt.timedelta(days=30)}, "employed_from"),
        ({"id_number": make_id_number(dt.date(1986, 6, 1), sex="2")}, "birth_date"),
        ({"sex": "1"}, "sex"),
        ({"id_number": "650102198506010000"}, "id_number"),
        ({"id_number": ""}, "id_number"),
        ({"name": "  "}, "name"),
        ({"weekly_lessons": 90}, "weekly_lessons"),
        ({"weekly_lessons": "many"}, "weekly_lessons"),
    ],
)
def test_staff_plausibility(tree, admin, overrides, field):
    with pytest.raises(ValidationError) as caught:
        do_create_record(StaffMember, tree.school_tianshan, staff_values(**overrides), acting_user=admin)
    assert field in caught.value.message_dict


def test_same_person_twice_at_one_unit_is_refused(tree, admin):
    values = staff_values()
    do_create_record(StaffMember, tree.school_tianshan, values, acting_user=admin)
    with pytest.raises(ValidationError) as caught:
        do_create_record(StaffMember, tree.school_tianshan, dict(values), acting_user=admin)
    assert "id_number" in caught.value.message_dict
    assert StaffMember.objects.count() == 1


def test_update_staff_records_masked_lineage(tree, admin):
    staff = do_create_record(StaffMember, tree.school_tianshan, staff_values(), acting_user=admin)
    new_number = make_id_number(dt.date(1985, 6, 1), sex="2")
    changes = do_update_record(
        staff, {"professional_title": "20", "id_number": new_number}, acting_user=admin
    )
    assert changes["professional_title"] == ["30", "20"]
    assert new_number not in str(changes["id_number"])
    staff.refresh_from_db()
    assert staff.id_number == new_number
    assert staff.id_masked.startswith(new_number[:6])
    record = ChangeRecord.objects.get(record_id=staff.pk, record_type="registry.staffmember")
    assert record.acting_user == admin
    assert record.action == "update"
    assert new_number not in str(record.changes)
    assert [e.action for e in history(staff)] == ["update", "create"]
    assert AuditEntry.objects.filter(event_type="registry.record_changed").count() == 1
    assert do_update_record(staff, {"professional_title": "20"}, acting_user=admin) == {}


def test_staff_full_view_needs_grant_and_is_audited(tree, admin):
    staff = do_create_record(StaffMember, tree.school_tianshan, staff_values(), acting_user=admin)
    teacher = make_user("teacher", unit=tree.school_tianshan, role="teacher")
    with pytest.raises(PermissionDenied):
        do_view_staff_personal(staff, acting_user=teacher)
    assert not AuditEntry.objects.filter(event_type="privacy.full_view").exists()
    data = do_view_staff_personal(staff, acting_user=admin)
    assert data["id_number"] == staff.id_number
    entry = AuditEntry.objects.get(event_type="privacy.full_view")
    assert entry.acting_user == admin
    assert entry.target_id == str(staff.pk)


def test_create_needs_a_grant_on_the_unit(tree, admin):
    with pytest.raises(PermissionDenied):
        do_create_record(StaffMember, tree.school_kashi, staff_values(), acting_user=admin)
    county = make_user("county_viewer", unit=tree.tianshan, role="bureau_leader")
    with pytest.raises(PermissionDenied):
        do_create_record(Building, tree.school_tianshan, building_values(), acting_user=county)
    assert not StaffMember.objects.exists()
    assert not Building.objects.exists()


# --- buildings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("building_type", "10"), ("building_type", "99"), ("structure", "8"), ("safety_rating", "E")],
)
def test_building_coded_fields_are_checked(tree, field, value):
    # The system (no acting user) may set the safety rating, so only the code is at stake.
    with pytest.raises(ValidationError) as caught:
        do_create_record(Building, tree.school_tianshan, building_values(**{field: value}), acting_user=None)
    assert field in caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("year_built", THIS_YEAR + 1),
        ("year_built", 1799),
        ("year_built", None),
        ("floor_area", Decimal("0")),
        ("floor_area", Decimal("-5")),
        ("floor_area", "abc"),
        ("floors", 0),
        ("code", ""),
        ("name", ""),
    ],
)
def test_building_plausibility(tree, admin, field, value):
    with pytest.raises(ValidationError) as caught:
        do_create_record(Building, tree.school_tianshan, building_values(**{field: value}), acting_user=admin)
    assert field in caught.value.message_dict
    assert not Building.objects.exists()


def test_building_accepts_text_from_imports(tree, admin):
    building = do_create_record(
        Building,
        tree.school_tianshan,
        building_values(floor_area="1,200.5", year_built="1998", floors="3"),
        acting_user=admin,
    )
    assert building.floor_area == Decimal("1200.5")
    assert building.year_built == 1998
    assert building.floors == 3


def test_duplicate_building_number_is_refused(tree, admin):
    do_create_record(Building, tree.school_tianshan, building_values(), acting_user=admin)
    with pytest.raises(ValidationError) as caught:
        do_create_record(Building, tree.school_tianshan, building_values(), acting_user=admin)
    assert "code" in caught.value.message_dict
    # Another unit may use the same number.
    do_create_record(Building, tree.school_kashi, building_values(), acting_user=None)


def test_safety_rating_is_owned_by_the_county_bureau(tree, admin):
    building = do_create_record(Building, tree.school_tianshan, building_values(), acting_user=admin)
    with pytest.raises(OwnershipRefused) as caught:
        do_update_record(building, {"safety_rating": "A"}, acting_user=admin)
    assert "天山区教育局" in caught.value.message
    assert Building.objects.get(pk=building.pk).safety_rating == ""
    refusal = AuditEntry.objects.get(event_type="registry.ownership_refused")
    assert refusal.success is False
    # Nor can a school set it when recording a new building.
    with pytest.raises(OwnershipRefused):
        do_create_record(
            Building, tree.school_tianshan, building_values(code="B02", safety_rating="C"), acting_user=admin
        )
    county = make_user("county_safety", unit=tree.tianshan, role="bureau_staff")
    changes = do_update_record(
        building, {"safety_rating": "C", "safety_assessed_on": dt.date(2024, 4, 1)}, acting_user=county
    )
    assert changes["safety_rating"] == ["", "C"]
    assert Building.objects.get(pk=building.pk).safety_rating == "C"
    assert history(building)[0].acting_user == county
    # The county owns the rating, not the building's facts.
    with pytest.raises(OwnershipRefused):
        do_update_record(building, {"name": "新教学楼"}, acting_user=county)
    # A bureau of another county owns nothing here.
    other = make_user("other_county", unit=tree.kashi_city, role="bureau_staff")
    with pytest.raises(OwnershipRefused):
        do_update_record(building, {"safety_rating": "A"}, acting_user=other)
    assert Building.objects.get(pk=building.pk).safety_rating == "C"


def test_school_edits_building_facts_with_lineage(tree, admin):
    building = do_create_record(Building, tree.school_tianshan, building_values(), acting_user=admin)
    changes = do_update_record(building, {"floor_area": "2500", "use": "教学及办公"}, acting_user=admin)
    assert changes == {"floor_area": ["2400.50", "2500"], "use": ["教学", "教学及办公"]}
    entry = history(building)[0]
    assert entry.action == "update"
    assert entry.changes["use"] == ["教学", "教学及办公"]


# --- assets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("category", "9"), ("status", "9")])
def test_asset_coded_fields_are_checked(tree, admin, field, value):
    with pytest.raises(ValidationError) as caught:
        do_create_record(Asset, tree.school_tianshan, asset_values(**{field: value}), acting_user=admin)
    assert field in caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quantity", 0),
        ("quantity", "1.5"),
        ("unit_value", Decimal("-1")),
        ("unit_value", None),
        ("acquired_on", TODAY + dt.timedelta(days=2)),
        ("acquired_on", "2020-13-01"),
        ("asset_number", ""),
    ],
)
def test_asset_plausibility(tree, admin, field, value):
    with pytest.raises(ValidationError) as caught:
        do_create_record(Asset, tree.school_tianshan, asset_values(**{field: value}), acting_user=admin)
    assert field in caught.value.message_dict


def test_asset_building_must_belong_to_the_unit(tree, admin):
    ours = do_create_record(Building, tree.school_tianshan, building_values(), acting_user=admin)
    theirs = do_create_record(Building, tree.school_kashi, building_values(), acting_user=None)
    with pytest.raises(ValidationError) as caught:
        do_create_record(Asset, tree.school_tianshan, asset_values(building=theirs), acting_user=admin)
    assert "building" in caught.value.message_dict
    asset = do_create_record(Asset, tree.school_tianshan, asset_values(building="B01"), acting_user=admin)
    assert asset.building == ours
    assert asset.total_value == Decimal("35000.00")
    changes = do_update_record(asset, {"status": "4", "building": None}, acting_user=admin)
    assert changes == {"status": ["1", "4"], "building": [ours.pk, None]}


# --- finance ----------------------------------------------------------------------------------


def test_finance_category_is_checked_against_the_direction_table(tree, admin):
    do_create_record(FinanceRecord, tree.school_tianshan, finance_values(), acting_user=admin)
    with pytest.raises(ValidationError) as caught:
        do_create_record(
            FinanceRecord,
            tree.school_tianshan,
            finance_values(direction="expenditure", category="99"),
            acting_user=admin,
        )
    assert "category" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        do_create_record(
            FinanceRecord, tree.school_tianshan, finance_values(direction="x"), acting_user=admin
        )
    assert "direction" in caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"), [("amount", Decimal("-1")), ("year", 1900), ("year", THIS_YEAR + 5), ("amount", None)]
)
def test_finance_plausibility(tree, admin, field, value):
    with pytest.raises(ValidationError) as caught:
        do_create_record(
            FinanceRecord, tree.school_tianshan, finance_values(**{field: value}), acting_user=admin
        )
    assert field in caught.value.message_dict


def test_finance_one_amount_per_year_and_category(tree, admin):
    record = do_create_record(FinanceRecord, tree.school_tianshan, finance_values(), acting_user=admin)
    with pytest.raises(ValidationError):
        do_create_record(FinanceRecord, tree.school_tianshan, finance_values(), acting_user=admin)
    changes = do_update_record(record, {"amount": "1300000.00"}, acting_user=admin)
    assert changes == {"amount": ["1200000", "1300000.00"]}
    assert FinanceRecord.objects.get().amount == Decimal("1300000")


# --- school profile ---------------------------------------------------------------------------


def test_school_profile_checks_stages_and_grades(tree, admin):
    values = {"address": "天山区新华路 1 号", "founding_year": 1952, "stages": ["2"], "grades": ["12", "11"]}
    profile = do_create_record(SchoolProfile, tree.school_tianshan, values, acting_user=admin)
    assert profile.grades == ["11", "12"]
    with pytest.raises(ValidationError) as caught:
        do_update_record(profile, {"grades": ["11", "21"]}, acting_user=admin)
    assert "grades" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        do_update_record(profile, {"stages": ["2", "X"]}, acting_user=admin)
    assert "stages" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        do_update_record(profile, {"founding_year": THIS_YEAR + 1, "postal_code": "83"}, acting_user=admin)
    assert set(caught.value.message_dict) == {"founding_year", "postal_code"}
    changes = do_update_record(
        profile, {"stages": "2,3", "grades": ["11", "21"], "boarding": "partial"}, acting_user=admin
    )
    assert changes["grades"] == [["11", "12"], ["11", "21"]]
    assert history(profile)[0].changes["boarding"] == ["none", "partial"]
    # The address is personal-adjacent (sensitive): recorded masked in the lineage.
    do_update_record(profile, {"address": "天山区新华路 99 号"}, acting_user=admin)
    assert "新华路 99 号" not in str(history(profile)[0].changes)


def test_school_profile_only_for_schools_and_once(tree):
    with pytest.raises(ValidationError):
        do_create_record(SchoolProfile, tree.tianshan, {}, acting_user=None)
    do_create_record(SchoolProfile, tree.school_tianshan, {}, acting_user=None)
    with pytest.raises(ValidationError):
        do_create_record(SchoolProfile, tree.school_tianshan, {}, acting_user=None)
    registrar = make_user("registrar", unit=tree.school_tianshan, role="registrar")
    with pytest.raises(PermissionDenied):
        do_update_record(SchoolProfile.objects.get(), {"boarding": "full"}, acting_user=registrar)
