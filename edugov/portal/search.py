"""Chinese search across every portal site (网站群 shared search, PUB-9): indexing and querying.

Wagtail's database search backend cannot cut Chinese into words, so the portal keeps its own
index, built like the office's (``edugov.office.search``):

- **Tokens.** Runs of text holding Chinese characters are cut by jieba in search mode
  (``义务教育`` → ``义务 教育 义务教育``, the office's ``tokens_of``); words of other scripts
  (Uyghur and Kyrgyz in Arabic script, English, Kyrgyz Cyrillic) are kept whole, lower-cased,
  after NFKC (so Arabic presentation forms and full-width Latin match their plain forms).
  jieba alone would split Arabic-script words into single letters.
- **Database.** ``PortalSearchEntry.tokens`` is searched by an FTS5 table on SQLite and a GIN
  index on ``to_tsvector('simple', tokens)`` on PostgreSQL (migration ``search``); every query
  word must match, as a prefix. The FTS5/tsquery text builders are the office's.
- **What is indexed.** Only live pages, without view restrictions, under the root page of a
  site that has a ``PortalSite``. Text = title (counted twice, so title matches rank first)
  + every ``SearchField`` of the page's specific type (summary, body blocks, catalogue fields
  of page types other areas add, ``RelatedFields`` followed), HTML stripped.
- **When.** ``page_published`` (index), ``page_unpublished`` (remove), ``post_page_move`` and
  ``page_slug_changed`` (re-index the subtree: addresses and even the site change), page deletion
  (the entry goes with the page: on_delete CASCADE), view restrictions added or removed (subtree),
  a site's host name changed (subtree), a portal site created (its home page).
  ``manage.py portal_reindex`` rebuilds everything. A failed index update is logged and never
  breaks the editor's publish (savepoint).

Querying: ``search(query, portal_site=None, language=None, limit=…, offset=…)`` returns
``PortalSearchResults`` (hits with site label, highlighted title and excerpt, date, address).
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Manager, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.search import index as wagtail_index
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from edugov.office.search.backends import fts5_match, tsquery_text
from edugov.office.search.index import highlight
from edugov.office.search.tokenize import query_terms as chinese_query_terms
from edugov.office.search.tokenize import tokens_of as chinese_tokens_of

__all__ = [
    "PortalHit",
    "PortalSearchResults",
    "index_page",
    "index_subtree",
    "query_terms",
    "reindex_all",
    "remove_page",
    "search",
    "tokenize",
    "tokens_of",
]

logger = logging.getLogger("edugov.portal.search")

FTS_TABLE = "portal_search_fts"
ENTRY_TABLE = "portal_portalsearchentry"
TITLE_LIMIT = 255
EXCERPT_LIMIT = 4000  # characters of plain text kept for excerpts
TOKEN_TEXT_LIMIT = 100_000  # characters of text tokenised per page
MAX_QUERY_TERMS = 10
MAX_TERM_LENGTH = 40
MAX_QUERY_LENGTH = 200
MAX_LIMIT = 50

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_WORD = re.compile(r"[^\W_]+")


# --- Tokens ---------------------------------------------------------------------------------


def _words(text: str) -> Iterable[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text or ""))


def tokens_of(text: str) -> list[str]:
    """Index tokens: jieba search mode for Chinese runs, whole lower-cased words otherwise."""
    tokens: list[str] = []
    for word in _words(text):
        if _HAN.search(word):
            tokens.extend(chinese_tokens_of(word))
        else:
            tokens.append(word.lower())
    return tokens


def tokenize(text: str) -> str:
    """``tokens_of(text)`` joined by spaces: the value stored in ``PortalSearchEntry.tokens``."""
    return " ".join(tokens_of(text))


def query_terms(query: str) -> list[str]:
    """The distinct words of a query (jieba precise mode for Chinese), at most ``MAX_QUERY_TERMS``.

    Terms hold only letters and digits, so nothing typed reaches FTS5 or to_tsquery as syntax.
    """
    terms: list[str] = []
    for word in _words((query or "")[:MAX_QUERY_LENGTH]):
        parts = chinese_query_terms(word) if _HAN.search(word) else [word.lower()]
        for part in parts:
            part = part[:MAX_TERM_LENGTH]
            if part and part not in terms:
                terms.append(part)
            if len(terms) == MAX_QUERY_TERMS:
                return terms
    return terms


# --- Text of a page -------------------------------------------------------------------------


def _plain(value: Any) -> list[str]:
    """Plain strings out of a search field's value (str, lists, dicts, rich text with markup)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [text for item in value for text in _plain(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _plain(item)]
    text = force_str(value)
    if "<" in text:
        text = strip_tags(text)
    text = " ".join(html.unescape(text).split())
    return [text] if text else []


