"""Audit event names of the portal (written with ``edugov.core.audit.log_event``).

Each area adds its events here under its own comment heading.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from edugov.core.audit import register_event_labels


class PortalEvent(StrEnum):
    # sites
    SITE_CREATED = "portal.site_created"
    # cases (shared by disclosure requests and letters)
    CASE_SUBMITTED = "portal.case_submitted"
    CASE_CLOCK_CHANGED = "portal.case_clock_changed"
    CASE_EVENT = "portal.case_event"


register_event_labels(
    {
        PortalEvent.SITE_CREATED: _("Portal site created"),
        PortalEvent.CASE_SUBMITTED: _("Citizen case submitted"),
        PortalEvent.CASE_CLOCK_CHANGED: _("Case deadline clock changed"),
        PortalEvent.CASE_EVENT: _("Case handled"),
    }
)
