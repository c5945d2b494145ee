"""The node's signing keys: a self-signed root CA and one document-signing key per unit.

Keys are made on first use on each node, so none is ever shipped in the repository:
``root_ca()`` creates the node's root CA (ECDSA P-256, 20 years) and ``unit_key(unit)``
the unit's key with a certificate issued by that root (5 years). Private keys are kept
encrypted at rest with ``EDUGOV_DATA_KEY`` (``SigningKey.private_key_pem``); certificates
are public. Verifiers trust ``trust_roots()``; ``manage.py signing_keys --export-root``
writes the root certificate for programs outside the node (poppler's NSS database,
Adobe Reader).

Two workers asking for a unit's first key at once both build one, but a partial unique
constraint (one active key per unit and purpose) lets only the first insert through; the
other reads that key back. Rotation locks the unit's row, so rotations line up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.db import IntegrityError, transaction
from django.utils import timezone

from edugov.core.audit import AuditEvent, log_event
from edugov.core.models import Organization, SigningKey
from edugov.core.models.signing import SigningKeyAlgorithm, SigningKeyPurpose

if TYPE_CHECKING:
    from edugov.core.models import User

    PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

ROOT_COMMON_NAME = "edugov node root CA"
ROOT_VALIDITY = dt.timedelta(days=20 * 365 + 5)
UNIT_VALIDITY = dt.timedelta(days=5 * 365 + 1)
#: A key this close to its end is replaced on the next use rather than used.
RENEW_BEFORE = dt.timedelta(days=30)
#: Certificates start a little in the past, so a verifier whose clock is behind accepts them.
BACKDATE = dt.timedelta(minutes=10)
#: X.520 upper bound of a common name or organisation name.
NAME_MAX = 64

#: id-kp-documentSigning (RFC 9336) and Adobe's "Authentic Documents" purpose.
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
ADOBE_AUTHENTIC_DOCUMENTS = ObjectIdentifier("1.2.840.113583.1.1.5")

_private_keys: dict[str, PrivateKey] = {}


# --- Public API ----------------------------------------------------------------------


def root_ca() -> SigningKey:
    """The node's active root CA, created (self-signed, P-256, 20 years) on first use."""
    key = _active(None, SigningKeyPurpose.ROOT_CA)
    if key is not None and key.not_after - RENEW_BEFORE > timezone.now():
        return key
    return _create(None, SigningKeyPurpose.ROOT_CA, replace=key)


def unit_key(organization: Organization) -> SigningKey:
    """The unit's active document-signing key; created on first use, renewed near its end."""
    key = _active(organization, SigningKeyPurpose.DOCUMENT)
    if key is None:
        return _create(organization, SigningKeyPurpose.DOCUMENT)
    if key.not_after - RENEW_BEFORE <= timezone.now() or not _issuer_is_active(key):
        return _renew(organization, acting_user=None, stale=key)
    return key


def rotate_unit_key(
    organization: Organization, *, acting_user: User | None, algorithm: str = SigningKeyAlgorithm.ECDSA_P256
) -> SigningKey:
    """Retire the unit's active key (if any) and make a new one; audited."""
    return _renew(organization, acting_user=acting_user, stale=None, algorithm=algorithm)


def private_key(key: SigningKey) -> PrivateKey:
    """The key's private key (decrypted from the database; kept in memory by fingerprint)."""
    loaded = _private_keys.get(key.fingerprint)
    if loaded is None:
        loaded = serialization.load_pem_private_key(key.private_key_pem.encode("ascii"), password=None)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):  # pragma: no cover
            raise TypeError(f"unsupported key type {type(loaded).__name__}")
        _private_keys[key.fingerprint] = loaded
    return loaded


def certificate(key: SigningKey) -> x509.Certificate:
    return x509.load_pem_x509_certificate(key.certificate_pem.encode("ascii"))


def certificate_chain(key: SigningKey) -> list[x509.Certificate]:
    """The key's certificate followed by its issuers up to the root (inclusive)."""
    chain = [certificate(key)]
    issuer = key.issuer
    while issuer is not None and len(chain) < 4:
        chain.append(certificate(issuer))
        issuer = issuer.issuer
    return chain


