"""Audit events of citizen accounts and disclosure requests (PUB-3)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from edugov.core.audit import register_event_labels


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
