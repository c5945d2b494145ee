"""Disclosure requests (依申请公开): the kind-specific part of a ``Case`` (PUB-3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet
from edugov.portal.choices import ApplicantType, DeliveryMethod, DisclosureResult, ReplyType


class DisclosureRequest(models.Model):
    scope_field = "case__handling_unit"

    case = models.OneToOneField("portal.Case", on_delete=models.CASCADE, related_name="disclosure")
    applicant_type = models.CharField(_("applicant"), max_length=16, choices=ApplicantType.choices)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    # 统一社会信用代码 of an organisation applicant (GB 32100).
    organisation_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    description = models.TextField(_("information requested"), max_length=5000)
    purpose = models.CharField(_("purpose (optional)"), max_length=500, blank=True)
    delivery = models.CharField(
        _("delivery"), max_length=8, choices=DeliveryMethod.choices, default=DeliveryMethod.ONLINE
    )
    # The outcome: the reply form shown to the requester and the annual-report category.
    reply_type = models.CharField(_("reply type"), max_length=20, choices=ReplyType.choices, blank=True)
    result = models.CharField(_("result"), max_length=28, choices=DisclosureResult.choices, blank=True)
    reply_text = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # 补正: the one-time notice of what to correct, and when the corrected request arrived.
    correction_requested_at = models.DateTimeField(null=True, blank=True)
    correction_text = models.TextField(_("what to correct"), blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    corrected_description = models.TextField(_("corrected request"), blank=True)
    # 征求第三方意见: who was asked (internal), when, and what they answered.
    consultation_party = models.CharField(_("third party"), max_length=200, blank=True)
    consultation_started_on = models.DateField(null=True, blank=True)
    consultation_opinion = models.TextField(_("third party's opinion"), blank=True)
    # A handler's pending extension request, until the head of the disclosure office decides.
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.CharField(_("reason for the extension"), max_length=500, blank=True)
    extension_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extension_requested_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("disclosure request")
        verbose_name_plural = _("disclosure requests")

    def __str__(self) -> str:
        return f"{self.case.number}"
