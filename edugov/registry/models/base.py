"""What every registry record carries: where it came from (数据溯源) and who owns it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.core.fields import EncryptedTextField
from edugov.platform.querysets import RestrictedQuerySet
from edugov.registry.choices import Source


class RegistryRecord(models.Model):
    """Creation lineage lives on the row; every later change is a ``ChangeRecord``.

    Keeping the birth of a record on the row itself (rather than one lineage row per
    created record) keeps a 100,000-row import to one insert per record.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_source = models.CharField(
        _("created from"), max_length=16, choices=Source.choices, default=Source.FORM
    )
    # The import job, API client or exchange message that created the row.
    created_ref = models.CharField(_("source reference"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class PersonIdentity(models.Model):
    """Identity fields shared by students and staff members.

    The document number is encrypted at rest; ``id_hash`` (keyed hash of the normalised
    number, see ``edugov.core.crypto.lookup_hash``) serves exact lookups and uniqueness,
    and ``id_masked`` is what lists and exports show, so they never decrypt.
    """

    name = models.CharField(_("name"), max_length=50)
    id_type = models.CharField(_("ID document type"), max_length=1, default="1")
    id_number = EncryptedTextField(_("ID document number"))
    id_hash = models.CharField(_("ID lookup hash"), max_length=64, null=True, blank=True, editable=False)
    id_masked = models.CharField(_("ID number (masked)"), max_length=40, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, blank=True)
    birth_date = models.DateField(_("date of birth"))
    nationality = models.CharField(_("nationality"), max_length=3, default="CHN")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name
