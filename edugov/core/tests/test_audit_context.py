"""Request context reaches audit entries in the form the database keeps (PL-5)."""

import pytest

from edugov.core.audit import log_event, verify_chain
from edugov.platform.context import RequestContext, reset_request_context, set_request_context

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("2001:DB8:0:0:0:0:0:1", "2001:db8::1"), ("not-an-ip", None), (" 10.1.2.3 ", "10.1.2.3"), ("", None)],
)
def test_addresses_are_normalised_before_hashing(raw, stored):
    token = set_request_context(RequestContext(request_id="r" * 100, ip_address=raw))
    try:
        entry = log_event("test.event", acting_user=None)
    finally:
        reset_request_context(token)
    entry.refresh_from_db()
    assert entry.ip_address == stored
    assert entry.request_id == "r" * 64
    assert list(verify_chain()) == []


@pytest.mark.django_db(transaction=True)
def test_verification_takes_no_write_lock_on_sqlite():
    from django.db import connection

    from edugov.core.audit import chain_snapshot

    with chain_snapshot():
        # SQLite's IMMEDIATE transactions would lock out every writer for the whole walk.
        assert connection.in_atomic_block is (connection.vendor == "postgresql")
