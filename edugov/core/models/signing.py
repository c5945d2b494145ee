"""Signing keys of this node: its root CA and each unit's document-signing key.

Keys are generated on first use on each node (``edugov.core.signing``) and never leave
it except as certificates. The private key is stored encrypted at rest with the node's
data key (``EDUGOV_DATA_KEY``); the certificate is public and kept as PEM.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.core.fields import EncryptedTextField


class SigningKeyPurpose(models.TextChoices):
    ROOT_CA = "root_ca", _("Node root CA")
    DOCUMENT = "document", _("Document signing")


class SigningKeyAlgorithm(models.TextChoices):
    ECDSA_P256 = "ecdsa-p256", _("ECDSA P-256")
    RSA_2048 = "rsa-2048", _("RSA 2048")


class SigningKey(models.Model):
    """A key pair and its X.509 certificate; at most one active key per unit and purpose."""

    Purpose = SigningKeyPurpose
    Algorithm = SigningKeyAlgorithm

    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_keys",
        help_text=_("Empty for the node's root CA."),
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=SigningKeyPurpose.choices)
    algorithm = models.CharField(
        _("algorithm"),
        max_length=16,
        choices=SigningKeyAlgorithm.choices,
        default=SigningKeyAlgorithm.ECDSA_P256,
    )
    issuer = models.ForeignKey(
        "self",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The root CA that issued this key's certificate; empty for a root."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    # Encrypted with EDUGOV_DATA_KEY (AES-256-GCM, bound to this column).
    private_key_pem = EncryptedTextField(_("private key (PEM)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["purpose", "organization_id", "-created_at"]
        constraints = [
            # Two workers creating a unit's key at once: the second insert fails and it
            # reads the first one's key instead (edugov.core.signing.unit_key).
            models.UniqueConstraint(
                fields=["organization", "purpose"],
                condition=models.Q(is_active=True, organization__isnull=False),
                name="core_signingkey_one_active",
            ),
            models.UniqueConstraint(
                fields=["purpose"],
                condition=models.Q(is_active=True, purpose="root_ca"),
                name="core_signingkey_one_root",
            ),
            models.CheckConstraint(
                condition=models.Q(purpose="root_ca", organization__isnull=True)
                | models.Q(purpose="document", organization__isnull=False),
                name="core_signingkey_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.fingerprint[:16]})"
