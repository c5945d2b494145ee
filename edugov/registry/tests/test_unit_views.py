"""Staff, building, asset, finance and school-profile pages: the four-caller matrix (STYLE 3.3).

anonymous → sign-in page; no grant → 404; grant on another unit → 404 for a record and
nothing of this unit in lists and exports; grant on this unit → the data.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.registry.actions.records import do_create_record
from edugov.registry.models import Asset, Building, FinanceRecord, SchoolProfile, StaffMember
from edugov.registry.tests.test_records_actions import (
    asset_values,
    building_values,
    finance_values,
    staff_values,
)

pytestmark = pytest.mark.django_db

YEAR = dt.datetime.now(tz=dt.UTC).year - 1


@pytest.fixture
def records(tree):
    school = tree.school_tianshan
    staff = do_create_record(StaffMember, school, staff_values(name="王守仁"), acting_user=None)
    building = do_create_record(Building, school, building_values(name="逸夫楼"), acting_user=None)
    asset = do_create_record(Asset, school, asset_values(name="三角钢琴"), acting_user=None)
    finance = do_create_record(
        FinanceRecord, school, finance_values(year=YEAR, note="天山一小拨款"), acting_user=None
    )
    profile = do_create_record(
        SchoolProfile,
        school,
        {"address": "天山区新华路 1 号", "area_served": "新华路片区", "stages": ["2"], "grades": ["11"]},
        acting_user=None,
    )
    return {"staff": staff, "building": building, "asset": asset, "finance": finance, "school": profile}


# area: (list, detail, edit, export, text that only this unit's record shows)
AREAS = {
    "staff": (
        "registry:staff_list",
        "registry:staff_detail",
        "registry:staff_edit",
        "registry:staff_export",
        "王守仁",
    ),
    "building": (
        "registry:building_list",
        "registry:building_detail",
        "registry:building_edit",
        "registry:building_export",
        "逸夫楼",
    ),
    "asset": (
        "registry:asset_list",
        "registry:asset_detail",
        "registry:asset_edit",
        "registry:asset_export",
        "三角钢琴",
    ),
    "finance": (
        "registry:finance_list",
        "registry:finance_detail",
        None,
        "registry:finance_export",
        "天山一小拨款",
    ),
    "school": (
        "registry:school_list",
        "registry:school_profile",
        "registry:school_profile_edit",
        None,
        "新华路片区",
    ),
}
# What the list shows of this unit's record, where it differs from the record page.
LIST_TEXT = {"finance": "天山区第一小学", "school": "天山区第一小学"}


def _detail_url(area, records, which=1):
    return reverse(AREAS[area][which], args=[records[area].pk])


def _edit_url(area, records):
    if area == "finance":
        return reverse("registry:finance_edit", args=[records["finance"].organization_id, YEAR])
    return _detail_url(area, records, 2)


def _xlsx_rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _record_urls(area, records):
    return [_detail_url(area, records), _edit_url(area, records)]


def _collection_urls(area):
    return [reverse(name) for name in (AREAS[area][0], AREAS[area][3]) if name]


# --- anonymous and no grant ------------------------------------------------------------------


@pytest.mark.parametrize("area", AREAS)
def test_anonymous_is_sent_to_sign_in(client, records, area):
    for url in [*_record_urls(area, records), *_collection_urls(area)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("area", AREAS)
def test_user_without_grant_gets_not_found(client, tree, records, no_mfa, area):
    client.force_login(make_user("plain", unit=tree.school_tianshan))
    for url in [*_record_urls(area, records), *_collection_urls(area)]:
        assert client.get(url).status_code == 404, url


# --- grant on another unit -------------------------------------------------------------------


@pytest.mark.parametrize("area", AREAS)
def test_grant_on_another_unit_sees_nothing_of_this_one(client, tree, records, no_mfa, area):
    client.force_login(make_user("kashi_admin", unit=tree.school_kashi, role="school_admin"))
    text = AREAS[area][4]
    for url in _record_urls(area, records):
        response = client.get(url)
        assert response.status_code == 404, url
        assert text not in response.content.decode()
    listing = client.get(reverse(AREAS[area][0]))
    assert listing.status_code == 200
    assert LIST_TEXT.get(area, text) not in listing.content.decode()
    if AREAS[area][3]:
        rows = _xlsx_rows(client.get(reverse(AREAS[area][3])))
        assert len(rows) == 1  # the header only
        assert text not in str(rows)


@pytest.mark.parametrize("area", ["staff", "building", "asset", "school"])
def test_edit_by_another_unit_changes_nothing(client, tree, records, no_mfa, area):
    client.force_login(make_user("kashi_admin", unit=tree.school_kashi, role="school_admin"))
    response = client.post(_edit_url(area, records), {"name": "改掉", "address": "改掉", "code": "X"})
    assert response.status_code == 404
    record = type(records[area]).objects.get(pk=records[area].pk)
    assert "改掉" not in str([getattr(record, f, "") for f in ("name", "address")])


def test_finance_year_by_another_unit_changes_nothing(client, tree, records, no_mfa):
    client.force_login(make_user("kashi_admin", unit=tree.school_kashi, role="school_admin"))
    response = client.post(_edit_url("finance", records), {"income_11": "1"})
    assert response.status_code == 404
    assert FinanceRecord.objects.get().amount == Decimal("1200000")


# --- grant on this unit (or above) -----------------------------------------------------------


@pytest.mark.parametrize("unit", ["school_tianshan", "tianshan", "province"])
@pytest.mark.parametrize("area", AREAS)
def test_grant_on_this_unit_or_above_sees_the_data(client, tree, records, no_mfa, area, unit):
    role = "school_admin" if unit == "school_tianshan" else "bureau_staff"
    client.force_login(make_user("holder", unit=getattr(tree, unit), role=role))
    text = AREAS[area][4]
    listing = client.get(reverse(AREAS[area][0]))
    assert listing.status_code == 200
    assert LIST_TEXT.get(area, text) in listing.content.decode()
    detail = client.get(_detail_url(area, records))
    assert detail.status_code == 200
    assert text in detail.content.decode()
    assert 'data-testid="history"' in detail.content.decode()
    if AREAS[area][3]:
        rows = _xlsx_rows(client.get(reverse(AREAS[area][3])))
        assert len(rows) == 2
        assert text in str(rows) or area == "finance"


@pytest.mark.parametrize("area", AREAS)
def test_school_admin_opens_the_edit_page(client, tree, records, no_mfa, area):
    client.force_login(make_user("holder", unit=tree.school_tianshan, role="school_admin"))
    assert client.get(_edit_url(area, records)).status_code == 200


def test_bureau_viewer_cannot_edit(client, tree, records, no_mfa):
    client.force_login(make_user("leader", unit=tree.tianshan, role="bureau_leader"))
    for area in ("staff", "asset", "school", "finance"):
        assert client.get(_edit_url(area, records)).status_code == 404, area
    assert client.get(reverse("registry:staff_add")).status_code == 404
    assert client.get(reverse("registry:staff_export")).status_code == 404


# --- staff privacy ---------------------------------------------------------------------------


def test_staff_id_is_masked_in_list_detail_and_export(client, tree, records, no_mfa):
    staff = records["staff"]
    client.force_login(make_user("holder", unit=tree.school_tianshan, role="school_admin"))
    for url in (reverse("registry:staff_list"), _detail_url("staff", records)):
        body = client.get(url).content.decode()
        assert staff.id_masked in body
        assert staff.id_number not in body
    rows = _xlsx_rows(client.get(reverse("registry:staff_export")))
    assert staff.id_masked in rows[1]
    assert staff.id_number not in str(rows)
    entry = AuditEntry.objects.get(event_type="registry.exported")
    assert entry.extra_data["unmasked"] is False
    assert not AuditEntry.objects.filter(event_type="privacy.full_view").exists()


def test_staff_full_view_is_audited(client, tree, records, no_mfa):
    staff = records["staff"]
    url = reverse("registry:staff_personal", args=[staff.pk])
    client.force_login(make_user("county", unit=tree.tianshan, role="bureau_staff"))
    assert client.post(url).status_code == 404  # the county may view staff, not their personal data
    admin = make_user("holder", unit=tree.school_tianshan, role="school_admin")
    client.force_login(admin)
    body = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert staff.id_number in body
    entry = AuditEntry.objects.get(event_type="privacy.full_view")
    assert entry.acting_user == admin
    assert entry.target_id == str(staff.pk)


def test_staff_export_in_full_only_where_the_grant_allows(client, tree, records, no_mfa):
    staff = records["staff"]
    other = do_create_record(StaffMember, tree.school_kashi, staff_values(name="喀什老师"), acting_user=None)
    user = make_user("holder", unit=tree.school_tianshan, role="school_admin")
    from edugov.core.models import Grant, Role

    Grant.objects.create(user=user, role=Role.objects.get(code="bureau_staff"), organization=tree.kashi_city)
    client.force_login(user)
    rows = _xlsx_rows(client.get(reverse("registry:staff_export") + "?personal=1"))
    text = str(rows)
    assert staff.id_number in text
    assert other.id_number not in text
    assert other.id_masked in text
    assert AuditEntry.objects.get(event_type="registry.exported").extra_data["unmasked"] is True


def test_staff_search_by_id_number_and_filters(client, tree, records, no_mfa):
    staff = records["staff"]
    client.force_login(make_user("holder", unit=tree.tianshan, role="bureau_staff"))
    body = client.get(reverse("registry:staff_list"), {"q": staff.id_number}).content.decode()
    assert "王守仁" in body
    body = client.get(reverse("registry:staff_list"), {"kind": "2"}).content.decode()
    assert "王守仁" not in body
    body = client.get(reverse("registry:staff_list"), {"unit": tree.school_tianshan.pk}).content.decode()
    assert "王守仁" in body
    make_user("shayibake_holder", unit=tree.shayibake, role="school_admin")
    wide = make_user("wide", unit=tree.urumqi, role="bureau_staff")
    client.force_login(wide)
    body = client.get(reverse("registry:staff_list"), {"unit": tree.shayibake.pk}).content.decode()
    assert "王守仁" not in body
    client.force_login(make_user("holder2", unit=tree.tianshan, role="bureau_staff"))
    body = client.get(reverse("registry:staff_list"), {"unit": tree.tianshan.pk, "status": "current"}).content
    assert "王守仁" in body.decode()
    # A unit outside the scope is ignored, not an error, and shows nothing of it.
    response = client.get(reverse("registry:staff_list"), {"unit": tree.kashi_city.pk, "year": "abc"})
    assert response.status_code == 200


# --- forms -----------------------------------------------------------------------------------


def test_add_and_edit_staff_through_the_forms(client, tree, no_mfa):
    admin = make_user("holder", unit=tree.school_tianshan, role="school_admin")
    client.force_login(admin)
    values = staff_values(name="新老师")
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}
    data["unit"] = tree.school_tianshan.pk
    response = client.post(reverse("registry:staff_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    staff = StaffMember.objects.get(name="新老师")
    assert staff.id_number == values["id_number"]
    edit = client.get(reverse("registry:staff_edit", args=[staff.pk])).content.decode()
    assert values["id_number"] not in edit
    data.pop("unit")
    data.update(id_number="", professional_title="20", post="99")
    response = client.post(reverse("registry:staff_edit", args=[staff.pk]), data)
    assert response.status_code == 200
    assert "99" in response.content.decode()  # the action's message names the bad code
    data["post"] = "1"
    assert client.post(reverse("registry:staff_edit", args=[staff.pk]), data).status_code == 302
    staff.refresh_from_db()
    assert staff.professional_title == "20"
    assert staff.id_number == values["id_number"]
    detail = client.get(reverse("registry:staff_detail", args=[staff.pk])).content.decode()
    assert detail.count('data-testid="history-entry"') == 2


def test_building_rating_by_the_county_and_facts_by_the_school(client, tree, records, no_mfa):
    building = records["building"]
    url = reverse("registry:building_edit", args=[building.pk])
    data = building_values(name="逸夫楼")
    client.force_login(make_user("holder", unit=tree.school_tianshan, role="school_admin"))
    # The school's form keeps the rating closed: a posted rating is ignored.
    assert client.post(url, {**data, "safety_rating": "A"}).status_code == 302
    assert Building.objects.get(pk=building.pk).safety_rating == ""
    client.force_login(make_user("county", unit=tree.tianshan, role="bureau_staff"))
    page = client.get(url).content.decode()
    assert 'name="name"' in page
    assert "disabled" in page
    response = client.post(url, {"safety_rating": "C", "safety_assessed_on": "2024-04-01", "name": "改掉"})
    assert response.status_code == 302
    building.refresh_from_db()
    assert (building.safety_rating, building.name) == ("C", "逸夫楼")
    detail = client.get(reverse("registry:building_detail", args=[building.pk])).content.decode()
    assert "alert-danger" in detail
    # Another county's bureau cannot rate it.
    client.force_login(make_user("kashi_county", unit=tree.kashi_city, role="bureau_staff"))
    assert client.get(url).status_code == 404


def test_add_building_and_asset_through_the_forms(client, tree, no_mfa):
    client.force_login(make_user("holder", unit=tree.school_tianshan, role="school_admin"))
    data = {**building_values(), "unit": tree.school_tianshan.pk, "year_built": 2999}
    response = client.post(reverse("registry:building_add"), data)
    assert response.status_code == 200
    assert not Building.objects.exists()
    data["year_built"] = 2001
    assert client.post(reverse("registry:building_add"), data).status_code == 302
    building = Building.objects.get()
    asset = {**asset_values(), "unit": tree.school_tianshan.pk, "building": building.pk}
    asset["acquired_on"] = asset["acquired_on"].isoformat()
    assert client.post(reverse("registry:asset_add"), asset).status_code == 302
    assert Asset.objects.get().building == building


def test_finance_year_page_creates_and_updates_amounts(client, tree, records, no_mfa):
    client.force_login(make_user("holder", unit=tree.school_tianshan, role="school_admin"))
    url = _edit_url("finance", records)
    page = client.get(url).content.decode()
    assert 'value="1200000' in page
    response = client.post(url, {"income_11": "1300000", "expenditure_11": "800000.50"})
    assert response.status_code == 302
    amounts = {(r.direction, r.category): r.amount for r in FinanceRecord.objects.all()}
    assert amounts == {("income", "11"): Decimal("1300000"), ("expenditure", "11"): Decimal("800000.50")}
    body = client.get(reverse("registry:finance_list"), {"year": YEAR}).content.decode()
    assert "finance-summary" in body
    detail = client.get(_detail_url("finance", records)).content.decode()
    assert detail.count('data-testid="history-entry"') == 2


def test_school_profile_is_created_then_edited(client, tree, no_mfa):
    client.force_login(make_user("holder", unit=tree.school_tianshan, role="school_admin"))
    url = reverse("registry:school_profile", args=[tree.school_tianshan.pk])
    assert 'data-testid="no-profile"' in client.get(url).content.decode()
    edit = reverse("registry:school_profile_edit", args=[tree.school_tianshan.pk])
    data = {"stages": ["2"], "grades": ["11", "21"], "boarding": "none", "founding_year": "1952"}
    response = client.post(edit, data)
    assert response.status_code == 200  # grade 21 is not a primary grade
    assert not SchoolProfile.objects.exists()
    data["grades"] = ["11", "12"]
    assert client.post(edit, data).status_code == 302
    assert SchoolProfile.objects.get().grades == ["11", "12"]
    assert client.post(edit, {**data, "boarding": "full"}).status_code == 302
    body = client.get(url).content.decode()
    assert body.count('data-testid="history-entry"') == 2
    # Not a school: no profile page.
    assert client.get(reverse("registry:school_profile", args=[tree.tianshan.pk])).status_code == 404
