"""Rebuild the portal's shared search index (every live public page of every portal site)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from edugov.portal.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the portal search index: every live page of every portal site; drop stale entries."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reindex_all()
        self.stdout.write("indexed {indexed} pages; removed {removed} stale entries".format(**counts))
