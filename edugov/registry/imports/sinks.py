"""Where the checking pass sends the writes it decided, and how they end in one transaction.

``SpillSink`` (SQLite, or inside an outer transaction) keeps them in a temporary file and
writes them all after the checking pass. ``ThreadSink`` (PostgreSQL) stages each chunk
(table rows built, primary keys reserved from the sequences) and hands it to a writer
thread with its own connection, which streams it into the database while the next chunk
is being checked: the database inserts while Python validates. Either way every write of a job
happens in one transaction, committed only when the whole file has been checked — or
rolled back, as soon as a row proves invalid in all-or-nothing mode.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from edugov.registry.imports.engine import Spill

QUEUE_CHUNKS = 4  # chunks waiting for the writer: bounds memory while the two work in parallel


class _Stop:
    """Tells the writer to end: ``commit`` with a final step, or roll back."""

    def __init__(self, commit: bool, final: Callable[[int, int], None] | None = None) -> None:
        self.commit = commit
        self.final = final


class _Rollback(Exception):
    pass


class SpillSink:
    def __init__(self, importer: Any) -> None:
        self.importer = importer
        self.spill = Spill()
        self.open = True
        self.error: BaseException | None = None

    def add(self, ops: list[Any]) -> None:
        if self.open:
            self.spill.add(ops)

    def abort(self) -> None:
        self.open = False

    def commit(self, final: Callable[[int, int], None]) -> tuple[int, int]:
        created = updated = 0
        with transaction.atomic():
            for chunk in self.spill:
                made, changed = self.importer.write(_stage(self.importer, chunk))
                created += made
                updated += changed
            final(created, updated)
        return created, updated

    def close(self) -> None:
        self.spill.close()


class ThreadSink:
    def __init__(self, importer: Any) -> None:
        self.importer = importer
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_CHUNKS)
        self.open = True
        self.error: BaseException | None = None
        self.result = (0, 0)
        # The writer records lineage and audit with the caller's request context (request id).
        context = contextvars.copy_context()
        self.thread = threading.Thread(
            target=context.run, args=(self._work,), name="edugov-import-writer", daemon=True
        )
        self.thread.start()

    def add(self, ops: list[Any]) -> None:
        if self.open and self.error is None:
            self.queue.put(_stage(self.importer, ops))

    def abort(self) -> None:
        if self.open:
            self.open = False
            self.queue.put(_Stop(commit=False))

    def commit(self, final: Callable[[int, int], None]) -> tuple[int, int]:
        self.open = False
        self.queue.put(_Stop(commit=True, final=final))
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.result

    def close(self) -> None:
        if self.thread.is_alive():
            self.abort()
            self.thread.join()

    def _work(self) -> None:
        item: Any = None
        try:
            created = updated = 0
            with transaction.atomic():
                while not isinstance(item := self.queue.get(), _Stop):
                    made, changed = self.importer.write(item)
                    created += made
                    updated += changed
                if not item.commit:
                    raise _Rollback
                item.final(created, updated)
            self.result = (created, updated)
        except _Rollback:
            pass
        except BaseException as error:  # handed to the main thread, which raises it
            self.error = error
            while not isinstance(item, _Stop):  # let a blocked producer finish
                item = self.queue.get()
        finally:
            connection.close()


def _stage(importer: Any, ops: list[Any]) -> Any:
    """What ``importer.write`` takes: ``importer.stage(ops)`` where the importer has it."""
    stage = getattr(importer, "stage", None)
    return stage(ops) if stage is not None else ops


def make_sink(importer: Any) -> SpillSink | ThreadSink:
    """A writer thread on PostgreSQL; a spill otherwise (SQLite allows one writer at a time,
    and within an outer transaction a second connection would not see its uncommitted rows)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        return ThreadSink(importer)
    return SpillSink(importer)
