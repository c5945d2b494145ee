"""The audit hash chain: appends, append-only models, and tampering caught by verify_audit."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from edugov.core import audit as audit_module
from edugov.core.audit import GENESIS_HASH, AuditEvent, fingerprint, log_event, verify_chain
from edugov.core.models import AuditChainHead, AuditEntry
from edugov.core.models.audit import AppendOnlyError

TABLE = AuditEntry._meta.db_table


def run_verify(*args: str) -> tuple[int, str, str]:
    """Run ``verify_audit`` and return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(str(exc))
        return exc.returncode or 1, out.getvalue(), err.getvalue()
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def first_bad_line(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if line.startswith("First bad entry:"))


def raw_sql(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def entry(seq: int) -> AuditEntry:
    return AuditEntry.objects.get(seq=seq)


@pytest.fixture
def chain() -> list[AuditEntry]:
    """Five chained entries, #1..#5."""
    return [
        log_event(
            AuditEvent.LOGIN_FAILED, acting_user=None, username=f"user{i}", success=False, extra={"i": i}
        )
        for i in range(1, 6)
    ]


def _log_then_fail() -> None:
    with transaction.atomic():
        log_event(AuditEvent.ORG_CHANGED, acting_user=None, extra={"doomed": True})
        raise RuntimeError("the change fails")


@pytest.mark.django_db
class TestAppend:
    def test_entries_are_chained_with_consecutive_seq(self, chain: list[AuditEntry]) -> None:
        # given five logged events
        stored = list(AuditEntry.objects.order_by("seq"))
        # then seq runs 1..5 and each entry points at the previous entry's hash
        assert [e.seq for e in stored] == [1, 2, 3, 4, 5]
        assert stored[0].prev_hash == GENESIS_HASH
        for before, after in zip(stored, stored[1:], strict=False):
            assert after.prev_hash == before.entry_hash
        head = AuditChainHead.objects.get(pk=1)
        assert (head.last_seq, head.last_hash) == (5, stored[-1].entry_hash)
        assert list(verify_chain()) == []

    def test_orm_update_raises(self, chain: list[AuditEntry]) -> None:
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(seq=1).update(reason="covered up")
        stored = entry(2)
        stored.reason = "covered up"
        with pytest.raises(AppendOnlyError):
            stored.save()
        assert AuditEntry.objects.filter(reason="covered up").count() == 0

    def test_orm_delete_raises(self, chain: list[AuditEntry]) -> None:
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(seq=1).delete()
        with pytest.raises(AppendOnlyError):
            entry(2).delete()
        assert AuditEntry.objects.count() == 5

    def test_rolled_back_transaction_leaves_no_entry(self, chain: list[AuditEntry]) -> None:
        # given a change that fails after logging its audit entry
        with pytest.raises(RuntimeError):
            _log_then_fail()
        # then the entry and the head move are both gone, and the chain still verifies
        assert AuditEntry.objects.count() == 5
        assert AuditChainHead.objects.get(pk=1).last_seq == 5
        assert run_verify()[0] == 0
        # and the next append continues the chain without a gap
        assert log_event(AuditEvent.LOGIN, acting_user=None).seq == 6
        assert run_verify()[0] == 0


@pytest.mark.django_db
class TestVerifyCommand:
    def test_intact_chain_exits_zero(self, chain: list[AuditEntry]) -> None:
        code, out, err = run_verify()
        assert code == 0
        assert err == ""
        assert f"Audit chain intact: 5 entries, head #5, fingerprint {fingerprint()}" in out

    def test_empty_log_is_intact(self) -> None:
        code, out, _ = run_verify()
        assert code == 0
        assert "Audit chain intact: 0 entries, head #0" in out

    def test_quiet_prints_nothing_when_intact(self, chain: list[AuditEntry]) -> None:
        assert run_verify("--quiet") == (0, "", "")

    @pytest.mark.parametrize(
        ("column", "value"),
        [("extra_data", '{"i": 99}'), ("event_type", AuditEvent.LOGIN.value), ("success", True)],
        ids=["extra_data_case", "event_type_case", "success_case"],
    )
    def test_edited_entry_is_named_first(self, chain: list[AuditEntry], column: str, value: object) -> None:
        # given entry #3 edited behind the application's back
        raw_sql(f"UPDATE {TABLE} SET {column} = %s WHERE seq = %s", [value, 3])  # noqa: S608
        # when verifying
        code, _, err = run_verify()
        # then the command fails and names #3 as the first bad entry
        assert code != 0
        assert f"First bad entry: #3 (id {chain[2].pk})" in err
        assert "edited" in first_bad_line(err)

    def test_deleted_middle_entry_names_the_entry_after_the_gap(self, chain: list[AuditEntry]) -> None:
        raw_sql(f"DELETE FROM {TABLE} WHERE seq = %s", [3])  # noqa: S608
        code, _, err = run_verify()
        assert code != 0
        assert f"First bad entry: #4 (id {chain[3].pk})" in err
        assert "missing" in first_bad_line(err)

    def test_swapped_entries_are_detected(self, chain: list[AuditEntry]) -> None:
        # given #2 and #3 swapped, through a free seq value because seq is unique
        raw_sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [1000, 2])  # noqa: S608
        raw_sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [2, 3])  # noqa: S608
        raw_sql(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [3, 1000])  # noqa: S608
        code, _, err = run_verify()
        assert code != 0
        # the row now at #2 is the old #3
        assert f"First bad entry: #2 (id {chain[2].pk})" in err

    def test_deleted_newest_entry_is_caught_by_the_head(self, chain: list[AuditEntry]) -> None:
        raw_sql(f"DELETE FROM {TABLE} WHERE seq = %s", [5])  # noqa: S608
        code, _, err = run_verify()
        assert code != 0
        assert "First bad entry: #5 (no row)" in err
        assert "head records #5" in err

    def test_every_problem_is_listed(self, chain: list[AuditEntry]) -> None:
        raw_sql(f"UPDATE {TABLE} SET reason = %s WHERE seq IN (%s, %s)", ["x", 2, 4])  # noqa: S608
        code, _, err = run_verify("--quiet")
        assert code != 0
        assert f"First bad entry: #2 (id {chain[1].pk})" in err
        assert f"Also: #4 (id {chain[3].pk})" in err