def _field_texts(obj: Any, search_field: Any) -> list[str]:
    if isinstance(search_field, wagtail_index.RelatedFields):
        related = search_field.get_value(obj)
        if related is None:
            return []
        if isinstance(related, Manager):
            related_objects = list(related.all())
        else:
            related_objects = [related() if callable(related) else related]
        return [
            text
            for sub in related_objects
            for sub_field in search_field.fields
            for text in _field_texts(sub, sub_field)
        ]
    if isinstance(search_field, wagtail_index.SearchField):
        if search_field.field_name == "title":  # indexed on its own
            return []
        try:
            return _plain(search_field.get_value(obj))
        except Exception:  # a helper's page type with a broken field must not stop the index
            logger.exception("search field %s of %s unreadable", search_field.field_name, type(obj).__name__)
            return []
    return []


def page_text(page: Any) -> str:
    """The searchable text of a page, title excluded: all ``SearchField`` values of its type."""
    specific = page.specific
    seen: set[str] = set()
    parts: list[str] = []
    for search_field in specific.get_search_fields():
        for text in _field_texts(specific, search_field):
            if text not in seen:
                seen.add(text)
                parts.append(text)
    return "\n".join(parts)


def page_date(page: Any) -> date | None:
    value = getattr(page.specific, "date", None)
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    published = page.last_published_at or page.first_published_at
    return timezone.localdate(published) if published else None


# --- Which site a page belongs to -------------------------------------------------------------


def _site_roots() -> list[tuple[str, Any]]:
    """``(root page path, PortalSite)`` of every portal site, longest path first."""
    from edugov.portal.models import PortalSite

    sites = PortalSite.objects.select_related("site__root_page", "organization")
    return sorted(((s.site.root_page.path, s) for s in sites), key=lambda pair: len(pair[0]), reverse=True)


def _portal_site_of(page: Any, roots: list[tuple[str, Any]]) -> Any:
    for path, portal_site in roots:
        if page.path.startswith(path):
            return portal_site
    return None


# --- Writing the index ------------------------------------------------------------------------


def is_indexable(page: Any, portal_site: Any) -> bool:
    """Public search shows only live pages of portal sites that anyone may read."""
    return (
        portal_site is not None
        and page.depth > 1
        and page.live
        and not page.expired
        and not page.get_view_restrictions().exists()
    )


def index_page(page: Any, *, roots: list[tuple[str, Any]] | None = None) -> Any:
    """Create, replace or remove the entry of one page; returns the entry or None."""
    from edugov.portal.models import PortalSearchEntry

    roots = _site_roots() if roots is None else roots
    portal_site = _portal_site_of(page, roots)
    if not is_indexable(page, portal_site):
        remove_page(page)
        return None
    specific = page.specific
    title = (page.title or "")[:TITLE_LIMIT]
    text = page_text(page)
    url = specific.get_full_url() or ""
    tokens = tokenize(f"{title}\n{title}\n{text[:TOKEN_TEXT_LIMIT]}")
    entry, _created = PortalSearchEntry.objects.update_or_create(
        page_id=page.pk,
        defaults={
            "portal_site": portal_site,
            "language": page.locale.language_code if page.locale_id else "",
            "title": title,
            "url": url[:500],
            "date": page_date(page),
            "excerpt": text[:EXCERPT_LIMIT],
            "tokens": tokens,
        },
    )
    return entry


def remove_page(page: Any) -> None:
    from edugov.portal.models import PortalSearchEntry

    PortalSearchEntry.objects.filter(page_id=getattr(page, "pk", page)).delete()


def index_subtree(page: Any) -> int:
    """Re-index a page and every page below it (after a move, a slug change, a restriction)."""
    roots = _site_roots()
    count = 0
    for each in Page.objects.filter(path__startswith=page.path).select_related("locale").order_by("path"):
        if index_page(each, roots=roots) is not None:
            count += 1
    return count


def reindex_all(*, chunk_size: int = 200) -> dict[str, int]:
    """Rebuild the whole index: every live page of every portal site; drop every other entry."""
    from edugov.portal.models import PortalSearchEntry

    roots = _site_roots()
    indexed = 0
    kept: list[int] = []
    for path, _portal_site in roots:
        pages = (
            Page.objects.filter(path__startswith=path, live=True).select_related("locale").order_by("path")
        )
        for page in pages.iterator(chunk_size=chunk_size):
            if index_page(page, roots=roots) is not None:
                indexed += 1
                kept.append(page.pk)
    removed, _detail = PortalSearchEntry.objects.exclude(page_id__in=kept).delete()
    rebuild_fts()
    return {"indexed": indexed, "removed": removed}


def rebuild_fts() -> None:
    """Rebuild the SQLite FTS table from its content table (after a bulk change or repair)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608


def _safely(func: Any, *args: Any) -> None:
    """Run an index update in a savepoint: a failure is logged, the editor's write goes on."""
    try:
        with transaction.atomic():
            func(*args)
    except Exception:  # the index can be rebuilt (portal_reindex); publishing must not fail
        logger.exception("portal search index update failed (%s)", getattr(func, "__name__", func))


