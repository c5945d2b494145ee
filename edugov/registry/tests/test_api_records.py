"""Staff, buildings, assets, finance and school profiles over the API: scoping and writes."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from edugov.platform.testing.fixtures import make_user
from edugov.registry.models import Asset, Building, FinanceRecord, SchoolProfile, StaffMember, Transfer
from edugov.registry.tests.factories import enrol, make_id_number
from edugov.registry.tests.test_api_base import READ, WRITE, token_client

pytestmark = pytest.mark.django_db

_seq = itertools.count(1)


def make_records(tree: Any, n: int, unit: Any = None) -> None:
    """``n`` of every kind of record at ``unit`` (the Tianshan school by default), made directly."""
    from edugov.registry.identity import normalise_document

    unit = unit or tree.school_tianshan
    SchoolProfile.objects.get_or_create(organization=unit, defaults={"address": "解放北路 1 号"})
    for _ in range(n):
        i = next(_seq)
        identity = normalise_document("1", make_id_number(dt.date(1985, 5, 5), region="650102"))
        StaffMember.objects.create(
            organization=unit,
            name=f"教师{i}",
            id_number=identity.number,
            id_hash=identity.hash,
            id_masked=identity.masked,
            sex="1",
            birth_date=dt.date(1985, 5, 5),
            post="11",
            employed_from=dt.date(2010, 9, 1),
        )
        building = Building.objects.create(
            organization=unit,
            code=f"B{i}",
            name=f"教学楼{i}",
            building_type="11",
            floor_area=Decimal("1200.50"),
            year_built=2005,
            structure="1",
        )
        Asset.objects.create(
            organization=unit,
            asset_number=f"A{i}",
            name=f"投影仪{i}",
            category="20",
            unit_value=Decimal("3000"),
            building=building,
            acquired_on=dt.date(2020, 1, 1),
        )
        FinanceRecord.objects.create(
            organization=unit, year=2000 + i % 30, direction="income", category=f"{i % 90 + 10}", amount=100
        )
        enrolment = enrol(unit)
        Transfer.objects.create(
            student=enrolment.student,
            from_enrolment=enrolment,
            from_school=unit,
            to_school=tree.school_kashi,
            grade="16",
            reason="随父母迁居",
            applied_by=make_user(f"applicant{i}"),
        )


RECORD_ENDPOINTS = {
    "/api/registry/staff/": StaffMember,
    "/api/registry/buildings/": Building,
    "/api/registry/assets/": Asset,
    "/api/registry/finance/": FinanceRecord,
    "/api/registry/schools/": SchoolProfile,
}


@pytest.mark.parametrize("url", list(RECORD_ENDPOINTS))
def test_four_callers_see_only_their_units_records(tree, url):
    model = RECORD_ENDPOINTS[url]
    make_records(tree, 2)
    record = model.objects.get(pk=model.objects.values_list("pk", flat=True).first())
    detail = f"{url}{record.pk}/"

    anonymous = token_client()
    assert anonymous.get(url).status_code == 401
    assert anonymous.get(detail).status_code == 401

    no_grant = token_client(make_user("nobody", unit=tree.school_tianshan), READ)
    assert no_grant.get(url).json()["results"] == []
    assert no_grant.get(detail).status_code == 404

    other = token_client(make_user("other", unit=tree.school_kashi, role="school_admin"), READ)
    assert other.get(url).json()["results"] == []
    assert other.get(detail).status_code == 404

    mine = token_client(make_user("mine", unit=tree.school_tianshan, role="school_admin"), READ)
    rows = mine.get(url).json()["results"]
    assert len(rows) == model.objects.count()
    body = mine.get(detail).json()
    assert body["id"] == record.pk
    assert body["organization"]["id"] == tree.school_tianshan.pk


def test_county_bureau_sees_its_schools_records_and_filters_by_unit(tree):
    make_records(tree, 2)
    make_records(tree, 1, unit=tree.school_shayibake)
    county = token_client(make_user("county", unit=tree.tianshan, role="bureau_staff"), READ)
    rows = county.get("/api/registry/buildings/").json()["results"]
    assert {row["organization"]["id"] for row in rows} == {tree.school_tianshan.pk}
    city = token_client(make_user("city", unit=tree.urumqi, role="bureau_staff"), READ)
    all_rows = city.get("/api/registry/buildings/").json()["results"]
    assert len(all_rows) == 3
    only = city.get("/api/registry/buildings/", {"unit": tree.school_shayibake.pk}).json()["results"]
    assert [row["organization"]["id"] for row in only] == [tree.school_shayibake.pk]
    assert city.get("/api/registry/finance/", {"year": "abc"}).status_code == 400


def test_staff_identity_is_masked(tree):
    make_records(tree, 1)
    staff = StaffMember.objects.get()
    admin = token_client(make_user("mine", unit=tree.school_tianshan, role="school_admin"), READ)
    body = admin.get(f"/api/registry/staff/{staff.pk}/").json()
    assert "id_number" not in body
    assert "*" in body["id_masked"]
    assert staff.id_number not in str(body)


def test_updated_since_filters_records(tree):
    make_records(tree, 2)
    admin = token_client(make_user("mine", unit=tree.school_tianshan, role="school_admin"), READ)
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert admin.get("/api/registry/assets/", {"updated_since": future}).json()["results"] == []
    assert len(admin.get("/api/registry/assets/", {"updated_since": "2000-01-01"}).json()["results"]) == 2
    assert admin.get("/api/registry/assets/", {"updated_since": "yesterday"}).status_code == 400


def test_write_scope_and_grant_are_both_needed_to_change_a_record(tree):
    make_records(tree, 1)
    building = Building.objects.get()
    url = f"/api/registry/buildings/{building.pk}/"
    admin = make_user("mine", unit=tree.school_tianshan, role="school_admin")
    assert token_client(admin, READ).patch(url, {"use": "食堂"}, format="json").status_code == 403
    other = make_user("other", unit=tree.school_kashi, role="school_admin")
    assert token_client(other, READ, WRITE).patch(url, {"use": "食堂"}, format="json").status_code == 404
    building.refresh_from_db()
    assert building.use == ""


# --- writes -----------------------------------------------------------------------------------

BUILDING = {
    "code": "B01",
    "name": "教学楼",
    "building_type": "11",
    "floor_area": "2400.50",
    "floors": 4,
    "year_built": 2005,
    "structure": "2",
    "use": "教学",
}


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_create_building_through_the_api_records_the_source(tree):
    admin = make_user("admin", unit=tree.school_tianshan, role="school_admin")
    client = token_client(admin, READ, WRITE)
    response = client.post(
        "/api/registry/buildings/", {"unit": tree.school_tianshan.pk, **BUILDING}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == f"/api/registry/buildings/{body['id']}/"
    assert body["organization"]["id"] == tree.school_tianshan.pk
    assert body["floor_area"] == "2400.50"
    building = Building.objects.get()
    assert building.created_source == "api"
    assert building.created_ref.startswith("oauth-token:")


def test_create_four_callers(tree):
    body = {"unit": tree.school_tianshan.pk, **BUILDING}
    assert token_client().post("/api/registry/buildings/", body, format="json").status_code == 401
    for user in (
        make_user("nobody", unit=tree.school_tianshan),
        make_user("other", unit=tree.school_kashi, role="school_admin"),
        make_user("viewer", unit=tree.school_tianshan, role="registrar"),
    ):
        response = token_client(user, READ, WRITE).post("/api/registry/buildings/", body, format="json")
        assert response.status_code == 400
        assert "unit" in response.json()
    admin = make_user("admin", unit=tree.school_tianshan, role="school_admin")
    assert token_client(admin, READ).post("/api/registry/buildings/", body, format="json").status_code == 403
    assert not Building.objects.exists()


def test_invalid_records_give_every_field_error_in_chinese(tree):
    admin = make_user("admin", unit=tree.school_tianshan, role="school_admin")
    client = token_client(admin, READ, WRITE)
    body = {"unit": tree.school_tianshan.pk, **BUILDING, "building_type": "99", "structure": "8"}
    response = client.post("/api/registry/buildings/", body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert {"building_type", "structure"} <= set(errors)
    assert _has_chinese(errors["building_type"][0])
    missing = client.post("/api/registry/assets/", {"unit": tree.school_tianshan.pk}, format="json")
    assert missing.status_code == 400
    assert {"asset_number", "name", "category", "unit_value", "acquired_on"} <= set(missing.json())
    assert client.post("/api/registry/buildings/", {**BUILDING}, format="json").status_code == 400
    assert not Building.objects.exists()


def test_asset_names_its_building_by_number_and_finance_and_profile_are_created(tree):
    admin = make_user("admin", unit=tree.school_tianshan, role="school_admin")
    client = token_client(admin, READ, WRITE)
    unit = tree.school_tianshan.pk
    assert (
        client.post("/api/registry/buildings/", {"unit": unit, **BUILDING}, format="json").status_code == 201
    )
    asset = client.post(
        "/api/registry/assets/",
        {
            "unit": unit,
            "asset_number": "A-1",
            "name": "投影仪",
            "category": "2",
            "quantity": 10,
            "unit_value": "3500.00",
            "acquired_on": "2020-05-01",
            "building": "B01",
        },
        format="json",
    )
    assert asset.status_code == 201, asset.content
    assert asset.json()["building"] == "B01"
    finance = client.post(
        "/api/registry/finance/",
        {"unit": unit, "year": 2024, "direction": "income", "category": "11", "amount": "1200000"},
        format="json",
    )
    assert finance.status_code == 201, finance.content
    duplicate = client.post(
        "/api/registry/finance/",
        {"unit": unit, "year": 2024, "direction": "income", "category": "11", "amount": "5"},
        format="json",
    )
    assert duplicate.status_code == 400
    profile = client.post(
        "/api/registry/schools/", {"unit": unit, "address": "解放北路 1 号", "stages": ["2"]}, format="json"
    )
    assert profile.status_code == 201, profile.content
    assert profile.json()["id"] == unit
    changed = client.patch(f"/api/registry/schools/{unit}/", {"boarding": "partial"}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["boarding"] == "partial"


def test_patch_records_lineage_and_refuses_the_county_s_fields(tree):
    from edugov.registry.models import ChangeRecord

    make_records(tree, 1)
    building = Building.objects.get()
    url = f"/api/registry/buildings/{building.pk}/"
    admin = token_client(make_user("admin", unit=tree.school_tianshan, role="school_admin"), READ, WRITE)
    response = admin.patch(url, {"use": "食堂"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["use"] == "食堂"
    change = ChangeRecord.objects.get(record_type="registry.building", record_id=building.pk)
    assert change.source == "api"
    # 一数一源: the safety rating is the county bureau's.
    refused = admin.patch(url, {"safety_rating": "A"}, format="json")
    assert refused.status_code == 403
    assert tree.tianshan.name in refused.json()["detail"]
    county = token_client(make_user("county", unit=tree.tianshan, role="bureau_staff"), READ, WRITE)
    assert county.patch(url, {"safety_rating": "A"}, format="json").status_code == 200
    assert county.patch(url, {"use": "仓库"}, format="json").status_code == 403
    building.refresh_from_db()
    assert (building.use, building.safety_rating) == ("食堂", "A")
    assert admin.patch(url, {}, format="json").status_code == 400


def test_staff_full_view_needs_the_personal_grant_and_is_audited(tree):
    from edugov.core.models import AuditEntry

    make_records(tree, 1)
    staff = StaffMember.objects.get()
    url = f"/api/registry/staff/{staff.pk}/"
    county = token_client(make_user("county", unit=tree.tianshan, role="bureau_staff"), READ)
    assert county.get(url, {"full": "1"}).json()["personal"] is None
    assert not AuditEntry.objects.filter(event_type="privacy.full_view").exists()
    admin_user = make_user("admin", unit=tree.school_tianshan, role="school_admin")
    full = token_client(admin_user, READ).get(url, {"full": "1"}).json()
    assert full["personal"]["id_number"] == staff.id_number
    assert AuditEntry.objects.get(event_type="privacy.full_view").acting_user == admin_user
