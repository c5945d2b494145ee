from edugov.core.models.audit import AuditChainHead, AuditEntry
from edugov.core.models.calendar import CalendarDay, CalendarYear
from edugov.core.models.codes import Code, CodeTable
from edugov.core.models.organizations import Organization, SchoolCode
from edugov.core.models.people import Membership, User
from edugov.core.models.periodic import PeriodicRun
from edugov.core.models.permissions import Grant, Role
from edugov.core.models.regions import Region
from edugov.core.models.signing import SigningKey

__all__ = [
    "AuditChainHead",
    "AuditEntry",
    "CalendarDay",
    "CalendarYear",
    "Code",
    "CodeTable",
    "Grant",
    "Membership",
    "Organization",
    "PeriodicRun",
    "Region",
    "Role",
    "SchoolCode",
    "SigningKey",
    "User",
]