# --- Signals ----------------------------------------------------------------------------------


def _on_published(sender: Any, instance: Any, **kwargs: Any) -> None:
    _safely(index_page, instance)


def _on_unpublished(sender: Any, instance: Any, **kwargs: Any) -> None:
    _safely(remove_page, instance)


def _on_subtree_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    fresh = Page.objects.filter(pk=instance.pk).first()
    if fresh is not None:
        _safely(index_subtree, fresh)


def _on_restriction_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        _safely(index_subtree, page)


def _on_site_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created or not instance.root_page_id:
        return
    if not hasattr(instance, "portal"):
        return
    page = Page.objects.filter(pk=instance.root_page_id).first()
    if page is not None:
        _safely(index_subtree, page)


def _on_portal_site_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if created:
        page = Page.objects.filter(pk=instance.site.root_page_id).first()
        if page is not None:
            _safely(index_page, page)


def connect_signals() -> None:
    """Keep the index current (called once from ``PortalConfig.ready``)."""
    from edugov.portal.models import PortalSite

    page_published.connect(_on_published, dispatch_uid="portal_search_published")
    page_unpublished.connect(_on_unpublished, dispatch_uid="portal_search_unpublished")
    post_page_move.connect(_on_subtree_changed, dispatch_uid="portal_search_moved")
    page_slug_changed.connect(_on_subtree_changed, dispatch_uid="portal_search_slug")
    post_save.connect(
        _on_restriction_changed, sender=PageViewRestriction, dispatch_uid="portal_search_vr_save"
    )
    post_delete.connect(
        _on_restriction_changed, sender=PageViewRestriction, dispatch_uid="portal_search_vr_del"
    )
    post_save.connect(_on_site_saved, sender=Site, dispatch_uid="portal_search_site")
    post_save.connect(_on_portal_site_saved, sender=PortalSite, dispatch_uid="portal_search_portal_site")


# --- Querying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalHit:
    title: str
    title_html: SafeString
    url: str
    excerpt: SafeString
    date: date | None
    site_name: str
    site_slug: str
    language: str
    score: float


@dataclass(frozen=True)
class PortalSearchResults:
    hits: list[PortalHit]
    total: int
    terms: list[str] = field(default_factory=list)


def matching(qs: QuerySet, terms: list[str]) -> QuerySet:
    """``qs`` (of PortalSearchEntry) narrowed to rows matching every term (as a prefix), with ``score``."""
    if not terms:
        return qs.none()
    if connection.vendor == "postgresql":
        tsq = tsquery_text(terms)
        if not tsq:
            return qs.none()
        vector = f"to_tsvector('simple'::regconfig, {ENTRY_TABLE}.tokens)"
        query = "to_tsquery('simple'::regconfig, %s)"
        return qs.extra(  # noqa: S610 - fixed SQL, the query text is a parameter
            select={"score": f"ts_rank({vector}, {query})"},
            select_params=[tsq],
            where=[f"{vector} @@ {query}"],
            params=[tsq],
        )
    if connection.vendor == "sqlite":
        return qs.extra(  # noqa: S610 - fixed SQL, the query text is a parameter
            select={"score": f"-bm25({FTS_TABLE})"},
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = {ENTRY_TABLE}.id", f"{FTS_TABLE} MATCH %s"],
            params=[fts5_match(terms)],
        )
    for term in terms:  # any other database: a plain (slow) containment test, still correct
        qs = qs.filter(tokens__contains=term)
    return qs.extra(select={"score": "0"})  # noqa: S610 - constant SQL


def search(
    query: str,
    *,
    portal_site: Any = None,
    language: str | None = None,
    limit: int = 10,
    offset: int = 0,
) -> PortalSearchResults:
    """Live public pages matching every word of ``query``, best first (all sites, or one)."""
    from edugov.portal.models import PortalSearchEntry

    terms = query_terms(query)
    if not terms:
        return PortalSearchResults([], 0, terms)
    qs = PortalSearchEntry.objects.filter(page__live=True)
    if portal_site is not None:
        qs = qs.filter(portal_site=portal_site)
    if language:
        qs = qs.filter(language=language)
    qs = matching(qs, terms)
    total = qs.count()
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    if total == 0 or limit == 0 or offset >= total:
        return PortalSearchResults([], total, terms)
    rows = qs.select_related("portal_site__organization").order_by("-score", "-date", "-id")[
        offset : offset + limit
    ]
    hits = [
        PortalHit(
            title=row.title,
            title_html=highlight(row.title, terms, radius=2 * len(row.title) + 2),
            url=row.url,
            excerpt=highlight(row.excerpt, terms),
            date=row.date,
            site_name=row.portal_site.organization.name,
            site_slug=row.portal_site.slug,
            language=row.language,
            score=float(row.score or 0),
        )
        for row in rows
    ]
    return PortalSearchResults(hits, total, terms)
