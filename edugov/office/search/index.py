"""The office's full-text search (IN-4): keeping the index current and querying it.

Each searchable object has one ``SearchEntry`` (kind, object id) with its unit, the
permission needed to find it, a title, a link, a plain text for snippets and its jieba
tokens. ``search`` matches every query word (as a prefix) through the database's own
full-text engine (``backends``) and keeps only entries whose unit lies within the user's
grants for the entry's permission.

Other areas index their objects with ``index_object`` (and ``register_kind`` for the
badge label); documents and archive records have their own helpers here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from edugov.core.permissions.scopes import has_permission, scope_q
from edugov.office.search import backends
from edugov.office.search.tokenize import query_terms, tokenize

__all__ = [
    "Hit",
    "SearchPage",
    "highlight",
    "may_search",
    "index_archive_record",
    "index_document",
    "index_object",
    "reindex_all",
    "register_kind",
    "remove_object",
    "search",
    "tokenize",
]

logger = logging.getLogger("edugov.office.search")

DOCUMENT_VIEW = "office.document.view"
ARCHIVE_VIEW = "office.archiverecord.view"
TEXT_LIMIT = 4000  # characters of plain text kept for snippets
TITLE_LIMIT = 300
SNIPPET_RADIUS = 60
MAX_LIMIT = 100

KIND_LABELS: dict[str, Any] = {
    "document": _("Document"),
    "opinion": _("Opinion"),
    "archive": _("Archive record"),
}


def register_kind(kind: str, label: Any) -> None:
    """Name a kind of entry for the result badges and the kind filter (other areas)."""
    KIND_LABELS[kind] = label


def kind_label(kind: str) -> Any:
    return KIND_LABELS.get(kind, kind)


# --- Writing the index --------------------------------------------------------------------


def index_object(
    kind: str,
    obj_id: int,
    *,
    organization: Any,
    permission: str,
    title: str,
    text: str,
    url: str,
    index_title: bool = True,
) -> None:
    """Create or replace the entry of one object (tokens from its title and text)."""
    from edugov.office.models import SearchEntry

    title = (title or "")[:TITLE_LIMIT]
    text = text or ""
    tokens = tokenize(f"{title}\n{text}" if index_title else text)
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=obj_id,
        defaults={
            "organization": organization,
            "permission": permission,
            "title": title,
            "url": (url or "")[:300],
            "text": text[:TEXT_LIMIT],
            "tokens": tokens,
        },
    )


def remove_object(kind: str, obj_id: int) -> None:
    from edugov.office.models import SearchEntry

    SearchEntry.objects.filter(kind=kind, object_id=obj_id).delete()


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def document_url(document_id: int) -> str:
    return _url("office:document_detail", document_id)


def index_document(document: Any) -> None:
    """Index a document (title, number, issuing organ, current body) and each of its opinions."""
    body = document.current_body.blob.text if document.current_body_id else ""
    url = document_url(document.pk)
    head = " ".join(
        part for part in (document.doc_number, document.issuing_organ, document.incoming_serial) if part
    )
    index_object(
        "document",
        document.pk,
        organization=document.organization,
        permission=DOCUMENT_VIEW,
        title=document.title,
        text=f"{head}\n{body}".strip(),
        url=url,
    )
    for opinion in document.opinions.all():
        index_object(
            "opinion",
            opinion.pk,
            organization=document.organization,
            permission=DOCUMENT_VIEW,
            title=document.title,
            text=f"{opinion.author_name}：{opinion.text}",
            url=url,
            index_title=False,
        )


def index_archive_record(record: Any) -> None:
    """Index a catalogue entry: number, title, responsible unit, keywords, location, body."""
    parts = [record.archive_number, record.responsible, record.keywords, record.location]
    document = record.document if record.document_id else None
    if document is not None:
        if document.doc_number and document.doc_number != record.keywords:
            parts.append(document.doc_number)
        if document.current_body_id:
            parts.append(document.current_body.blob.text)
    index_object(
        "archive",
        record.pk,
        organization=record.organization,
        permission=ARCHIVE_VIEW,
        title=record.title,
        text="\n".join(p for p in parts if p),
        url=_url("office:archive_detail", record.pk),
    )


def index_on_commit(func: Any, obj: Any) -> None:
    """Index ``obj`` once the surrounding transaction commits (never on rollback)."""

    def run() -> None:
        try:
            func(obj)
        except Exception:  # the index can be rebuilt; a failed update must not break the write
            logger.exception("search index update failed for %s %s", type(obj).__name__, obj.pk)

    transaction.on_commit(run)


def reindex_all(*, chunk_size: int = 200) -> dict[str, int]:
    """Rebuild every document, opinion and archive entry; drop entries of vanished objects."""
    from edugov.office.models import ArchiveRecord, Document, Opinion, SearchEntry

    counts = {"document": 0, "archive": 0}
    documents = Document.objects.select_related("organization", "current_body__blob").prefetch_related(
        "opinions"
    )
    for document in documents.iterator(chunk_size=chunk_size):
        index_document(document)
        counts["document"] += 1
    records = ArchiveRecord.objects.select_related("organization", "document", "document__current_body__blob")
    for record in records.iterator(chunk_size=chunk_size):
        index_archive_record(record)
        counts["archive"] += 1
    stale = (
        (Q(kind="document") & ~Q(object_id__in=Document.objects.values("pk")))
        | (Q(kind="opinion") & ~Q(object_id__in=Opinion.objects.values("pk")))
        | (Q(kind="archive") & ~Q(object_id__in=ArchiveRecord.objects.values("pk")))
    )
    counts["removed"], _detail = SearchEntry.objects.filter(stale).delete()
    backends.rebuild()
    counts["opinion"] = SearchEntry.objects.filter(kind="opinion").count()
    return counts


# --- Querying -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: Any
    title: str
    url: str
    snippet: SafeString
    organization: str
    score: float
    title_html: SafeString = field(default_factory=lambda: mark_safe(""))  # noqa: S308 - empty


@dataclass(frozen=True)
class SearchPage:
    results: list[Hit]
    total: int
    terms: list[str] = field(default_factory=list)


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return escape(text)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return "".join(out)


def highlight(text: str, terms: Iterable[str], *, radius: int = SNIPPET_RADIUS) -> SafeString:
    """An escaped excerpt of ``text`` around the first matched term, terms in ``<mark>``."""
    text = " ".join((text or "").split())
    pattern = _pattern(terms)
    first = pattern.search(text) if pattern else None
    start = max(0, first.start() - radius // 2) if first else 0
    if start < radius // 4:  # a few characters only: start at the beginning
        start = 0
    end = min(len(text), (first.end() if first else 0) + radius * 2)
    excerpt = _marked(text[start:end], pattern)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{excerpt}{suffix}")  # noqa: S308 - every piece is escaped


def may_search(user: Any) -> bool:
    """Whether the user holds, anywhere, a permission that finds some kind of entry."""
    from edugov.office.models import SearchEntry

    if user is None or not user.is_authenticated:
        return False
    if has_permission(user, DOCUMENT_VIEW) or has_permission(user, ARCHIVE_VIEW):
        return True
    permissions = SearchEntry.objects.order_by().values_list("permission", flat=True).distinct()
    return any(has_permission(user, permission) for permission in permissions)


def visible_entries(user: Any) -> QuerySet:
    """Entries the user may find: for each permission, those of units in the user's scope."""
    from edugov.office.models import SearchEntry

    if user is None or not user.is_authenticated or not user.is_active:
        return SearchEntry.objects.none()
    allowed: Q | None = None
    permissions = SearchEntry.objects.order_by().values_list("permission", flat=True).distinct()
    for permission in permissions:
        scope = scope_q(user, permission, field="organization")
        if scope is None:
            continue
        part = Q(permission=permission) & scope
        allowed = part if allowed is None else allowed | part
    if allowed is None:
        return SearchEntry.objects.none()
    return SearchEntry.objects.filter(allowed)


def search(
    user: Any, query: str, *, kinds: Iterable[str] | None = None, limit: int = 20, offset: int = 0
) -> SearchPage:
    """Entries matching every word of ``query`` that ``user`` may see, best first."""
    terms = query_terms(query or "")
    if not terms:
        return SearchPage([], 0, terms)
    qs = visible_entries(user)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    qs = backends.matching(qs, terms)
    total = qs.count()
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    if total == 0 or limit == 0 or offset >= total:
        return SearchPage([], total, terms)
    rows = qs.select_related("organization").order_by("-score", "-updated_at", "-id")[offset : offset + limit]
    pattern = _pattern(terms)
    results = [
        Hit(
            kind=row.kind,
            kind_label=kind_label(row.kind),
            title=row.title,
            title_html=mark_safe(_marked(row.title, pattern)),  # noqa: S308 - escaped by _marked
            url=row.url,
            snippet=highlight(row.text, terms),
            organization=row.organization.name,
            score=float(row.score or 0),
        )
        for row in rows
    ]
    return SearchPage(results, total, terms)
