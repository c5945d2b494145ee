"""Audit events of page translations (PUB-10)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from edugov.core.audit import register_event_labels


class TranslationEvent(StrEnum):
    STATUS_SET = "portal.translation_status_set"


register_event_labels({TranslationEvent.STATUS_SET: _("Page translation status set")})
