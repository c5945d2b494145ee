"""Compare every live portal page with what was published (PUB-11).

    manage.py check_published [--site HOST] [--base-url URL] [--rebaseline]

For each live page: its snapshot must exist and name its live revision; its columns must
equal that revision's content (a direct database edit shows here); the HTML an anonymous
visitor receives — rendered here, or fetched from ``--base-url`` (a mirror or the front
server, asked with the site's Host header) — must hash to the snapshot's. One line per page
that fails a check; exit status 1 when any does.

``--rebaseline`` takes new snapshots instead (after a deploy that changed templates on
purpose); it is audited.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from edugov.core.audit import log_event
from edugov.portal.events_publishing import PublishingEvent
from edugov.portal.publishing import check_pages, fetch_over_http


class Command(BaseCommand):
    help = "Check that every live portal page is what was published; exit 1 on any mismatch."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--site", dest="site", default="", help="only this site (host name)")
        parser.add_argument(
            "--base-url",
            dest="base_url",
            default="",
            help="fetch the pages over HTTP from this server (http://mirror:8080) instead of rendering",
        )
        parser.add_argument(
            "--rebaseline", action="store_true", help="take new snapshots of every live page (audited)"
        )
        parser.add_argument("--reason", default="", help="why the snapshots are re-baselined")

    def handle(self, *args: Any, **options: Any) -> None:
        hostname = options["site"] or None
        if options["rebaseline"]:
            from edugov.portal.actions.publishing import do_rebaseline_snapshots

            count = do_rebaseline_snapshots(hostname=hostname, acting_user=None, reason=options["reason"])
            self.stdout.write(f"re-baselined {count} pages")
            return
        fetch = None
        if options["base_url"]:
            if not options["base_url"].startswith(("http://", "https://")):
                raise CommandError("--base-url must start with http:// or https://")
            fetch = functools.partial(fetch_over_http, options["base_url"])
        mismatches = check_pages(hostname, fetch)
        for mismatch in mismatches:
            self.stdout.write(mismatch.line())
        if mismatches:
            log_event(
                PublishingEvent.TAMPER_DETECTED,
                acting_user=None,
                success=False,
                extra={
                    "pages": [m.page_id for m in mismatches[:200]],
                    "checks": sorted({c for m in mismatches for c in m.failed}),
                },
            )
            raise SystemExit(1)
        self.stdout.write("all live pages match their published snapshots")
