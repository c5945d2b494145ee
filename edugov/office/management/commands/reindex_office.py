"""Rebuild the office's full-text search index (documents, opinions, archive records)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from edugov.office.search.index import reindex_all


class Command(BaseCommand):
    help = "Rebuild the office search index: every document, opinion and archive record."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reindex_all()
        self.stdout.write(
            "indexed {document} documents, {opinion} opinions, {archive} archive records; "
            "removed {removed} stale entries".format(**counts)
        )
