"""Field encryption and lookup hashes (DB-9): the functions and the batch ``Sealer`` agree."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.test import override_settings

from edugov.core import crypto


def test_encrypt_round_trip_and_fresh_nonce() -> None:
    first = crypto.encrypt("650102201501011234", context="registry.student.id_number")
    second = crypto.encrypt("650102201501011234", context="registry.student.id_number")
    assert first.startswith(crypto.PREFIX)
    assert first != second  # a new nonce every time
    assert crypto.decrypt(first, context="registry.student.id_number") == "650102201501011234"


def test_ciphertext_is_bound_to_its_column_and_to_the_key() -> None:
    token = crypto.encrypt("乌鲁木齐市天山区", context="registry.student.address")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="registry.guardian.phone")
    with (
        override_settings(EDUGOV_DATA_KEY="another-key-of-enough-length-0123456789"),
        pytest.raises(crypto.DecryptionError),
    ):
        crypto.decrypt(token, context="registry.student.address")


def test_lookup_hash_is_keyed_and_namespaced() -> None:
    value = crypto.lookup_hash("13800138000", kind="phone")
    assert len(value) == 64
    assert value != crypto.lookup_hash("13800138000", kind="id")
    assert value != hashlib.sha256(b"phone:13800138000").hexdigest()
    key = crypto._derive(crypto._master(), b"lookup-hash/hmac-sha256")
    assert value == hmac.new(key, b"phone:13800138000", hashlib.sha256).hexdigest()


def test_sealer_matches_the_functions() -> None:
    sealer = crypto.Sealer()
    tokens = [sealer.encrypt(f"value {i}", context="registry.student.address") for i in range(400)]
    assert len(set(tokens)) == 400  # nonces from the pool are never reused
    assert [crypto.decrypt(t, context="registry.student.address") for t in tokens] == [
        f"value {i}" for i in range(400)
    ]
    assert sealer.encrypt("", context="registry.student.address") == ""
    for kind in ("id", "phone", "student_number"):
        assert sealer.lookup_hash("G650102201501011234", kind=kind) == crypto.lookup_hash(
            "G650102201501011234", kind=kind
        )
