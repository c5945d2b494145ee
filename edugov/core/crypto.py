"""Encryption of personal data at rest and keyed hashes for exact lookup (DB-9, GB/T 22239).

One master secret (``settings.EDUGOV_DATA_KEY``) is stretched with HKDF-SHA256 into two
independent keys: an AES-256-GCM key for field values and an HMAC-SHA256 key for lookup
hashes ("blind indexes"). Each value is encrypted with a fresh 96-bit nonce and the
field's name as associated data, so a ciphertext copied into another column fails to
decrypt. Stored form: ``v1:`` + base64(nonce ‖ ciphertext ‖ tag).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1:"


class DecryptionError(Exception):
    """A stored value could not be decrypted (wrong key, or the value was tampered with)."""


@lru_cache(maxsize=4)
def _derive(master: str, purpose: bytes) -> bytes:
    if len(master) < 16:
        raise ImproperlyConfigured("EDUGOV_DATA_KEY must be set (at least 32 characters in production).")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"edugov-data-key", info=purpose).derive(
        master.encode()
    )


def _master() -> str:
    return settings.EDUGOV_DATA_KEY


@lru_cache(maxsize=4)
def _aead(master: str) -> AESGCM:
    return AESGCM(_derive(master, b"field-encryption/aes-256-gcm"))


def encrypt(value: str, *, context: str) -> str:
    """Encrypt ``value`` bound to ``context`` (normally ``app.model.field``)."""
    nonce = os.urandom(12)
    sealed = _aead(_master()).encrypt(nonce, value.encode(), context.encode())
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str, *, context: str) -> str:
    if not token.startswith(PREFIX):
        raise DecryptionError("unknown ciphertext format")
    raw = base64.b64decode(token[len(PREFIX) :])
    try:
        return _aead(_master()).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except InvalidTag as error:
        raise DecryptionError("ciphertext does not authenticate") from error


def lookup_hash(value: str, *, kind: str = "id") -> str:
    """A keyed hash of an already normalised value, for exact-match search (64 hex digits).

    ``kind`` separates namespaces (an ID number and a phone number never collide).
    """
    key = _derive(_master(), b"lookup-hash/hmac-sha256")
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
