"""Audit event names of the internal office (written with ``edugov.core.audit.log_event``)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from edugov.core.audit import register_event_labels


class OfficeEvent(StrEnum):
    DOCUMENT_CREATED = "office.document_created"
    BODY_SAVED = "office.body_saved"
    DOCUMENT_CHANGED = "office.document_changed"
    OPINION_GIVEN = "office.opinion_given"
    TASK_COMPLETED = "office.task_completed"
    TASK_HANDED_OVER = "office.task_handed_over"
    TASK_REFUSED = "office.task_refused"
    DOCUMENT_RETURNED = "office.document_returned"
    DOCUMENT_WITHDRAWN = "office.document_withdrawn"
    COUNTERSIGNER_ADDED = "office.countersigner_added"
    DOCUMENT_NUMBERED = "office.document_numbered"
    DOCUMENT_SIGNED = "office.document_signed"
    DOCUMENT_DISTRIBUTED = "office.document_distributed"
    DOCUMENT_RECEIVED = "office.document_received"
    DOCUMENT_REGISTERED = "office.document_registered"
    DOCUMENT_CIRCULATED = "office.document_circulated"
    DOCUMENT_REMINDED = "office.document_reminded"
    DOCUMENT_COMPLETED = "office.document_completed"
    DOCUMENT_ARCHIVED = "office.document_archived"
    CLASSIFIED_REFUSED = "office.classified_refused"
    PROCESS_DEPLOYED = "office.process_deployed"
    PROCESS_STARTED = "office.process_started"
    PROCESS_TIMER = "office.process_timer"
    PROCESS_RESET = "office.process_reset"
    PROCESS_CANCELLED = "office.process_cancelled"
    DELEGATION_CREATED = "office.delegation_created"
    SUPERVISION_CHANGED = "office.supervision_changed"
    MEETING_CHANGED = "office.meeting_changed"
    ROSTER_CHANGED = "office.roster_changed"
    ARCHIVE_CHANGED = "office.archive_changed"
    ARCHIVE_VIEWED = "office.archive_viewed"


register_event_labels(
    {
        OfficeEvent.DOCUMENT_CREATED: _("Document drafted"),
        OfficeEvent.BODY_SAVED: _("Document body saved"),
        OfficeEvent.DOCUMENT_CHANGED: _("Document details changed"),
        OfficeEvent.OPINION_GIVEN: _("Opinion given"),
        OfficeEvent.TASK_COMPLETED: _("Task completed"),
        OfficeEvent.TASK_HANDED_OVER: _("Task handed over"),
        OfficeEvent.TASK_REFUSED: _("Task action refused"),
        OfficeEvent.DOCUMENT_RETURNED: _("Document returned"),
        OfficeEvent.DOCUMENT_WITHDRAWN: _("Document withdrawn"),
        OfficeEvent.COUNTERSIGNER_ADDED: _("Countersigner added"),
        OfficeEvent.DOCUMENT_NUMBERED: _("Document number taken"),
        OfficeEvent.DOCUMENT_SIGNED: _("Document signed off"),
        OfficeEvent.DOCUMENT_DISTRIBUTED: _("Document distributed"),
        OfficeEvent.DOCUMENT_RECEIVED: _("Document signed for"),
        OfficeEvent.DOCUMENT_REGISTERED: _("Incoming document registered"),
        OfficeEvent.DOCUMENT_CIRCULATED: _("Document circulated for reading"),
        OfficeEvent.DOCUMENT_REMINDED: _("Reminder sent"),
        OfficeEvent.DOCUMENT_COMPLETED: _("Document completed"),
        OfficeEvent.DOCUMENT_ARCHIVED: _("Document archived"),
        OfficeEvent.CLASSIFIED_REFUSED: _("Classified document refused"),
        OfficeEvent.PROCESS_DEPLOYED: _("Process version uploaded"),
        OfficeEvent.PROCESS_STARTED: _("Process started"),
        OfficeEvent.PROCESS_TIMER: _("Process timer fired"),
        OfficeEvent.PROCESS_RESET: _("Process returned to an earlier step"),
        OfficeEvent.PROCESS_CANCELLED: _("Process cancelled"),
        OfficeEvent.DELEGATION_CREATED: _("Tasks delegated"),
        OfficeEvent.SUPERVISION_CHANGED: _("Supervision item changed"),
        OfficeEvent.MEETING_CHANGED: _("Meeting changed"),
        OfficeEvent.ROSTER_CHANGED: _("Duty roster changed"),
        OfficeEvent.ARCHIVE_CHANGED: _("Archive record changed"),
        OfficeEvent.ARCHIVE_VIEWED: _("Archive record viewed"),
    }
)
