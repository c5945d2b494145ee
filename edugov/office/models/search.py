"""Full-text search (IN-4): one row per searchable object, with its jieba tokens.

The tokens are searched by the database: a GIN index on ``to_tsvector('simple', tokens)``
on PostgreSQL, an FTS5 table ``office_search_fts`` (external content, kept in sync by
triggers) on SQLite; both are created by the migration (see ``office.search.backends``).
Each row carries the unit and the permission that decide who may find it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet

__all__ = ["SearchEntry"]


class SearchEntry(models.Model):
    scope_field = "organization"

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField()
    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    # The permission a user needs on ``organization`` to find the row.
    permission = models.CharField(max_length=80)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(max_length=300, blank=True)
    # Plain text the snippet is cut from (limited in length).
    text = models.TextField(blank=True)
    # jieba cut_for_search output, lowercased, punctuation dropped, joined by spaces.
    tokens = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="office_search_unique")]
        indexes = [models.Index(fields=["permission", "organization"], name="office_search_perm_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
