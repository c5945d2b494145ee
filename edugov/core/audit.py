"""The audit log: one ``log_event`` API, called inside the writing transaction.

Entries are chained: ``entry_hash = HMAC-SM3(key, canonical(entry) + prev_hash)``.
Appends take a row lock on the chain head, so concurrent writers line up and the
chain has no forks. Keep personal data out of ``changes`` and ``extra``: store ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from edugov.platform.context import get_request_context

if TYPE_CHECKING:
    from edugov.core.models import AuditEntry, Organization, User

GENESIS_HASH = "0" * 64


class AuditEvent(StrEnum):
    LOGIN = "auth.login"
    LOGIN_FAILED = "auth.login_failed"
    LOGOUT = "auth.logout"
    LOCKED_OUT = "auth.locked_out"
    PASSWORD_CHANGED = "auth.password_changed"  # noqa: S105 - an event name
    PASSWORD_RESET = "auth.password_reset"  # noqa: S105 - an event name
    MFA_ENABLED = "auth.mfa_enabled"
    MFA_DISABLED = "auth.mfa_disabled"
    UNIT_SWITCHED = "auth.unit_switched"
    USER_CREATED = "user.created"
    USER_CHANGED = "user.changed"
    USER_DEACTIVATED = "user.deactivated"
    MEMBERSHIP_ADDED = "user.membership_added"
    GRANT_CREATED = "grant.created"
    GRANT_REVOKED = "grant.revoked"
    GRANT_REFUSED = "grant.refused"
    ROLE_CHANGED = "role.changed"
    ORG_CREATED = "org.created"
    ORG_CHANGED = "org.changed"
    ORG_CLOSED = "org.closed"
    PERSONAL_DATA_VIEWED = "privacy.full_view"
    AUDIT_EXPORTED = "audit.exported"
    CALENDAR_CHANGED = "calendar.changed"
    ACCESS_DENIED = "security.access_denied"
    SIGNING_KEY_CREATED = "signing.key_created"
    SIGNING_KEY_ROTATED = "signing.key_rotated"


# Labels of events defined by other apps, for the auditor's screens (core knows no app above it).
APP_EVENT_LABELS: dict[str, Any] = {}


def register_event_labels(labels: dict[str, Any]) -> None:
    APP_EVENT_LABELS.update({str(k): v for k, v in labels.items()})


def _key() -> bytes:
    return (settings.EDUGOV_AUDIT_HMAC_KEY or "").encode("utf-8")


def compute_hash(fields: dict[str, Any], prev_hash: str) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    data = payload.encode("utf-8") + b"|" + prev_hash.encode("ascii")
    key = _key()
    if key:
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(data)
        return mac.finalize().hex()
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    """The fields an entry's hash covers, in a form that survives a database round trip."""
    return {
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "event_type": entry.event_type,
        "success": bool(entry.success),
        "acting_user_id": entry.acting_user_id,
        "acting_username": entry.acting_username,
        "organization_id": entry.organization_id,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_repr": entry.target_repr,
        "extra_data": entry.extra_data,
        "reason": entry.reason,
        "ip_address": entry.ip_address,
        "request_id": entry.request_id,
    }


