"""Encryption of personal data at rest and keyed hashes for exact lookup (DB-9, GB/T 22239).

One master secret (``settings.EDUGOV_DATA_KEY``) is stretched with HKDF-SHA256 into two
independent keys: an AES-256-GCM key for field values and an HMAC-SHA256 key for lookup
hashes ("blind indexes"). Each value is encrypted with a fresh 96-bit nonce and the
field's name as associated data, so a ciphertext copied into another column fails to
decrypt. Stored form: ``v1:`` + base64(nonce ‖ ciphertext ‖ tag).
"""

from __future__ import annotations

import base64
import binascii
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


class Sealer:
    """``encrypt`` and ``lookup_hash`` for many values in a row (bulk imports, demo data).

    Same algorithms, keys and stored form as the functions above; it keeps the cipher
    and the keyed-hash state between calls and draws nonces from the operating system's
    generator 4 KiB at a time (each nonce is still 96 fresh random bits, never reused).
    """

    def __init__(self) -> None:
        master = _master()
        self._aead = _aead(master)
        key = _derive(master, b"lookup-hash/hmac-sha256")  # 32 bytes: HMAC uses it as it is
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key.ljust(64, b"\0")))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key.ljust(64, b"\0")))
        self._pool = b""
        self._at = 0
        self._contexts: dict[str, bytes] = {}

    def encrypt(self, value: str, *, context: str) -> str:
        """As ``encrypt``; an empty value stays empty (as the encrypted fields store it)."""
        if not value:
            return ""
        if self._at + 12 > len(self._pool):
            self._pool, self._at = os.urandom(4092), 0
        nonce = self._pool[self._at : self._at + 12]
        self._at += 12
        aad = self._contexts.get(context)
        if aad is None:
            aad = self._contexts[context] = context.encode()
        sealed = self._aead.encrypt(nonce, value.encode(), aad)
        return PREFIX + binascii.b2a_base64(nonce + sealed, newline=False).decode("ascii")

    def lookup_hash(self, value: str, *, kind: str = "id") -> str:
        """As ``lookup_hash`` (HMAC-SHA256 written out, so the key schedule is done once)."""
        inner = self._inner.copy()
        inner.update(f"{kind}:{value}".encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()
