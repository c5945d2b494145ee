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
from edugov.portal.models.sites import PortalSite
from edugov.portal.models.translation import PageTranslation, TranslationStatus

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
    "PageTranslation",
    "PortalSite",
    "SectionPage",
    "TranslationStatus",
]
