from edugov.portal.models.cases import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseSequence,
    CitizenProfile,
    ClockEvent,
)
from edugov.portal.models.disclosure import DisclosureRequest
from edugov.portal.models.pages import ArticlePage, HomePage, SectionPage
from edugov.portal.models.publishing import PublishedSnapshot, SiteReviewTask
from edugov.portal.models.sites import PortalSite

__all__ = [
    "ArticlePage",
    "Case",
    "CaseAttachment",
    "CaseEvent",
    "CaseSequence",
    "CitizenProfile",
    "ClockEvent",
    "DisclosureRequest",
    "HomePage",
    "PortalSite",
    "PublishedSnapshot",
    "SectionPage",
    "SiteReviewTask",
]
