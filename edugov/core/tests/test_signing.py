"""The node's signing keys: root CA and unit keys made on first use, encrypted at rest,
one active key per unit even when two workers ask at once, rotation, the command."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from edugov.core import signing
from edugov.core.audit import AuditEvent
from edugov.core.models import AuditEntry, SigningKey
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def _cn(cert: x509.Certificate, oid: x509.ObjectIdentifier = NameOID.COMMON_NAME) -> str:
    return cert.subject.get_attributes_for_oid(oid)[0].value


def test_root_ca_is_made_once_and_is_a_p256_certificate_authority() -> None:
    # when the root is asked for twice
    root = signing.root_ca()
    again = signing.root_ca()
    # then there is one, self-signed, CA, P-256, 20 years
    assert again.pk == root.pk
    assert SigningKey.objects.filter(purpose="root_ca").count() == 1
    assert root.organization is None
    assert root.issuer is None
    cert = signing.certificate(root)
    assert _cn(cert) == "edugov node root CA"
    cert.verify_directly_issued_by(cert)
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign
    assert usage.crl_sign
    assert not usage.digital_signature
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp256r1"
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365
    assert 19.9 < years < 20.1
    assert root.fingerprint == signing.fingerprint(cert)
    assert [signing.fingerprint(c) for c in signing.trust_roots()] == [root.fingerprint]


def test_private_key_is_encrypted_at_rest_and_matches_the_certificate(tree: Any) -> None:
    key = signing.unit_key(tree.urumqi)
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key_pem FROM core_signingkey WHERE id = %s", [key.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:")
    assert "PRIVATE KEY" not in stored
    private = signing.private_key(key)
    assert private.public_key().public_numbers() == signing.certificate(key).public_key().public_numbers()


def test_unit_key_is_issued_by_the_root_for_document_signing(tree: Any) -> None:
    # when a unit's key is asked for the first time
    key = signing.unit_key(tree.urumqi)
    # then it is a document-signing certificate for the unit, issued by the node's root
    cert = signing.certificate(key)
    root = signing.root_ca()
    assert key.issuer_id == root.pk
    assert key.organization_id == tree.urumqi.pk
    cert.verify_directly_issued_by(signing.certificate(root))
    assert _cn(cert) == "乌鲁木齐市教育局" == _cn(cert, NameOID.ORGANIZATION_NAME)
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment
    assert not usage.key_cert_sign
    purposes = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert signing.DOCUMENT_SIGNING in purposes
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in purposes
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365
    assert 4.9 < years < 5.1
    assert [c.subject for c in signing.certificate_chain(key)] == [
        cert.subject,
        signing.certificate(root).subject,
    ]
    # and the same key comes back; another unit gets its own
    assert signing.unit_key(tree.urumqi).pk == key.pk
    other = signing.unit_key(tree.kashgar)
    assert other.pk != key.pk
    assert other.issuer_id == root.pk
    # and creation is audited with the fingerprint, never the key
    entries = AuditEntry.objects.filter(event_type=AuditEvent.SIGNING_KEY_CREATED)
    assert entries.count() == 3  # root + two units
    entry = entries.get(target_id=str(key.pk))
    assert entry.extra_data["fingerprint"] == key.fingerprint
    assert "PRIVATE" not in str(entry.extra_data)


def test_a_long_unit_name_is_cut_to_the_name_bounds(tree: Any) -> None:
    from edugov.core.actions.organizations import do_create_organization

    name = "新疆维吾尔自治区" + "某某" * 40 + "学校"
    unit = do_create_organization(
        parent=tree.urumqi, name=name[:120], kind="department", level="prefecture",
        region=tree.urumqi.region, acting_user=None,
    )  # fmt: skip
    cert = signing.certificate(signing.unit_key(unit))
    assert _cn(cert, NameOID.ORGANIZATION_NAME) == name[:64]
    assert _cn(cert) == name[:21]  # 63 of the 64 bytes cryptography allows


def test_only_one_active_key_per_unit_is_allowed_by_the_database(tree: Any) -> None:
    key = signing.unit_key(tree.urumqi)
    duplicate = signing._build(tree.urumqi, "document")
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert SigningKey.objects.filter(organization=tree.urumqi, is_active=True).get().pk == key.pk


def test_a_worker_that_loses_the_race_uses_the_winners_key(
    tree: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given another worker that inserts the unit's key between our check and our insert
    real_build = signing._build
    winner: list[SigningKey] = []

    def build_after_a_competitor(organization: Any, purpose: str, *args: Any) -> SigningKey:
        if purpose == "document" and not winner:
            competitor = real_build(organization, purpose, *args)
            competitor.save()
            winner.append(competitor)
        return real_build(organization, purpose, *args)

    monkeypatch.setattr(signing, "_build", build_after_a_competitor)
    # when we ask for the key
    key = signing.unit_key(tree.urumqi)
    # then we get the competitor's key, and there is still one active key
    assert key.pk == winner[0].pk
    assert SigningKey.objects.filter(organization=tree.urumqi, purpose="document").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_make_one_key(tree: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs two connections writing concurrently: PostgreSQL only")
    signing.root_ca()
    barrier = threading.Barrier(2)
    found: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            found.append(signing.unit_key(tree.urumqi).fingerprint)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(found) == 2
    assert found[0] == found[1]
    assert SigningKey.objects.filter(organization=tree.urumqi, purpose="document").count() == 1


def test_rotation_retires_the_old_key_and_is_audited(tree: Any) -> None:
    old = signing.unit_key(tree.urumqi)
    admin = make_user("keyadmin", unit=tree.province, role="system_admin")
    # when the key is rotated
    new = signing.rotate_unit_key(tree.urumqi, acting_user=admin)
    # then the old one is retired, the new one is active and returned from now on
    old.refresh_from_db()
    assert not old.is_active
    assert old.retired_at is not None
    assert new.is_active
    assert new.fingerprint != old.fingerprint
    assert signing.unit_key(tree.urumqi).pk == new.pk
    entry = AuditEntry.objects.get(event_type=AuditEvent.SIGNING_KEY_ROTATED)
    assert entry.acting_user_id == admin.pk
    assert entry.extra_data["retired"] == [old.fingerprint]
    assert entry.extra_data["fingerprint"] == new.fingerprint
    # and a unit without a key can be given one by rotation too
    first = signing.rotate_unit_key(tree.kashgar, acting_user=admin)
    assert first.is_active


def test_an_expiring_key_is_replaced_on_next_use(tree: Any) -> None:
    old = signing.unit_key(tree.urumqi)
    SigningKey.objects.filter(pk=old.pk).update(not_after=timezone.now() + dt.timedelta(days=3))
    new = signing.unit_key(tree.urumqi)
    assert new.pk != old.pk
    old.refresh_from_db()
    assert not old.is_active
    entry = AuditEntry.objects.get(event_type=AuditEvent.SIGNING_KEY_ROTATED)
    assert entry.extra_data["automatic"] is True
    assert entry.acting_user_id is None


def test_rsa_keys_can_be_made_on_request(tree: Any) -> None:
    key = signing.rotate_unit_key(tree.urumqi, acting_user=None, algorithm="rsa-2048")
    assert key.algorithm == "rsa-2048"
    assert signing.certificate(key).public_key().key_size == 2048


def test_command_lists_rotates_and_exports_the_root(tree: Any, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("signing_keys", stdout=out)
    assert "No signing keys yet" in out.getvalue()
    key = signing.unit_key(tree.urumqi)
    out = io.StringIO()
    call_command("signing_keys", stdout=out)
    listing = out.getvalue()
    assert key.fingerprint in listing
    assert "乌鲁木齐市教育局" in listing
    assert "(node root CA)" in listing
    assert "PRIVATE" not in listing
    # rotate
    out = io.StringIO()
    call_command("signing_keys", "--rotate", str(tree.urumqi.pk), stdout=out)
    new = signing.unit_key(tree.urumqi)
    assert new.pk != key.pk
    assert new.fingerprint in out.getvalue()
    out = io.StringIO()
    call_command("signing_keys", stdout=out)
    assert "retired" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("signing_keys", "--rotate", "999999", stdout=io.StringIO())
    # export the root: a PEM certificate, nothing secret
    path = tmp_path / "root.pem"
    call_command("signing_keys", "--export-root", str(path), stdout=io.StringIO())
    pem = path.read_text()
    assert "PRIVATE" not in pem
    assert signing.fingerprint(x509.load_pem_x509_certificate(pem.encode())) == signing.root_ca().fingerprint


def test_an_expiring_root_is_replaced_and_unit_keys_follow(tree: Any) -> None:
    old_unit = signing.unit_key(tree.urumqi)
    old_root = signing.root_ca()
    SigningKey.objects.filter(pk=old_root.pk).update(not_after=timezone.now() + dt.timedelta(days=3))
    # when the root is next asked for, a new one replaces it
    new_root = signing.root_ca()
    assert new_root.pk != old_root.pk
    old_root.refresh_from_db()
    assert not old_root.is_active
    # the old root stays trusted (documents signed under it still verify)
    assert {signing.fingerprint(c) for c in signing.trust_roots()} == {
        old_root.fingerprint,
        new_root.fingerprint,
    }
    # and the unit's key is reissued under the new root on next use
    new_unit = signing.unit_key(tree.urumqi)
    assert new_unit.pk != old_unit.pk
    assert new_unit.issuer_id == new_root.pk