def _target_fields(target: models.Model | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    label = f"{target._meta.app_label}.{target._meta.model_name}"
    return label, str(target.pk), str(target)[:200]


def log_event(
    event_type: AuditEvent | str,
    *,
    acting_user: User | None,
    target: models.Model | None = None,
    organization: Organization | None = None,
    changes: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    reason: str = "",
    success: bool = True,
    username: str = "",
) -> AuditEntry:
    """Append one entry. Call it inside the transaction that makes the change."""
    from edugov.core.models import AuditChainHead, AuditEntry

    ctx = get_request_context()
    ip_address = _normalise_ip(ctx.ip_address)
    data: dict[str, Any] = dict(extra or {})
    if changes:
        data["changes"] = changes
    target_type, target_id, target_repr = _target_fields(target)
    if organization is None and target is not None:
        organization = _owning_organization(target)
    actor = acting_user if acting_user is not None and acting_user.is_authenticated else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.last_seq + 1,
            created_at=timezone.now(),
            event_type=str(event_type),
            success=success,
            acting_user=actor,
            acting_username=(actor.get_username() if actor else username)[:64],
            organization=organization,
            target_type=target_type,
            target_id=target_id,
            target_repr=target_repr,
            extra_data=_jsonable(data),
            reason=reason[:500],
            ip_address=ip_address,
            request_id=ctx.request_id[:64],
            prev_hash=head.last_hash,
        )
        entry.entry_hash = compute_hash(hashed_fields(entry), entry.prev_hash)
        entry.save()
        AuditChainHead.objects.filter(pk=1).update(last_seq=entry.seq, last_hash=entry.entry_hash)
    return entry


def _normalise_ip(value: str | None) -> str | None:
    """The address as the database will store it (so the hash survives), or None if not an address."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _owning_organization(target: models.Model) -> Organization | None:
    from edugov.core.models import Organization

    if isinstance(target, Organization):
        return target
    org = getattr(target, "organization", None)
    return org if isinstance(org, Organization) else None


def _jsonable(value: Any) -> Any:
    # A JSONField round trip must give back exactly what was hashed.
    return json.loads(json.dumps(value, default=str))


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    entry_id: int | None
    message: str


def verify_chain(batch_size: int = 2000) -> Iterator[ChainProblem]:
    """Walk the chain in order and yield every break; the first one is the first bad entry.

    The head is read first and the walk stops at it, so entries appended while the
    walk runs are neither missed as "deleted" nor reported as a broken tail.
    """
    from edugov.core.models import AuditChainHead, AuditEntry

    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if AuditEntry.objects.exists():
            yield ChainProblem(None, None, "the chain head is missing while entries exist")
        return
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq = 0
    entries = AuditEntry.objects.filter(seq__lte=head.last_seq).order_by("seq")
    for entry in entries.iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            yield ChainProblem(
                entry.seq,
                entry.pk,
                f"sequence jumps from {expected_seq - 1} to {entry.seq}: entries are missing",
            )
        if entry.prev_hash != expected_prev:
            yield ChainProblem(
                entry.seq,
                entry.pk,
                "previous-hash link does not match: an entry before it was deleted, inserted or moved",
            )
        recomputed = compute_hash(hashed_fields(entry), entry.prev_hash)
        if not hmac.compare_digest(recomputed, entry.entry_hash):
            yield ChainProblem(entry.seq, entry.pk, "content does not match its hash: the entry was edited")
        expected_prev = entry.entry_hash
        expected_seq = entry.seq + 1
        last_seq = entry.seq
    if head.last_seq != last_seq or head.last_hash != expected_prev:
        yield ChainProblem(
            head.last_seq,
            None,
            f"the chain ends at #{last_seq} but its head records #{head.last_seq}: "
            "the newest entries were deleted or replaced",
        )


@contextmanager
def chain_snapshot() -> Iterator[None]:
    """Let a verification and its summary read one consistent state of the log.

    ``verify_chain`` is already safe against concurrent appends (it stops at the head it
    read first); this only keeps the summary printed afterwards in step with the walk.
    On PostgreSQL that is a read-only REPEATABLE READ transaction, which blocks nobody.
    On SQLite a transaction would take the database's single write lock (edugov uses
    IMMEDIATE transactions) and stall every sign-in for the length of the walk, so no
    transaction is opened there: WAL readers never block writers.
    """
    if connection.in_atomic_block or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def fingerprint() -> str:
    """A short digest of the current head, to write down or send elsewhere as a witness."""
    from edugov.core.models import AuditChainHead

    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return GENESIS_HASH
    return hashlib.sha256(f"{head.last_seq}:{head.last_hash}".encode()).hexdigest()
