"""``manage.py verify_audit``: walk the audit hash chain and report every break.

Exits 0 when the chain is intact and non-zero (via ``CommandError``) otherwise, so a
cron job or monitoring probe can alert on it. The walk streams the entries in
batches; memory use does not grow with the size of the log.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.core.audit import ChainProblem, chain_snapshot, fingerprint, verify_chain
from edugov.core.models import AuditChainHead, AuditEntry


def describe_problem(problem: ChainProblem) -> str:
    """One line naming the entry (sequence number and row id) and what is wrong with it."""
    seq = f"#{problem.seq}" if problem.seq is not None else "#?"
    entry_id = f"id {problem.entry_id}" if problem.entry_id is not None else "no row"
    return f"{seq} ({entry_id}): {problem.message}"


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit non-zero if any entry was edited, deleted or moved."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="Print nothing when the chain is intact (problems are still reported).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Entries fetched per database round trip (default 2000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = 0
        first: ChainProblem | None = None
        with chain_snapshot():
            for problem in verify_chain(batch_size=options["batch_size"]):
                problems += 1
                if first is None:
                    first = problem
                    self.stderr.write(f"First bad entry: {describe_problem(problem)}")
                else:
                    self.stderr.write(f"Also: {describe_problem(problem)}")
            summary = self._summary() if first is None else ""
        if first is not None:
            raise CommandError(
                f"Audit chain broken: {problems} problem(s); the first bad entry is #{first.seq}."
            )
        if not options["quiet"]:
            self.stdout.write(self.style.SUCCESS(summary))

    def _summary(self) -> str:
        count = AuditEntry.objects.count()
        head = AuditChainHead.objects.filter(pk=1).first()
        last_seq = head.last_seq if head is not None else 0
        return f"Audit chain intact: {count} entries, head #{last_seq}, fingerprint {fingerprint()}"
