"""Audit event names of the registry (written with ``edugov.core.audit.log_event``)."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from edugov.core.audit import register_event_labels


class RegistryEvent(StrEnum):
    STUDENT_ENROLLED = "registry.student_enrolled"
    ENROL_REFUSED = "registry.enrol_refused"
    STUDENT_CHANGED = "registry.student_changed"
    STATUS_CHANGED = "registry.status_changed"
    STUDENT_MERGED = "registry.student_merged"
    MERGE_REVERTED = "registry.merge_reverted"
    DUPLICATE_DISMISSED = "registry.duplicate_dismissed"
    PERSONAL_VIEWED = "privacy.full_view"
    RECORD_CREATED = "registry.record_created"
    RECORD_CHANGED = "registry.record_changed"
    OWNERSHIP_REFUSED = "registry.ownership_refused"
    TRANSFER_APPLIED = "registry.transfer_applied"
    TRANSFER_APPROVED = "registry.transfer_approved"
    TRANSFER_REJECTED = "registry.transfer_rejected"
    TRANSFER_WITHDRAWN = "registry.transfer_withdrawn"
    TRANSFER_COMPLETED = "registry.transfer_completed"
    TRANSFER_STUDENT_LOOKUP = "registry.transfer_student_lookup"
    IMPORT_STARTED = "registry.import_started"
    IMPORT_FINISHED = "registry.import_finished"
    EXPORTED = "registry.exported"
    QUALITY_RUN = "registry.quality_run"


register_event_labels(
    {
        RegistryEvent.STUDENT_ENROLLED: _("Student enrolled"),
        RegistryEvent.ENROL_REFUSED: _("Enrolment refused"),
        RegistryEvent.STUDENT_CHANGED: _("Student record changed"),
        RegistryEvent.STATUS_CHANGED: _("Student status changed"),
        RegistryEvent.STUDENT_MERGED: _("Student records merged"),
        RegistryEvent.MERGE_REVERTED: _("Merge undone"),
        RegistryEvent.DUPLICATE_DISMISSED: _("Duplicate suspect dismissed"),
        RegistryEvent.RECORD_CREATED: _("Registry record created"),
        RegistryEvent.RECORD_CHANGED: _("Registry record changed"),
        RegistryEvent.OWNERSHIP_REFUSED: _("Edit refused: field kept by another unit"),
        RegistryEvent.TRANSFER_APPLIED: _("Transfer applied for"),
        RegistryEvent.TRANSFER_APPROVED: _("Transfer step approved"),
        RegistryEvent.TRANSFER_REJECTED: _("Transfer rejected"),
        RegistryEvent.TRANSFER_WITHDRAWN: _("Transfer withdrawn"),
        RegistryEvent.TRANSFER_COMPLETED: _("Transfer completed"),
        RegistryEvent.TRANSFER_STUDENT_LOOKUP: _("Student looked up for a transfer"),
        RegistryEvent.IMPORT_STARTED: _("Import started"),
        RegistryEvent.IMPORT_FINISHED: _("Import finished"),
        RegistryEvent.EXPORTED: _("Registry data exported"),
        RegistryEvent.QUALITY_RUN: _("Data-quality check run"),
    }
)
