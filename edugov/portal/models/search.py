"""Search across every portal site (网站群 shared search, PUB-9): one row per live public page.

Wagtail's own search cannot cut Chinese into words, so the portal keeps its own index,
built like the office's (``edugov.office.search``): jieba tokens in a text column searched
by the database's full-text engine — an FTS5 table ``portal_search_fts`` (external content,
kept in sync by triggers) on SQLite, a GIN index on ``to_tsvector('simple', tokens)`` on
PostgreSQL. Both are created by the migration (see ``edugov.portal.search``).

Rows are written only by ``edugov.portal.search`` (Wagtail's publish, unpublish, move and
delete signals, and ``manage.py portal_reindex``). Everything here is public: a row exists
only for a live page, without view restrictions, of a site that has a ``PortalSite``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["PortalSearchEntry"]


class PortalSearchEntry(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="portal_search_entry",
        verbose_name=_("page"),
    )
    portal_site = models.ForeignKey(
        "portal.PortalSite", on_delete=models.CASCADE, related_name="+", verbose_name=_("site")
    )
    # Wagtail locale's language code (zh-hans, ug, ky-arab, en).
    language = models.CharField(_("language"), max_length=16)
    title = models.CharField(_("title"), max_length=255)
    # The page's full address (scheme, host and path): results link across sites.
    url = models.CharField(_("address"), max_length=500)
    date = models.DateField(_("date"), null=True, blank=True)
    # Plain text (no title, no markup) the highlighted excerpt is cut from; limited in length.
    excerpt = models.TextField(_("text"), blank=True)
    # jieba cut_for_search words (Chinese) and lower-cased words (other scripts), joined by spaces.
    tokens = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("portal search entry")
        verbose_name_plural = _("portal search entries")
        indexes = [models.Index(fields=["portal_site", "language"], name="portal_search_site_idx")]

    def __str__(self) -> str:
        return self.title
