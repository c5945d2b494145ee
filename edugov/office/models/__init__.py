"""Models of the internal office (内网). Each area has its own module."""

from edugov.office.models.approvals import *  # noqa: F403
from edugov.office.models.archives import *  # noqa: F403
from edugov.office.models.documents import (
    Attachment,
    BodyBlob,
    BodyVersion,
    Document,
    DocumentFile,
    FollowedDocument,
    ImmutableError,
    NumberCounter,
    NumberSeries,
    Opinion,
    ReadReceipt,
)
from edugov.office.models.meetings import *  # noqa: F403
from edugov.office.models.rosters import *  # noqa: F403
from edugov.office.models.search import *  # noqa: F403
from edugov.office.models.supervision import *  # noqa: F403
from edugov.office.models.workflow import (
    Delegation,
    ProcessDefinition,
    ProcessInstance,
    TaskCandidate,
    WorkTask,
)

__all__ = [
    "Attachment",
    "BodyBlob",
    "BodyVersion",
    "Delegation",
    "Document",
    "DocumentFile",
    "FollowedDocument",
    "ImmutableError",
    "NumberCounter",
    "NumberSeries",
    "Opinion",
    "ProcessDefinition",
    "ProcessInstance",
    "ReadReceipt",
    "TaskCandidate",
    "WorkTask",
]
