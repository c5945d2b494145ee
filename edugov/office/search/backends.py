"""The database side of the search: PostgreSQL full text or SQLite FTS5 (the vendor switch).

Both match every query word as a prefix (AND) and rank: ``ts_rank`` on PostgreSQL,
``bm25`` on SQLite. The query terms come from ``tokenize.query_terms`` and hold only
letters and digits; they are still quoted (FTS5 strings) and passed as parameters.

Schema (created by migration 0002 for the database in use):

- PostgreSQL: ``office_search_tsv``, a GIN index on ``to_tsvector('simple', tokens)``;
- SQLite: ``office_search_fts``, an FTS5 table with external content ``office_searchentry``
  (rowid = ``SearchEntry.id``) and three triggers that keep it in sync on every insert,
  update and delete, bulk ones included.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

FTS_TABLE = "office_search_fts"

POSTGRES_SETUP = [
    "CREATE INDEX IF NOT EXISTS office_search_tsv ON office_searchentry "
    "USING GIN (to_tsvector('simple'::regconfig, tokens))",
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS office_search_tsv"]

SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS office_search_fts USING fts5("
    "tokens, content='office_searchentry', content_rowid='id')",
    "CREATE TRIGGER IF NOT EXISTS office_search_ai AFTER INSERT ON office_searchentry BEGIN "
    "INSERT INTO office_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS office_search_ad AFTER DELETE ON office_searchentry BEGIN "
    "INSERT INTO office_search_fts(office_search_fts, rowid, tokens) "
    "VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS office_search_au AFTER UPDATE OF tokens ON office_searchentry BEGIN "
    "INSERT INTO office_search_fts(office_search_fts, rowid, tokens) "
    "VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO office_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS office_search_au",
    "DROP TRIGGER IF EXISTS office_search_ad",
    "DROP TRIGGER IF EXISTS office_search_ai",
    "DROP TABLE IF EXISTS office_search_fts",
]


def setup_statements(vendor: str) -> list[str]:
    return {"postgresql": POSTGRES_SETUP, "sqlite": SQLITE_SETUP}.get(vendor, [])


def teardown_statements(vendor: str) -> list[str]:
    return {"postgresql": POSTGRES_TEARDOWN, "sqlite": SQLITE_TEARDOWN}.get(vendor, [])


def fts5_match(terms: list[str]) -> str:
    """An FTS5 query: every term a quoted prefix string, all required."""
    return " AND ".join('"{}"*'.format(term.replace('"', '""')) for term in terms)


def tsquery_text(terms: list[str]) -> str:
    """A ``to_tsquery`` text: every term a prefix, all required (terms are letters and digits)."""
    return " & ".join(f"{term}:*" for term in terms if term.isalnum())


def matching(qs: QuerySet, terms: list[str]) -> QuerySet:
    """``qs`` (of SearchEntry) narrowed to rows matching all ``terms``, annotated ``score``."""
    if not terms:
        return qs.none()
    vendor = connection.vendor
    if vendor == "postgresql":
        tsq = tsquery_text(terms)
        if not tsq:
            return qs.none()
        vector = "to_tsvector('simple'::regconfig, office_searchentry.tokens)"
        query = "to_tsquery('simple'::regconfig, %s)"
        return qs.extra(  # noqa: S610 - fixed SQL, the query text is a parameter
            select={"score": f"ts_rank({vector}, {query})"},
            select_params=[tsq],
            where=[f"{vector} @@ {query}"],
            params=[tsq],
        )
    if vendor == "sqlite":
        return qs.extra(  # noqa: S610 - fixed SQL, the query text is a parameter
            select={"score": f"-bm25({FTS_TABLE})"},
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = office_searchentry.id", f"{FTS_TABLE} MATCH %s"],
            params=[fts5_match(terms)],
        )
    # Any other database: a plain (slow) containment test, still correct.
    for term in terms:
        qs = qs.filter(tokens__contains=term)
    return qs.extra(select={"score": "0"})  # noqa: S610 - constant SQL


def rebuild() -> None:
    """Rebuild the SQLite FTS table from its content table (after a bulk change or repair)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
