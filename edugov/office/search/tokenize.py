"""Chinese (and mixed) text to search tokens with jieba.

Documents are cut with ``cut_for_search`` (every word plus the shorter dictionary words
inside long ones: 义务教育 → 义务, 教育, 义务教育), lowercased, with punctuation dropped.
Queries are cut in the precise mode and each word is matched as a prefix, so a query word
finds the same word or a longer one that begins with it.

Tokens only ever hold letters and digits: nothing a user types can reach the database's
query syntax (FTS5 MATCH, to_tsquery) as an operator.
"""

from __future__ import annotations

import logging
import re
import threading

_NON_WORD = re.compile(r"[\W_]+")
_lock = threading.Lock()
_ready = False

MAX_QUERY_TERMS = 10
MAX_TERM_LENGTH = 40


def _jieba():  # noqa: ANN202 - the jieba module
    global _ready  # noqa: PLW0603
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def _clean(words) -> list[str]:  # noqa: ANN001 - an iterable of str
    tokens: list[str] = []
    for word in words:
        for part in _NON_WORD.split(word.lower()):
            if part:
                tokens.append(part)
    return tokens


def tokens_of(text: str) -> list[str]:
    """The index tokens of ``text`` (jieba search mode)."""
    if not text:
        return []
    return _clean(_jieba().cut_for_search(text))


def tokenize(text: str) -> str:
    """``tokens_of(text)`` joined by spaces: the value stored in ``SearchEntry.tokens``."""
    return " ".join(tokens_of(text))


def query_terms(query: str) -> list[str]:
    """The distinct words of a query (precise mode), in order, at most ``MAX_QUERY_TERMS``."""
    if not query:
        return []
    terms: list[str] = []
    for token in _clean(_jieba().cut(query[:500])):
        token = token[:MAX_TERM_LENGTH]
        if token not in terms:
            terms.append(token)
        if len(terms) == MAX_QUERY_TERMS:
            break
    return terms
