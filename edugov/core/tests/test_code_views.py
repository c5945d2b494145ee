"""The read-only reference pages: code tables and regions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from edugov.core.models import Region, User

PAGES = [
    ("workspace:code_tables", {}),
    ("workspace:code_table", {"slug": "ethnicity"}),
    ("workspace:region_list", {}),
]


@pytest.fixture
def signed_in(client):
    user = User.objects.create_user(username="reader", password="a-long-test-password", real_name="阅读者")
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_users_are_redirected_to_sign_in(client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert "next=" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_pages_are_read_only(signed_in, name, kwargs):
    assert signed_in.post(reverse(name, kwargs=kwargs)).status_code == 405


@pytest.mark.django_db
def test_code_table_list(signed_in, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = signed_in.get(reverse("workspace:code_tables"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "GB 3304-1991" in content
    assert "JY/T 1001-2012" in content
    assert reverse("workspace:code_table", kwargs={"slug": "school_type"}) in content


@pytest.mark.django_db
def test_code_table_detail_shows_codes_and_flags(signed_in):
    response = signed_in.get(reverse("workspace:code_table", kwargs={"slug": "ethnicity"}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "维吾尔族" in content
    assert "外国血统中国籍人士" in content
    assert content.count('data-testid="code-row"') == 58


@pytest.mark.django_db
def test_code_table_detail_nests_school_types(signed_in):
    response = signed_in.get(reverse("workspace:code_table", kwargs={"slug": "school_type"}))
    rows = {code.code: depth for code, depth in response.context["rows"]}
    assert (rows["3"], rows["34"], rows["341"]) == (0, 1, 2)


@pytest.mark.django_db
def test_unknown_code_table_is_404(signed_in):
    assert signed_in.get(reverse("workspace:code_table", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.django_db
def test_region_list_defaults_to_the_xinjiang_tree(signed_in):
    response = signed_in.get(reverse("workspace:region_list"))
    assert response.status_code == 200
    page = response.context["page_obj"]
    codes = [region.code for region in page.object_list]
    assert codes[0] == "650000"
    assert all(code.startswith("65") for code in codes)
    assert page.paginator.count == Region.objects.filter(code__startswith="65").count()


@pytest.mark.django_db
def test_region_list_marks_withdrawn_codes(signed_in):
    response = signed_in.get(reverse("workspace:region_list"), {"q": "652923"})
    content = response.content.decode()
    assert "库车县" in content
    assert 'data-testid="withdrawn"' in content
    assert "2019" in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param(
            {"q": "6530"}, {"653000", "653001", "653021", "653022", "653023", "653024"}, id="code_case"
        ),
        pytest.param({"q": "阿图什"}, {"653001", "653021"}, id="name_case"),
        pytest.param({"q": "阿图什", "current": "1"}, {"653001"}, id="current_only_case"),
        pytest.param({"parent": "659000"}, {f"6590{n:02d}" for n in range(1, 13)}, id="parent_case"),
        pytest.param(
            {"parent": "653000", "q": "阿"}, {"653001", "653021", "653022", "653023"}, id="both_case"
        ),
    ],
)
def test_region_search_and_parent_filter(signed_in, params, expected):
    response = signed_in.get(reverse("workspace:region_list"), params)
    assert {region.code for region in response.context["page_obj"].object_list} == expected


@pytest.mark.django_db
def test_region_search_is_nationwide(signed_in):
    response = signed_in.get(reverse("workspace:region_list"), {"q": "110105"})
    assert [region.code for region in response.context["page_obj"].object_list] == ["110105"]


@pytest.mark.django_db
def test_region_parent_shows_breadcrumb(signed_in):
    response = signed_in.get(reverse("workspace:region_list"), {"parent": "653000"})
    assert [region.code for region in response.context["breadcrumb"]] == ["650000", "653000"]
    assert 'data-testid="region-breadcrumb"' in response.content.decode()


@pytest.mark.django_db
def test_region_list_is_paginated_without_n_plus_one(signed_in, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as queries:
        response = signed_in.get(reverse("workspace:region_list"), {"page": "2"})
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"].object_list) == 50
    region_queries = [query["sql"] for query in queries if '"core_region"' in query["sql"]]
    assert len(region_queries) == 2  # the count and the page, parents joined in
