"""Audit event names of case handling, ratings and letters (written with ``log_event``)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from edugov.core.audit import register_event_labels


class CaseAuditEvent(StrEnum):
    CASE_ACCEPTED = "portal.case_accepted"
    CASE_REPLIED = "portal.case_replied"
    CASE_REROUTED = "portal.case_rerouted"
    CASE_CLOSED = "portal.case_closed"
    CASE_REOPENED = "portal.case_reopened"
    CASE_REQUESTER_UPDATE = "portal.case_requester_update"
    CASE_PERSONAL_VIEWED = "portal.case_personal_viewed"
    CASE_RATED = "portal.case_rated"
    RECTIFICATION_OPENED = "portal.rectification_opened"
    RECTIFICATION_DONE = "portal.rectification_done"
    FOLLOW_UP_RECORDED = "portal.follow_up_recorded"
    APPEAL_FILED = "portal.rating_appeal_filed"
    APPEAL_DECIDED = "portal.rating_appeal_decided"
    ROUTING_RULE_SAVED = "portal.routing_rule_saved"
    ROUTING_RULE_DELETED = "portal.routing_rule_deleted"
    LETTER_PUBLISHED = "portal.letter_published"
    LETTER_UNPUBLISHED = "portal.letter_unpublished"


register_event_labels(
    {
        CaseAuditEvent.CASE_ACCEPTED: _("Case accepted"),
        CaseAuditEvent.CASE_REPLIED: _("Case replied"),
        CaseAuditEvent.CASE_REROUTED: _("Case transferred to another unit"),
        CaseAuditEvent.CASE_CLOSED: _("Case closed"),
        CaseAuditEvent.CASE_REOPENED: _("Case reopened by the requester"),
        CaseAuditEvent.CASE_REQUESTER_UPDATE: _("Requester added information to a case"),
        CaseAuditEvent.CASE_PERSONAL_VIEWED: _("Case with the requester's personal data viewed"),
        CaseAuditEvent.CASE_RATED: _("Case rated 好差评"),
        CaseAuditEvent.RECTIFICATION_OPENED: _("Rectification opened after a bad rating"),
        CaseAuditEvent.RECTIFICATION_DONE: _("Rectification recorded"),
        CaseAuditEvent.FOLLOW_UP_RECORDED: _("Follow-up 回访 recorded"),
        CaseAuditEvent.APPEAL_FILED: _("Appeal against a rating filed"),
        CaseAuditEvent.APPEAL_DECIDED: _("Appeal against a rating decided"),
        CaseAuditEvent.ROUTING_RULE_SAVED: _("Letter routing rule saved"),
        CaseAuditEvent.ROUTING_RULE_DELETED: _("Letter routing rule deleted"),
        CaseAuditEvent.LETTER_PUBLISHED: _("Letter published with personal data removed"),
        CaseAuditEvent.LETTER_UNPUBLISHED: _("Published letter withdrawn"),
    }
)


# Labels of the public timeline lines (``CaseEvent.kind``) on the status and staff pages.
# Other areas add theirs with ``TIMELINE_LABELS.update({...})``; an unknown kind shows as is.
# ``{unit}`` and ``{note}`` are filled from the line's public note where the label uses them.
TIMELINE_LABELS: dict[str, object] = {
    "submitted": _("Submitted"),
    "accepted": _("Accepted by the handling unit"),
    "replied": _("Replied"),
    "rerouted": _("Transferred to {unit} 转交"),
    "closed": _("Closed"),
    "reopened": _("Reopened by the requester"),
    "rated": _("Rated by the requester"),
    "rectification": _("Rectification opened after a bad rating, due {note}"),
    "rectified": _("Rectification done"),
    "follow_up": _("Follow-up call 回访 recorded"),
    "requester_update": _("The requester added information"),
}
# Kinds whose public note is folded into the label (not shown again below it).
NOTE_IN_LABEL = {"rerouted", "rectification"}
