from edugov.registry.models.assets import Asset
from edugov.registry.models.buildings import Building
from edugov.registry.models.finance import FinanceRecord
from edugov.registry.models.imports import ImportJob, ImportProblem
from edugov.registry.models.lineage import ChangeRecord
from edugov.registry.models.quality import QualityFinding, QualityRun, QualityScore
from edugov.registry.models.schools import SchoolProfile
from edugov.registry.models.staff import StaffMember
from edugov.registry.models.students import (
    DuplicateSuspect,
    Enrolment,
    Guardian,
    GuardianLink,
    StatusChange,
    Student,
    StudentMerge,
)
from edugov.registry.models.transfers import Transfer, TransferStep

__all__ = [
    "Asset",
    "Building",
    "ChangeRecord",
    "DuplicateSuspect",
    "Enrolment",
    "FinanceRecord",
    "Guardian",
    "GuardianLink",
    "ImportJob",
    "ImportProblem",
    "QualityFinding",
    "QualityRun",
    "QualityScore",
    "SchoolProfile",
    "StaffMember",
    "StatusChange",
    "Student",
    "StudentMerge",
    "Transfer",
    "TransferStep",
]
