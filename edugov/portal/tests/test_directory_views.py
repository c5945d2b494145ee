"""The public school directory (PUB-9): search by county, type and name; one page per open school."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from edugov.core.actions.organizations import do_close_organization, do_create_organization
from edugov.registry.models import SchoolProfile

pytestmark = pytest.mark.django_db

LIST = "/services/schools/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def add_school(parent, name, code, *, school_type="211", sponsor="21"):
    return do_create_organization(
        parent=parent,
        name=name,
        kind="school",
        level="school",
        region=parent.region,
        acting_user=None,
        school_code=code,
        school_type=school_type,
        school_sponsor=sponsor,
    )


def names(response):
    return [row["name"] for row in response.context["rows"]]


def test_url_names():
    assert reverse("portal_public:schools") == LIST
    assert reverse("portal_public:school_detail", args=["2165000001"]) == "/services/schools/2165000001/"


def test_lists_open_schools_with_public_fields_from_the_registry_or_the_tree(client, tree):
    SchoolProfile.objects.create(
        organization=tree.school_tianshan, address="天山区解放南路1号", phone="0991-1234567", stages=["2"]
    )
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == ["天山区第一小学", "沙依巴克区第一小学", "喀什市第一小学"]
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["天山区第一小学"]["address"] == "天山区解放南路1号"  # registry row
    assert rows["天山区第一小学"]["type"] == "小学"  # JY/T name, not the code
    assert rows["天山区第一小学"]["sponsor"] == "公办"
    assert rows["沙依巴克区第一小学"]["address"] == ""  # no registry row: the tree's fields only
    html = response.content.decode()
    assert "0991-1234567" in html
    assert 'href="/services/schools/2165000001/"' in html


def test_filters_by_county_prefecture_type_and_name(client, tree):
    add_school(tree.tianshan, "天山区第二中学", "2165000011", school_type="311")
    county = client.get(LIST, {"region": "650102"})
    assert names(county) == ["天山区第一小学", "天山区第二中学"]
    prefecture = client.get(LIST, {"region": "650100"})
    assert set(names(prefecture)) == {"天山区第一小学", "天山区第二中学", "沙依巴克区第一小学"}
    by_type = client.get(LIST, {"type": "311"})
    assert names(by_type) == ["天山区第二中学"]
    by_name = client.get(LIST, {"name": "喀什"})
    assert names(by_name) == ["喀什市第一小学"]
    both = client.get(LIST, {"region": "650102", "name": "第一"})
    assert names(both) == ["天山区第一小学"]


def test_region_select_offers_prefectures_and_counties_with_schools(client, tree):
    html = client.get(LIST).content.decode()
    assert 'value="650102"' in html  # 天山区 (county)
    assert 'value="653101"' in html  # 喀什市
    assert 'value="650100"' in html  # 乌鲁木齐市 (all counties)
    assert "<optgroup" in html


def test_an_unknown_region_or_type_is_refused(client, tree):
    assert client.get(LIST, {"region": "110101"}).status_code == 400
    assert client.get(LIST, {"type": "999"}).status_code == 400
    bad_name = client.get(LIST, {"name": "<script>x</script>"})
    assert bad_name.status_code == 400
    assert bad_name.context["form"].errors.as_data()["name"][0].code == "invalid_text"


def test_closed_schools_are_not_listed_and_their_page_is_404(client, tree):
    do_close_organization(
        tree.school_kashi, acting_user=None, closed_on=datetime.date(2026, 1, 1), reason="合并"
    )
    assert "喀什市第一小学" not in names(client.get(LIST))
    assert client.get("/services/schools/2165000003/").status_code == 404


def test_school_page_shows_public_facts_and_nothing_internal(client, tree, sites):
    SchoolProfile.objects.create(
        organization=tree.school_tianshan,
        address="天山区解放南路1号",
        postal_code="830000",
        phone="0991-1234567",
        founding_year=1952,
        area_served="解放南路以东",
    )
    response = client.get("/services/schools/2165000001/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "天山区第一小学",
        "2165000001",
        "乌鲁木齐市",
        "天山区",
        "小学",
        "公办",
        "1952",
        "解放南路以东",
    ):
        assert text in html
    assert "http://tsyx.test" in html  # the school's own portal site


def test_school_page_without_registry_row_falls_back_to_the_tree(client, tree):
    response = client.get("/services/schools/2165000002/")
    assert response.status_code == 200
    assert "沙依巴克区第一小学" in response.content.decode()


@pytest.mark.parametrize("code", ["0000000000", "216500000", "21650000011", "abcdefghij", "2165000001x"])
def test_unknown_or_malformed_codes_are_404(client, tree, code):
    assert client.get(f"/services/schools/{code}/").status_code == 404


def test_a_department_with_a_code_like_path_is_not_a_school(client, tree):
    assert client.get(f"/services/schools/{tree.tianshan.pk:010d}/").status_code == 404


def test_list_and_detail_use_a_fixed_number_of_queries(client, tree):
    for n in range(25):
        school = add_school(tree.kashi_city, f"喀什市第{n + 10}小学", f"21650001{n:02d}")
        if n % 2:
            SchoolProfile.objects.create(organization=school, address=f"喀什市{n}号")
    client.get(LIST)  # warm the code-table cache
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"region": "650102"})
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST, {"region": "653101"})
    assert len(response.context["rows"]) == 20
    assert len(many) == len(few) <= 6
    with CaptureQueriesContext(connection) as detail:
        client.get("/services/schools/2165000101/")
    assert len(detail) <= 4
