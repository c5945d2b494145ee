"""Audit events of citizen accounts and disclosure requests (PUB-3)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from edugov.core.audit import register_event_labels
from edugov.portal.events_cases import TIMELINE_LABELS


class DisclosureEvent(StrEnum):
    CITIZEN_REGISTERED = "portal.citizen_registered"
    REQUEST_SUBMITTED = "portal.disclosure_submitted"
    REQUEST_ACCEPTED = "portal.disclosure_accepted"
    CORRECTION_REQUESTED = "portal.disclosure_correction_requested"
    CORRECTION_SUBMITTED = "portal.disclosure_correction_submitted"
    CLOSED_NO_CORRECTION = "portal.disclosure_closed_no_correction"
    CONSULTATION_STARTED = "portal.disclosure_consultation_started"
    CONSULTATION_RECORDED = "portal.disclosure_consultation_recorded"
    EXTENSION_REQUESTED = "portal.disclosure_extension_requested"
    EXTENSION_APPROVED = "portal.disclosure_extension_approved"
    EXTENSION_REFUSED = "portal.disclosure_extension_refused"
    REPLIED = "portal.disclosure_replied"
    ESCALATED = "portal.disclosure_escalated"


register_event_labels(
    {
        DisclosureEvent.CITIZEN_REGISTERED: _("Citizen account registered"),
        DisclosureEvent.REQUEST_SUBMITTED: _("Disclosure request submitted"),
        DisclosureEvent.REQUEST_ACCEPTED: _("Disclosure request: receipt confirmed"),
        DisclosureEvent.CORRECTION_REQUESTED: _("Disclosure request: correction requested 补正"),
        DisclosureEvent.CORRECTION_SUBMITTED: _("Disclosure request: correction received"),
        DisclosureEvent.CLOSED_NO_CORRECTION: _("Disclosure request: closed, no correction in time"),
        DisclosureEvent.CONSULTATION_STARTED: _("Disclosure request: third party consulted"),
        DisclosureEvent.CONSULTATION_RECORDED: _("Disclosure request: third party's opinion recorded"),
        DisclosureEvent.EXTENSION_REQUESTED: _("Disclosure request: extension requested"),
        DisclosureEvent.EXTENSION_APPROVED: _("Disclosure request: extension approved"),
        DisclosureEvent.EXTENSION_REFUSED: _("Disclosure request: extension refused"),
        DisclosureEvent.REPLIED: _("Disclosure request: replied"),
        DisclosureEvent.ESCALATED: _("Disclosure request: overdue, escalated"),
    }
)

# Timeline lines of disclosure requests (``CaseEvent.kind``) on the status and staff pages.
TIMELINE_LABELS.update(
    {
        "correction_requested": _("Correction requested 补正"),
        "corrected": _("Corrected request received"),
        "closed_no_correction": _("Closed: no correction in time"),
        "consultation_started": _("Third party consulted"),
        "consultation_recorded": _("Third party consultation ended"),
        "extension_requested": _("Extension requested"),
        "extension_refused": _("Extension refused"),
        "extended": _("Reply period extended"),
        "escalated": _("Overdue: escalated to the supervisors"),
    }
)
