"""Signed documents: a unit's key signs the rendered PDF (PAdES, ECDSA P-256); poppler and
pyHanko both accept it; a changed byte or another node's root is caught."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import override
from pyhanko.pdf_utils.reader import PdfFileReader

from edugov.core import signing
from edugov.office.rendering import gbt9704, pdfsign
from edugov.office.tests.test_rendering import long_body, make_document, run_tool

pytestmark = pytest.mark.django_db


_RENDERED: list[bytes] = []


@pytest.fixture
def rendered(tree: Any) -> bytes:
    """A two-page document of the province bureau, rendered once per test process."""
    if not _RENDERED:
        document = make_document(tree.province, body=long_body(9), attachment_notes=[], remark="")
        _RENDERED.append(gbt9704.render_pdf(document))
    return _RENDERED[0]


def _flip_in_signed_range(pdf: bytes) -> bytes:
    """One byte changed inside the first content stream (inside the signed byte range)."""
    data = bytearray(pdf)
    at = data.index(b"stream", data.index(b"obj")) + 40
    data[at] ^= 0x01
    return bytes(data)


def _other_node() -> tuple[Any, list[Any]]:
    """A unit key and chain from another node's root CA (never stored here)."""
    root_key = signing.new_private_key()
    root = signing.make_root_certificate(root_key)
    unit_key = signing.new_private_key()
    unit = signing.make_unit_certificate(
        unit_key, "新疆维吾尔自治区教育厅", issuer_key=root_key, issuer_cert=root
    )
    return unit_key, [unit, root]


def test_signed_document_is_intact_valid_and_trusted(tree: Any, rendered: bytes) -> None:
    signed = pdfsign.sign_pdf(rendered, tree.province, reason="签发", location="乌鲁木齐", signer_name="王五")
    # the signature is appended: the rendered bytes are kept as they were
    assert signed.startswith(rendered)
    with override("en"):
        result = pdfsign.verify_pdf(signed)
    assert result.valid
    assert result.intact
    assert result.trusted
    assert bool(result) is True
    assert result.signer == "新疆维吾尔自治区教育厅"
    assert result.fingerprint == signing.unit_key(tree.province).fingerprint
    assert result.signed_at is not None
    assert abs(result.signed_at - timezone.now()) < dt.timedelta(minutes=5)
    assert result.message == "Signed by 新疆维吾尔自治区教育厅; the document is unchanged since."
    # the signature dictionary carries the reason, place and name; the CMS both certificates
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    assert sig.sig_object["/Reason"] == "签发"
    assert sig.sig_object["/Location"] == "乌鲁木齐"
    assert sig.sig_object["/Name"] == "王五"
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    embedded = {cert.chosen.subject.native["common_name"] for cert in sig.signed_data["certificates"]}
    assert embedded == {"新疆维吾尔自治区教育厅", "edugov node root CA"}
    assert sig.signer_cert.public_key.algorithm == "ec"


def test_poppler_reports_the_signature_valid(tree: Any, rendered: bytes, tmp_path: Path) -> None:
    signed = pdfsign.sign_pdf(rendered, tree.province, reason="签发")
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    report = run_tool("pdfsig", "-nocert", str(path))
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    assert "Signer Certificate Common Name: 新疆维吾尔自治区教育厅" in report
    assert "Signing Hash Algorithm: SHA-256" in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    # a changed byte: poppler finds the digest wrong
    path.write_bytes(_flip_in_signed_range(signed))
    report = run_tool("pdfsig", "-nocert", str(path))
    assert "Signature is Valid." not in report
    assert "Digest Mismatch" in report


def test_a_changed_byte_breaks_the_signature(tree: Any, rendered: bytes) -> None:
    signed = pdfsign.sign_pdf(rendered, tree.province)
    with override("en"):
        result = pdfsign.verify_pdf(_flip_in_signed_range(signed))
    assert not result.valid
    assert not result.intact
    assert result.message == "The document was changed after it was signed."


def test_another_nodes_signature_is_intact_but_not_trusted(tree: Any, rendered: bytes) -> None:
    # given a document signed by a unit whose certificate comes from another node's root
    key, chain = _other_node()
    signed = pdfsign.sign_pdf_with(rendered, private_key=key, chain=chain, reason="签发")
    # when this node verifies it
    with override("en"):
        result = pdfsign.verify_pdf(signed)
    # then nothing was changed, but the signer is not trusted here
    assert result.intact
    assert not result.trusted
    assert not result.valid
    assert (
        result.message == "The signature is intact, but the signer's certificate is not trusted by this node."
    )
    # and a verifier holding that node's root trusts it
    assert pdfsign.verify_pdf(signed, roots=[chain[1]]).valid
    # and our own signature is not trusted by the other node
    ours = pdfsign.sign_pdf(rendered, tree.province)
    assert not pdfsign.verify_pdf(ours, roots=[chain[1]]).trusted


def test_documents_signed_before_a_key_rotation_still_verify(tree: Any, rendered: bytes) -> None:
    old = signing.unit_key(tree.province)
    signed = pdfsign.sign_pdf(rendered, tree.province)
    new = signing.rotate_unit_key(tree.province, acting_user=None)
    assert pdfsign.verify_pdf(signed).fingerprint == old.fingerprint
    assert pdfsign.verify_pdf(signed).valid
    assert pdfsign.verify_pdf(pdfsign.sign_pdf(rendered, tree.province)).fingerprint == new.fingerprint


def test_unsigned_and_unreadable_files_are_not_valid(rendered: bytes) -> None:
    with override("en"):
        unsigned = pdfsign.verify_pdf(rendered)
        garbage = pdfsign.verify_pdf(b"not a pdf at all")
    assert not unsigned.valid
    assert unsigned.message == "The document is not signed."
    assert not garbage.valid
    assert not garbage.intact
    assert garbage.message == "The file is not a readable PDF."


def test_each_unit_signs_with_its_own_key(tree: Any, rendered: bytes) -> None:
    province = pdfsign.verify_pdf(pdfsign.sign_pdf(rendered, tree.province))
    urumqi = pdfsign.verify_pdf(pdfsign.sign_pdf(rendered, tree.urumqi))
    assert province.valid
    assert urumqi.valid
    assert urumqi.signer == "乌鲁木齐市教育局"
    assert urumqi.fingerprint != province.fingerprint
