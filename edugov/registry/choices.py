from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a registry change came from (数据溯源, DB-5)."""

    FORM = "form", _("Form")
    IMPORT = "import", _("Import job")
    API = "api", _("API")
    EXCHANGE = "exchange", _("Exchange message")
    TRANSFER = "transfer", _("Transfer")
    SYSTEM = "system", _("System")
    DEMO = "demo", _("Demo data")


class Boarding(models.TextChoices):
    NONE = "none", _("Day school")
    PARTIAL = "partial", _("Partly boarding")
    FULL = "full", _("Boarding school")


class EnrolmentState(models.TextChoices):
    """Whether an enrolment holds the person's one active place (一人一籍)."""

    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("In progress")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class TransferStepKind(models.TextChoices):
    SENDING_SCHOOL = "sending_school", _("Sending school")
    SENDING_COUNTY = "sending_county", _("Sending county bureau")
    RECEIVING_COUNTY = "receiving_county", _("Receiving county bureau")
    SENDING_PREFECTURE = "sending_prefecture", _("Sending prefecture bureau")
    RECEIVING_PREFECTURE = "receiving_prefecture", _("Receiving prefecture bureau")


class StepStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not the same person")


class FinanceDirection(models.TextChoices):
    INCOME = "income", _("Income")
    EXPENDITURE = "expenditure", _("Expenditure")


class ImportKind(models.TextChoices):
    STUDENTS = "students", _("Students")
    STAFF = "staff", _("Staff")
    BUILDINGS = "buildings", _("Buildings")
    ASSETS = "assets", _("Assets")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", _("Write nothing unless every row is valid")
    VALID_ROWS_ONLY = "valid", _("Write the valid rows, return the others to fix")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    INVALID = "invalid", _("Problems found, nothing written")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
