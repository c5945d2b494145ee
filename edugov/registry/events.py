"""Audit event names of the registry (written with ``edugov.core.audit.log_event``)."""

from enum import StrEnum


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
