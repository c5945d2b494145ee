from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edugov.registry.models.base import PersonIdentity, RegistryRecord


class StaffMember(PersonIdentity, RegistryRecord):
    """A staff member (教职工) employed by a unit."""

    scope_field = "organization"

    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("employing unit"),
        on_delete=models.PROTECT,
        related_name="staff_members",
    )
    staff_number = models.CharField(_("staff number"), max_length=32, blank=True)
    post = models.CharField(_("post"), max_length=2)  # ``staff_post`` table
    subject = models.CharField(_("subject taught"), max_length=2, blank=True)  # ``subject`` table
    professional_title = models.CharField(_("professional title"), max_length=2, blank=True)
    qualification_cert_number = models.CharField(
        _("teacher qualification certificate"), max_length=32, blank=True
    )
    education_level = models.CharField(_("education"), max_length=2, blank=True)  # GB/T 4658
    employed_from = models.DateField(_("employed from"))
    employed_until = models.DateField(_("employed until"), null=True, blank=True)
    phone = models.CharField(_("office phone"), max_length=32, blank=True)
    weekly_lessons = models.PositiveSmallIntegerField(_("lessons per week"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "id_hash"],
                condition=Q(id_hash__isnull=False),
                name="registry_staff_one_per_unit",
            ),
        ]