def _log_in_own_transaction(worker: int, per_worker: int, errors: list[BaseException]) -> None:
    try:
        for i in range(per_worker):
            with transaction.atomic():
                log_event(AuditEvent.LOGIN, acting_user=None, extra={"worker": worker, "i": i})
    except BaseException as exc:  # noqa: BLE001 - reported by the test thread
        errors.append(exc)
    finally:
        connections.close_all()


def _run_threads(target: Callable[..., None], count: int, *args: object) -> None:
    threads = [threading.Thread(target=target, args=(n, *args)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_a_gapless_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks (SELECT ... FOR UPDATE): PostgreSQL only")
    # given eight writers logging five events each in their own transactions
    errors: list[BaseException] = []
    _run_threads(_log_in_own_transaction, 8, 5, errors)
    # then no writer failed, seq is gapless and the chain verifies
    assert errors == []
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 41))
    assert list(verify_chain()) == []
    assert run_verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_entry_appended_during_the_walk_is_not_a_broken_tail(monkeypatch: pytest.MonkeyPatch) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection writing concurrently: PostgreSQL only")
    # given a chain, and a writer that appends (and commits) while verify_audit walks it
    for i in range(3):
        log_event(AuditEvent.LOGIN, acting_user=None, extra={"i": i})
    real_compute_hash = audit_module.compute_hash
    main = threading.current_thread()
    appended: list[int] = []

    def compute_hash_then_append(fields: dict[str, object], prev_hash: str) -> str:
        if threading.current_thread() is main and not appended:
            appended.append(fields["seq"])  # type: ignore[arg-type]
            _run_threads(_log_in_own_transaction, 1, 1, [])
        return real_compute_hash(fields, prev_hash)

    monkeypatch.setattr(audit_module, "compute_hash", compute_hash_then_append)
    # when verifying
    code, out, err = run_verify()
    # then the walk and the head come from one snapshot: no false alarm
    assert appended == [1]
    assert AuditEntry.objects.count() == 4
    assert (code, err) == (0, "")
    assert "3 entries, head #3" in out
