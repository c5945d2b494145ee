"""Full-text search (IN-4): Chinese words inside sentences, opinions, archive records, grants,
hostile query syntax, updates and removal. Runs on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from edugov.office.models import BodyBlob, BodyVersion, Document, Opinion, SearchEntry
from edugov.office.search import backends
from edugov.office.search.index import (
    highlight,
    index_document,
    index_object,
    reindex_all,
    remove_object,
    search,
    tokenize,
)
from edugov.office.search.tokenize import query_terms
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

TITLE = "关于做好2026年秋季学期义务教育学校招生入学工作的通知"
BODY = (
    "各区（县）教育局：\n为切实做好我区2026年秋季学期义务教育阶段学校招生入学工作，"
    "严格落实“免试就近入学”要求，现将有关事项通知如下。一、坚持公平公正，规范学籍管理。"
)


def make_document(unit, user, *, title=TITLE, body=BODY, doc_number="天教发〔2026〕3号"):
    document = Document.objects.create(
        organization=unit,
        direction="outgoing",
        doc_type="notice",
        title=title,
        issuing_organ="天山区教育局",
        doc_number=doc_number,
        created_by=user,
    )
    set_body(document, user, body)
    return document


def set_body(document, user, text):
    number = document.body_versions.count() + 1
    version = BodyVersion.objects.create(
        document=document, number=number, blob=BodyBlob.store(text), author=user
    )
    document.current_body = version
    document.save(update_fields=["current_body"])
    return version


def add_opinion(document, user, text):
    return Opinion.objects.create(
        document=document,
        kind="comment",
        author=user,
        author_name=user.real_name,
        unit=document.organization,
        text=text,
    )


@pytest.fixture
def clerk(tree):
    return make_user("ts_clerk", unit=tree.tianshan, role="office_clerk")


@pytest.fixture
def document(tree, clerk):
    document = make_document(tree.tianshan, clerk)
    add_opinion(document, clerk, "拟同意，请基础教育科抓紧落实并报送进展情况。")
    index_document(document)
    return document


def kinds_found(user, query, **kwargs):
    return [(hit.kind, hit.title) for hit in search(user, query, **kwargs).results]


def test_tokenize_cuts_for_search_lowercases_and_drops_punctuation():
    tokens = tokenize("关于做好2026年秋季学期义务教育工作的通知（EduGov，第二版！）").split()
    assert {"义务", "教育", "义务教育", "秋季", "学期", "2026", "edugov"} <= set(tokens)
    assert not any(ch in "".join(tokens) for ch in "（），！")


@pytest.mark.parametrize(
    "word", ["招生", "义务教育", "秋季学期", "入学", "学籍管理", "免试就近入学", "天教发"]
)
def test_chinese_words_inside_sentences_are_found(clerk, document, word):
    found = kinds_found(clerk, word, kinds=["document"])
    assert found == [("document", TITLE)], word


def test_all_words_of_a_query_must_match(clerk, document):
    assert kinds_found(clerk, "招生 学籍", kinds=["document"]) == [("document", TITLE)]
    assert kinds_found(clerk, "招生 高考", kinds=["document"]) == []


def test_opinions_are_found_and_link_to_the_document(clerk, document):
    page = search(clerk, "抓紧落实")
    assert [hit.kind for hit in page.results] == ["opinion"]
    hit = page.results[0]
    assert "<mark>抓紧</mark>" in hit.snippet
    assert hit.title == TITLE
    entry = SearchEntry.objects.get(kind="opinion")
    assert entry.url in ("", f"/office/documents/{document.pk}/") or str(document.pk) in entry.url
    # The document's own words do not make its opinions match.
    assert [h.kind for h in search(clerk, "招生").results] == ["document"]


def test_archive_records_are_found(tree, django_capture_on_commit_callbacks):
    from edugov.office.actions.archives import do_register_paper_record

    archivist = make_user("ts_archivist", unit=tree.tianshan, role="archivist")
    with django_capture_on_commit_callbacks(execute=True):
        record = do_register_paper_record(
            organization=tree.tianshan,
            title="天山区中小学校舍安全排查台账",
            year=2024,
            retention="30y",
            location="A-03-12",
            keywords="校舍安全 排查",
            acting_user=archivist,
        )
    page = search(archivist, "校舍安全")
    assert [(h.kind, h.url) for h in page.results] == [
        ("archive", reverse("office:archive_detail", args=[record.pk]))
    ]
    assert page.results[0].organization == tree.tianshan.name
    assert search(archivist, record.archive_number.split("-")[0] + " 排查").total == 1


def test_grants_are_respected(tree, clerk, document):
    kashi = make_user("kashi_clerk", unit=tree.kashi_city, role="office_clerk")
    assert search(kashi, "招生").total == 0
    assert search(kashi, "抓紧落实").total == 0
    province = make_user("prov_clerk", unit=tree.province, role="office_clerk")
    assert search(province, "招生").total == 1
    nobody = make_user("plain", unit=tree.tianshan)
    assert search(nobody, "招生").total == 0


def test_each_entry_needs_its_own_permission(tree, clerk, document):
    index_object(
        "archive",
        999,
        organization=tree.tianshan,
        permission="office.archiverecord.view",
        title="招生工作档案",
        text="",
        url="",
    )
    # A teacher may view documents of the unit but not its archive catalogue.
    teacher = make_user("ts_teacher", unit=tree.tianshan, role="teacher")
    assert sorted(h.kind for h in search(teacher, "招生").results) == ["document"]
    assert sorted(h.kind for h in search(clerk, "招生").results) == ["archive", "document"]


HOSTILE = [
    '"招生',
    '招生"',
    "招生 OR 入学",
    "OR",
    "AND NOT",
    "*",
    "招*",
    "(招生",
    "招生)",
    "NEAR(招生 入学)",
    "tokens:招生",
    "'",
    "\\",
    "招生 & | ! <-> :*",
    "-招生",
    "^招生",
    "{招生 入学}",
    "\x00",
    "；；；。。。",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_query_syntax_is_never_passed_through(clerk, document, query):
    page = search(clerk, query)
    assert page.total == len(page.results)
    for term in page.terms:
        assert term.isalnum()
    if page.terms and set(page.terms) <= {"招生", "入学"}:
        # Operators and quotes are dropped: the words themselves are still searched.
        assert [hit.kind for hit in page.results] == ["document"]
    elif {"or", "near", "tokens"} & set(page.terms):
        # Operator names are plain words: nothing here contains them.
        assert page.total == 0


def test_match_expressions_are_quoted():
    assert backends.fts5_match(["招生", "or"]) == '"招生"* AND "or"*'
    assert backends.tsquery_text(["招生", "near"]) == "招生:* & near:*"
    assert query_terms("招生 OR (入学*)") == ["招生", "or", "入学"]


def test_updates_reindex(clerk, document):
    document.title = "关于开展2026年教师资格认定工作的通知"
    document.save(update_fields=["title"])
    set_body(document, clerk, "教师资格认定申请人须于规定时间内提交材料。")
    index_document(document)
    assert search(clerk, "秋季学期").total == 0
    assert search(clerk, "招生").total == 0
    assert [h.kind for h in search(clerk, "教师资格").results] == ["document"]
    assert SearchEntry.objects.filter(kind="document").count() == 1
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO office_search_fts(office_search_fts) VALUES ('integrity-check')")


def test_removal(clerk, document):
    remove_object("document", document.pk)
    assert search(clerk, "招生").total == 0
    assert search(clerk, "抓紧落实").total == 1
    opinion = Opinion.objects.get(document=document)
    remove_object("opinion", opinion.pk)
    assert search(clerk, "抓紧落实").total == 0
    assert not SearchEntry.objects.exists()


def test_snippet_highlights_and_escapes(tree, clerk):
    doc = make_document(
        tree.tianshan, clerk, body="请勿点击<script>alert(1)</script>链接，招生咨询电话见附件。"
    )
    index_document(doc)
    hit = search(clerk, "招生").results[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>招生</mark>" in hit.snippet
    assert "<mark>招生</mark>" in hit.title_html
    assert highlight("a" * 300 + "招生" + "b" * 300, ["招生"]).startswith("…")


def test_ranking_prefers_more_matches(tree, clerk):
    make_document(tree.tianshan, clerk, title="学籍管理办法", body="学籍管理。" * 3)
    make_document(tree.tianshan, clerk, title="校车安全管理", body="顺带提及学籍。")
    for d in Document.objects.all():
        index_document(d)
    titles = [h.title for h in search(clerk, "学籍").results]
    assert titles[0] == "学籍管理办法"


def test_paging_and_total(tree, clerk):
    for i in range(25):
        index_document(make_document(tree.tianshan, clerk, title=f"招生工作简报第{i + 1}期", doc_number=""))
    first = search(clerk, "招生", limit=10)
    second = search(clerk, "招生", limit=10, offset=20)
    assert (first.total, len(first.results), len(second.results)) == (25, 10, 5)
    assert not {h.title for h in first.results} & {h.title for h in second.results}
    assert search(clerk, "招生", limit=10, offset=100).results == []


def test_reindex_command_rebuilds_and_drops_stale_entries(tree, clerk, document, capsys):
    SearchEntry.objects.filter(kind="document").delete()
    index_object(
        "archive",
        123456,
        organization=tree.tianshan,
        permission="office.archiverecord.view",
        title="已删除的档案",
        text="",
        url="",
    )
    call_command("reindex_office")
    out = capsys.readouterr().out
    assert "1 documents" in out
    assert "1 opinions" in out
    assert search(clerk, "招生").total == 1
    assert not SearchEntry.objects.filter(kind="archive", object_id=123456).exists()
    assert reindex_all()["removed"] == 0


# --- The page -----------------------------------------------------------------------------


def test_search_page_shows_highlighted_results_with_badges(client, tree, clerk, document, no_mfa):
    client.force_login(clerk)
    response = client.get(reverse("office:search"), {"q": "义务教育 招生"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<mark>义务教育</mark>" in body
    assert tree.tianshan.name in body
    assert 'data-kind="document"' in body


def test_search_page_empty_and_no_result_states(client, clerk, document, no_mfa):
    client.force_login(clerk)
    empty = client.get(reverse("office:search")).content.decode()
    assert 'data-testid="search-empty"' in empty
    none = client.get(reverse("office:search"), {"q": "高考志愿"}).content.decode()
    assert 'data-testid="search-none"' in none
    hostile = client.get(reverse("office:search"), {"q": 'NEAR("招生" OR *', "kind": "bogus", "page": "x"})
    assert hostile.status_code == 200


def test_search_page_filters_by_kind_and_pages(client, tree, clerk, document, no_mfa):
    client.force_login(clerk)
    opinions = client.get(reverse("office:search"), {"q": "落实", "kind": "opinion"}).content.decode()
    assert 'data-kind="opinion"' in opinions
    assert 'data-kind="document"' not in opinions
    for i in range(25):
        index_document(make_document(tree.tianshan, clerk, title=f"招生简报{i}", doc_number=""))
    page2 = client.get(reverse("office:search"), {"q": "招生", "page": 2}).content.decode()
    assert page2.count("search-hit") == 6
    assert "page=1" in page2


def test_search_page_access(client, tree, document, no_mfa):
    url = reverse("office:search")
    response = client.get(url, {"q": "招生"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(make_user("plain", unit=tree.tianshan))
    assert client.get(url, {"q": "招生"}).status_code == 404
    client.force_login(make_user("kashi", unit=tree.kashi_city, role="office_clerk"))
    other = client.get(url, {"q": "招生"})
    assert other.status_code == 200
    assert 'data-testid="search-none"' in other.content.decode()


def test_search_page_queries_are_bounded(client, tree, clerk, django_assert_max_num_queries, no_mfa):
    for i in range(30):
        doc = make_document(tree.tianshan, clerk, title=f"招生工作通知{i}", doc_number="")
        add_opinion(doc, clerk, f"同意招生安排{i}")
        index_document(doc)
    client.force_login(clerk)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("office:search"), {"q": "招生"})
    assert response.content.decode().count("search-hit") == 20


def test_the_database_full_text_structures_exist_and_are_used(clerk, document):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'office_search_tsv'")
            assert "gin" in cursor.fetchone()[0].lower()
            # The query's expression is the index's: with sequential scans off, the index is used.
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql, params = backends.matching(SearchEntry.objects.all(), ["招生"]).query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "office_search_tsv" in plan
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'office_search_%' ORDER BY name")
            names = {row[0] for row in cursor.fetchall()}
            assert {"office_search_fts", "office_search_ai", "office_search_ad", "office_search_au"} <= names
            cursor.execute("SELECT count(*) FROM office_search_fts WHERE office_search_fts MATCH '\"招生\"*'")
            assert cursor.fetchone()[0] == 1
