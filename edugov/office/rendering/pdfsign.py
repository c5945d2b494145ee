"""Digital signatures on rendered documents (版式文件) with pyHanko.

``sign_pdf(pdf, unit, reason=...)`` adds an invisible PAdES signature (CAdES detached
CMS, ECDSA P-256 with SHA-256) made with the unit's document-signing key
(``edugov.core.signing.unit_key``), embedding the unit certificate and the node's root
CA, the signing time and the reason. The seal picture on the page is decoration; this
signature is the proof of origin and integrity. ``verify_pdf(pdf)`` checks it against
the node's roots (``trust_roots()``), offline.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext

from edugov.core import signing

if TYPE_CHECKING:
    from edugov.core.models import Organization

logger = logging.getLogger(__name__)

FIELD_NAME = "edugov-signature"
DEFAULT_REASON = "签发"


@dataclass(frozen=True)
class VerificationResult:
    """What ``verify_pdf`` found: ``valid`` is the bottom line (intact, valid and trusted)."""

    valid: bool
    intact: bool  # the signed bytes are unchanged and cover the whole document
    trusted: bool  # the signer's certificate chains to one of this node's roots
    signer: str  # the signer certificate's common name
    signed_at: dt.datetime | None
    fingerprint: str  # SHA-256 of the signer certificate ("" when there is none)
    message: str

    def __bool__(self) -> bool:
        return self.valid


def _asn1_certificate(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_private_key(key: Any) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def sign_pdf_with(
    pdf: bytes,
    *,
    private_key: Any,
    chain: list[x509.Certificate],
    reason: str = DEFAULT_REASON,
    location: str = "",
    signer_name: str = "",
) -> bytes:
    """Sign ``pdf`` with a given key and certificate chain (signer first, root last)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = signers.SimpleSigner(
        signing_cert=_asn1_certificate(chain[0]),
        signing_key=_asn1_private_key(private_key),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(c) for c in chain[1:]]),
        embed_roots=True,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=signer_name or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


def sign_pdf(
    pdf: bytes,
    organization: Organization,
    *,
    reason: str = DEFAULT_REASON,
    location: str = "",
    signer_name: str = "",
) -> bytes:
    """``pdf`` signed with the unit's document-signing key (made on first use)."""
    key = signing.unit_key(organization)
    return sign_pdf_with(
        pdf,
        private_key=signing.private_key(key),
        chain=signing.certificate_chain(key),
        reason=reason,
        location=location,
        signer_name=signer_name,
    )


def _common_name(cert: Any) -> str:
    try:
        return str(cert.subject.native.get("common_name", "")) or cert.subject.human_friendly
    except (AttributeError, ValueError):  # pragma: no cover - a malformed subject
        return ""


def _failed(message: str, **values: Any) -> VerificationResult:
    fields = {"intact": False, "trusted": False, "signer": "", "signed_at": None, "fingerprint": ""}
    fields.update(values)
    return VerificationResult(valid=False, message=message, **fields)


def verify_pdf(pdf: bytes, *, roots: list[x509.Certificate] | None = None) -> VerificationResult:
    """Check the document's last signature against this node's roots (no network).

    ``roots`` replaces ``trust_roots()`` (a verifier holding another node's root).
    """
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as error:
        logger.info("unreadable PDF: %s", error)
        return _failed(gettext("The file is not a readable PDF."))
    if not embedded:
        return _failed(gettext("The document is not signed."))
    sig = embedded[-1]
    anchors = signing.trust_roots() if roots is None else roots
    context = ValidationContext(
        trust_roots=[_asn1_certificate(c) for c in anchors], allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        signer_cert = sig.signer_cert
        fingerprint = signing.fingerprint(x509.load_der_x509_certificate(signer_cert.dump()))
        signer = _common_name(signer_cert)
    except (ValueError, KeyError, TypeError, AttributeError):
        return _failed(gettext("The signature has no readable signer certificate."))
    signed_at = sig.self_reported_timestamp
    try:
        status = validate_pdf_signature(sig, context)
    except (SignatureValidationError, PdfReadError, ValueError, KeyError, TypeError) as error:
        logger.info("signature validation failed: %s", error)
        return _failed(
            gettext("The signature could not be checked."),
            signer=signer,
            signed_at=signed_at,
            fingerprint=fingerprint,
        )
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    intact = bool(status.intact and whole)
    trusted = bool(status.trusted)
    valid = bool(status.bottom_line and intact and status.valid and trusted)
    if not status.intact:
        message = gettext("The document was changed after it was signed.")
    elif not whole:
        message = gettext(
            "The signature does not cover the whole document: something was added after signing."
        )
    elif not status.valid:
        message = gettext("The signature is not valid.")
    elif not trusted:
        message = gettext(
            "The signature is intact, but the signer's certificate is not trusted by this node."
        )
    else:
        message = gettext("Signed by %(signer)s; the document is unchanged since.") % {"signer": signer}
    return VerificationResult(
        valid=valid,
        intact=intact,
        trusted=trusted,
        signer=signer,
        signed_at=signed_at,
        fingerprint=fingerprint,
        message=message,
    )
