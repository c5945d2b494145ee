"""Audit events of editorial review and the published-page checks."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from edugov.core.audit import register_event_labels


class PublishingEvent(StrEnum):
    REVIEW_STEPS_CHANGED = "portal.review_steps_changed"
    SNAPSHOTS_REBASELINED = "portal.snapshots_rebaselined"
    TAMPER_DETECTED = "portal.tamper_detected"
    PAGE_TAKEN_DOWN = "portal.page_taken_down"


register_event_labels(
    {
        PublishingEvent.REVIEW_STEPS_CHANGED: _("Site review steps changed"),
        PublishingEvent.SNAPSHOTS_REBASELINED: _("Published page snapshots re-baselined"),
        PublishingEvent.TAMPER_DETECTED: _("Published page differs from its snapshot"),
        PublishingEvent.PAGE_TAKEN_DOWN: _("Published page taken down 撤稿"),
    }
)
