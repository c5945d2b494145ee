"""The public disclosure catalogue: index numbers, filters and the item's metadata table (PUB-3)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from edugov.portal.actions.catalogue import unit_code
from edugov.portal.models import DisclosureIndexPage, DisclosureItemPage
from edugov.portal.models.catalogue import DisclosureCategory, Validity
from edugov.portal.testing.fixtures import PROVINCE_HOST, SCHOOL_HOST, URUMQI_HOST

pytestmark = pytest.mark.django_db


def path_of(page: Any) -> str:
    return urlparse(page.get_url()).path


def add_catalogue(portal_site: Any, title: str = "政务公开") -> DisclosureIndexPage:
    home = portal_site.site.root_page
    index = DisclosureIndexPage(title=title, slug="xxgk", locale=home.locale)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def add_item(
    index: DisclosureIndexPage, title: str, *, publish: bool = True, **fields: Any
) -> DisclosureItemPage:
    slug = fields.pop("slug", f"item-{DisclosureItemPage.objects.count() + 1}")
    item = DisclosureItemPage(title=title, slug=slug, locale=index.locale, live=False, **fields)
    index.add_child(instance=item)
    if publish:
        item.save_revision().publish()
        item.refresh_from_db()
    return item


def test_index_numbers_are_sequential_per_unit_and_year(sites: Any) -> None:
    province = add_catalogue(sites.province)
    urumqi = add_catalogue(sites.urumqi)
    year = timezone.localdate().year
    a = add_item(province, "关于甲的通知")
    b = add_item(province, "关于乙的通知")
    c = add_item(urumqi, "乌鲁木齐市通知")
    old = add_item(province, "旧文件", published_on=dt.date(2024, 3, 1))
    prefix = unit_code(sites.province.organization)
    assert a.index_number == f"{prefix}/{year}-00001"
    assert b.index_number == f"{prefix}/{year}-00002"
    # Another unit counts on its own; another year too.
    assert c.index_number == f"{unit_code(sites.urumqi.organization)}/{year}-00001"
    assert old.index_number == f"{prefix}/2024-00001"
    numbers = list(DisclosureItemPage.objects.values_list("index_number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert a.unit == sites.province.organization
    assert a.published_on == timezone.localdate()


def test_school_code_is_the_unit_code_of_a_school(sites: Any) -> None:
    school = sites.school.organization
    assert unit_code(school) == school.school_code
    assert unit_code(sites.province.organization) == f"U{sites.province.organization.pk:08d}"


def test_draft_has_no_number_and_republishing_keeps_it(sites: Any) -> None:
    index = add_catalogue(sites.province)
    item = add_item(index, "草稿", publish=False)
    assert item.index_number == ""
    item.save_revision().publish()
    item.refresh_from_db()
    number = item.index_number
    assert number.endswith("-00001")
    # A later revision, edited and published again, keeps the number and the first publication date.
    draft = item.get_latest_revision_as_object()
    draft.title = "草稿（修订）"
    draft.save_revision().publish()
    item.refresh_from_db()
    assert item.title == "草稿（修订）"
    assert item.index_number == number
    # A copy is a new item: no number until it is published itself.
    copy = item.copy(update_attrs={"slug": "copy", "title": "副本"}, keep_live=False)
    assert copy.index_number == ""


def test_catalogue_lists_only_live_items_with_filters(client: Any, sites: Any) -> None:
    index = add_catalogue(sites.province)
    add_item(
        index, "招生工作通知", category=DisclosureCategory.ADMISSIONS, document_number="新教发〔2026〕3号"
    )
    add_item(
        index,
        "已废止的规范性文件",
        category=DisclosureCategory.NORMATIVE,
        validity=Validity.ABOLISHED,
        abolished_on=dt.date(2025, 6, 1),
    )
    add_item(index, "督导报告", category=DisclosureCategory.INSPECTION)
    add_item(index, "未发布的草稿", publish=False)
    url = path_of(index)

    def titles(query: str = "") -> list[str]:
        response = client.get(url + query, HTTP_HOST=PROVINCE_HOST)
        assert response.status_code == 200
        return [item.title for item in response.context["items_page"]]

    assert sorted(titles()) == sorted(["招生工作通知", "已废止的规范性文件", "督导报告"])
    assert titles("?category=admissions") == ["招生工作通知"]
    assert titles("?validity=abolished") == ["已废止的规范性文件"]
    assert sorted(titles("?validity=valid")) == sorted(["招生工作通知", "督导报告"])
    assert titles("?q=3号") == ["招生工作通知"]
    assert titles("?q=督导") == ["督导报告"]
    assert titles(f"?year={timezone.localdate().year}&category=inspection") == ["督导报告"]
    # A bad filter value is ignored, never an error page.
    assert len(titles("?category=nonsense&year=abc")) == 3
    # Another site's catalogue does not list them.
    other = add_catalogue(sites.urumqi)
    response = client.get(path_of(other), HTTP_HOST=URUMQI_HOST)
    assert list(response.context["items_page"]) == []


def test_validity_follows_the_end_date(sites: Any) -> None:
    index = add_catalogue(sites.province)
    later = timezone.localdate() + dt.timedelta(days=30)
    item = add_item(
        index,
        "明年废止",
        category=DisclosureCategory.NORMATIVE,
        validity=Validity.ABOLISHED,
        abolished_on=later,
    )
    assert item.validity_on(timezone.localdate()) == Validity.VALID
    assert item.validity_on(later) == Validity.ABOLISHED
    valid = index.items().filter(pk=item.pk)
    from edugov.portal.models.catalogue import validity_q

    assert valid.filter(validity_q(Validity.VALID, timezone.localdate())).exists()
    assert valid.filter(validity_q(Validity.ABOLISHED, later)).exists()


def test_item_page_shows_the_metadata_table(client: Any, sites: Any) -> None:
    index = add_catalogue(sites.school)
    item = add_item(
        index,
        "学校收费公示",
        category=DisclosureCategory.FEES,
        document_number="天一小〔2026〕1号",
        issued_on=dt.date(2026, 2, 3),
    )
    response = client.get(path_of(item), HTTP_HOST=SCHOOL_HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert item.index_number in html
    assert item.index_number.startswith(sites.school.organization.school_code + "/")
    assert "天一小〔2026〕1号" in html
    assert "2026-02-03" in html
    assert sites.school.organization.name in html  # 发布机构 defaults to the site's unit
    assert 'scope="row"' in html


def test_admin_form_offers_the_metadata_but_not_the_index_number() -> None:
    form_class = DisclosureItemPage.get_edit_handler().get_form_class()
    fields = set(form_class.base_fields)
    offered = {"category", "document_number", "issued_on", "validity", "abolished_on", "body", "attachments"}
    assert offered <= fields
    assert not fields & {"index_number", "index_year", "index_seq", "unit"}
