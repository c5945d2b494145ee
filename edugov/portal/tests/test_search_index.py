"""The shared portal search index: Chinese tokens, live pages only, kept current by Wagtail's signals."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from wagtail.models import Page, PageViewRestriction

from edugov.portal.models import ArticlePage, PortalSearchEntry, SectionPage
from edugov.portal.search import index_page, query_terms, reindex_all, search, tokens_of

pytestmark = pytest.mark.django_db

ENROLMENT = "2026年义务教育招生入学工作通知"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def body(text: str) -> str:
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}])


def publish_article(parent, title, *, summary="", text="", day=datetime.date(2026, 3, 1), slug=None):
    page = ArticlePage(
        title=title,
        slug=slug or f"a{Page.objects.count()}",
        date=day,
        summary=summary,
        body=body(text),
        live=False,
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def home(portal_site):
    return portal_site.site.root_page.specific


def test_chinese_is_cut_into_words_and_other_scripts_kept_whole():
    tokens = tokens_of(ENROLMENT + " مائارىپ نازارىتى Primary School")
    assert {"义务", "教育", "义务教育", "招生", "入学", "通知"} <= set(tokens)
    assert "مائارىپ" in tokens  # an Uyghur word is one token, not single letters
    assert {"primary", "school"} <= set(tokens)
    assert query_terms("招生 入学") == ["招生", "入学"]
    assert query_terms("ﻣﺎﺋﺎﺭﯨﭗ") == ["مائارىپ"]  # presentation forms fold to the letters (NFKC)


def test_uyghur_kyrgyz_and_english_pages_are_found_by_their_words(sites):
    uyghur = publish_article(
        home(sites.kashgar), "مەكتەپكە كىرىش ئۇقتۇرۇشى", summary="Enrolment Notice for 2026"
    )
    kyrgyz = publish_article(home(sites.kashgar), "Мектепке кабыл алуу", summary="мектеп")
    assert [hit.url for hit in search("ئۇقتۇرۇشى").hits] == [uyghur.get_full_url()]
    assert [hit.url for hit in search("مەكتەپ").hits] == [uyghur.get_full_url()]  # a word's beginning
    assert [hit.url for hit in search("enrolment NOTICE").hits] == [uyghur.get_full_url()]
    assert [hit.url for hit in search("КАБЫЛ").hits] == [kyrgyz.get_full_url()]
    assert search("كىرىش ئۇقتۇرۇشى招生").total == 0  # every word must match


def test_a_chinese_query_finds_the_notice_and_not_unrelated_pages(sites):
    notice = publish_article(home(sites.province), ENROLMENT, summary="做好适龄儿童入学工作。")
    publish_article(home(sites.province), "教师节表彰大会召开", text="表彰优秀教师。")
    found = search("招生")
    assert [hit.url for hit in found.hits] == [notice.get_full_url()]
    assert found.total == 1
    assert "<mark>招生</mark>" in found.hits[0].title_html


def test_body_blocks_and_summary_are_searched_without_markup(sites):
    page = publish_article(
        home(sites.urumqi), "通知", summary="关于课后服务", text="<b>营养餐</b>补助标准调整"
    )
    assert [hit.url for hit in search("营养餐").hits] == [page.get_full_url()]
    assert [hit.url for hit in search("课后服务").hits] == [page.get_full_url()]
    entry = PortalSearchEntry.objects.get(page=page)
    assert "<b>" not in entry.excerpt
    assert entry.date == datetime.date(2026, 3, 1)
    assert entry.language == "zh-hans"


def test_results_span_all_sites_with_site_labels_and_filter_by_site(sites):
    publish_article(home(sites.province), "自治区招生工作会议")
    publish_article(home(sites.kashgar), "喀什地区招生计划公布")
    found = search("招生")
    assert {hit.site_name for hit in found.hits} == {"新疆维吾尔自治区教育厅", "喀什地区教育局"}
    only_kashgar = search("招生", portal_site=sites.kashgar)
    assert [hit.site_slug for hit in only_kashgar.hits] == ["ks"]


def test_unpublished_and_draft_pages_are_never_found(sites):
    page = publish_article(home(sites.province), ENROLMENT)
    draft = ArticlePage(title="招生草稿", slug="draft", date=datetime.date(2026, 1, 1), live=False)
    home(sites.province).add_child(instance=draft)
    draft.save_revision()
    assert search("招生").total == 1
    page.unpublish()
    assert search("招生").total == 0
    assert not PortalSearchEntry.objects.filter(page=page).exists()
    assert reindex_all()["indexed"] >= 1
    assert search("招生").total == 0


def test_deleting_a_page_removes_its_entry(sites):
    page = publish_article(home(sites.province), ENROLMENT)
    page.delete()
    assert search("招生").total == 0
    assert not PortalSearchEntry.objects.filter(page_id=page.pk).exists()


def test_moving_a_page_to_another_site_updates_site_and_address(sites):
    section = SectionPage(title="通知公告", slug="tzgg")
    home(sites.urumqi).add_child(instance=section)
    section.save_revision().publish()
    page = publish_article(home(sites.province), ENROLMENT, slug="zs")
    page.move(section, pos="last-child")
    entry = PortalSearchEntry.objects.get(page=page)
    assert entry.portal_site == sites.urumqi
    assert entry.url == Page.objects.get(pk=page.pk).get_full_url()
    assert "wlmq.test" in entry.url


def test_pages_behind_a_view_restriction_are_not_indexed(sites):
    page = publish_article(home(sites.province), ENROLMENT)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert search("招生").total == 0
    PageViewRestriction.objects.filter(page=page).delete()
    assert search("招生").total == 1


def test_reindex_command_rebuilds_from_the_pages(sites):
    page = publish_article(home(sites.school), ENROLMENT)
    PortalSearchEntry.objects.all().delete()
    assert search("招生").total == 0
    call_command("portal_reindex", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    assert [hit.url for hit in search("招生").hits] == [page.get_full_url()]
    # home pages of every site are indexed too (their title is the unit's name)
    assert search("天山区第一小学").total >= 1


def test_other_page_types_search_fields_are_indexed(sites):
    """Page types other areas add are indexed through their ``search_fields`` (source is not one)."""
    page = publish_article(home(sites.province), "通知", summary="学前教育普惠")
    page.source = "办公室"
    page.save_revision().publish()
    assert search("学前教育").total == 1
    assert search("办公室").total == 0  # not a search field
    assert index_page(Page.objects.get(pk=home(sites.province).pk)) is not None


def test_query_syntax_cannot_reach_the_engine(sites):
    publish_article(home(sites.province), ENROLMENT)
    for query in ['"', "招生 OR", "NEAR(招生)", "招生*", "' OR 1=1 --", "&|!:*", ""]:
        search(query)  # no database error
    assert search("招生*").total == 1


def test_catalogue_items_are_found_by_their_catalogue_metadata(sites):
    """A page type another area adds (the disclosure catalogue) is indexed by its ``search_fields``."""
    from edugov.portal.tests.test_catalogue_pages import add_catalogue, add_item

    index = add_catalogue(sites.urumqi)
    item = add_item(
        index, "关于印发学生资助办法的通知", document_number="乌教发〔2026〕12号", keywords="助学金"
    )
    assert [hit.url for hit in search("助学金").hits] == [item.get_full_url()]
    assert [hit.url for hit in search("乌教发 12号").hits] == [item.get_full_url()]
    assert search("学生资助", portal_site=sites.urumqi).hits[0].site_name == "乌鲁木齐市教育局"