def trust_roots() -> list[x509.Certificate]:
    """Root certificates this node trusts: its own roots, the retired ones included
    (documents signed before a root was replaced must still verify)."""
    rows = SigningKey.objects.filter(purpose=SigningKeyPurpose.ROOT_CA).order_by("created_at", "pk")
    return [certificate(row) for row in rows]


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, in lower-case hex."""
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def root_certificate_pem() -> str:
    return root_ca().certificate_pem


# --- Key and certificate generation (pure; no database) ------------------------------


def new_private_key(algorithm: str = SigningKeyAlgorithm.ECDSA_P256) -> PrivateKey:
    if algorithm == SigningKeyAlgorithm.ECDSA_P256:
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == SigningKeyAlgorithm.RSA_2048:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raise ValueError(f"unknown signing algorithm {algorithm!r}")


def _cut_bytes(value: str, limit: int) -> str:
    """``value`` cut at a character boundary to at most ``limit`` UTF-8 bytes."""
    return value.encode()[:limit].decode(errors="ignore")


def _name(common_name: str, organization_name: str | None = None) -> x509.Name:
    # X.520 bounds both at 64 characters; cryptography counts a common name in UTF-8
    # bytes (21 Chinese characters), so the full name (up to 64 characters) is in O.
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, _cut_bytes(common_name.strip(), NAME_MAX))]
    if organization_name:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization_name.strip()[:NAME_MAX]))
    return x509.Name(attributes)


def make_root_certificate(key: PrivateKey, *, now: dt.datetime | None = None) -> x509.Certificate:
    """A self-signed root CA certificate for ``key`` (CN "edugov node root CA", 20 years)."""
    now = now or timezone.now()
    name = _name(ROOT_COMMON_NAME, "edugov")
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def make_unit_certificate(
    key: PrivateKey,
    unit_name: str,
    *,
    issuer_key: PrivateKey,
    issuer_cert: x509.Certificate,
    now: dt.datetime | None = None,
) -> x509.Certificate:
    """A document-signing certificate for a unit (CN = O = unit name, 5 years), issued by a root."""
    now = now or timezone.now()
    public = key.public_key()
    not_after = min(now + UNIT_VALIDITY, issuer_cert.not_valid_after_utc)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(unit_name, unit_name))
        .issuer_name(issuer_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            # emailProtection is what poppler's NSS check asks of a PDF signer;
            # the other two name document signing proper.
            x509.ExtendedKeyUsage(
                [DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION, ADOBE_AUTHENTIC_DOCUMENTS]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
        .sign(issuer_key, hashes.SHA256())
    )


# --- Storage -------------------------------------------------------------------------


def _active(organization: Organization | None, purpose: str) -> SigningKey | None:
    return (
        SigningKey.objects.select_related("issuer")
        .filter(organization=organization, purpose=purpose, is_active=True)
        .first()
    )


def _issuer_is_active(key: SigningKey) -> bool:
    root = _active(None, SigningKeyPurpose.ROOT_CA)
    return root is not None and key.issuer_id == root.pk and root.not_after - RENEW_BEFORE > timezone.now()


def _build(
    organization: Organization | None, purpose: str, algorithm: str = SigningKeyAlgorithm.ECDSA_P256
) -> SigningKey:
    """An unsaved key row with a fresh key pair and certificate."""
    now = timezone.now()
    key = new_private_key(algorithm)
    issuer = None
    if purpose == SigningKeyPurpose.ROOT_CA:
        cert = make_root_certificate(key, now=now)
    else:
        issuer = root_ca()
        cert = make_unit_certificate(
            key, organization.name, issuer_key=private_key(issuer), issuer_cert=certificate(issuer), now=now
        )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")
    return SigningKey(
        organization=organization,
        purpose=purpose,
        algorithm=algorithm,
        issuer=issuer,
        subject=cert.subject.rfc4514_string()[:200],
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        private_key_pem=pem,
        fingerprint=fingerprint(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        is_active=True,
    )


def _log_created(key: SigningKey, *, acting_user: User | None, event: AuditEvent, extra: dict) -> None:
    log_event(
        event,
        acting_user=acting_user,
        target=key,
        organization=key.organization,
        username="" if acting_user is not None else "system",
        extra={"purpose": key.purpose, "fingerprint": key.fingerprint, **extra},
    )


def _create(
    organization: Organization | None, purpose: str, *, replace: SigningKey | None = None
) -> SigningKey:
    """Insert a new active key; if another worker got there first, return theirs."""
    for _attempt in range(3):
        candidate = _build(organization, purpose)
        try:
            with transaction.atomic():
                retired = []
                if replace is not None:
                    # Retire the expiring one only if it is still the active one.
                    retired = list(
                        SigningKey.objects.select_for_update()
                        .filter(pk=replace.pk, is_active=True)
                        .values_list("fingerprint", flat=True)
                    )
                    SigningKey.objects.filter(pk=replace.pk).update(
                        is_active=False, retired_at=timezone.now()
                    )
                candidate.save()
                _log_created(
                    candidate,
                    acting_user=None,
                    event=AuditEvent.SIGNING_KEY_CREATED,
                    extra={"replaces": retired} if retired else {},
                )
                return candidate
        except IntegrityError:
            existing = _active(organization, purpose)
            if existing is not None and (replace is None or existing.pk != replace.pk):
                return existing
    raise RuntimeError(f"could not create a {purpose} key for {organization!r}")  # pragma: no cover


@transaction.atomic
def _renew(
    organization: Organization,
    *,
    acting_user: User | None,
    stale: SigningKey | None,
    algorithm: str = SigningKeyAlgorithm.ECDSA_P256,
) -> SigningKey:
    # The unit's row is the lock: rotations of one unit run one after the other.
    Organization.objects.select_for_update().filter(pk=organization.pk).values_list("pk", flat=True).first()
    current = list(
        SigningKey.objects.select_for_update().filter(
            organization=organization, purpose=SigningKeyPurpose.DOCUMENT, is_active=True
        )
    )
    if stale is not None and current and current[0].pk != stale.pk:
        return _active(organization, SigningKeyPurpose.DOCUMENT)  # renewed by another worker meanwhile
    now = timezone.now()
    SigningKey.objects.filter(pk__in=[k.pk for k in current]).update(is_active=False, retired_at=now)
    key = _build(organization, SigningKeyPurpose.DOCUMENT, algorithm)
    key.save()
    _log_created(
        key,
        acting_user=acting_user,
        event=AuditEvent.SIGNING_KEY_ROTATED,
        extra={"retired": [k.fingerprint for k in current], "automatic": stale is not None},
    )
    return key
