from edugov.portal.models.cases import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseSequence,
    CitizenProfile,
    ClockEvent,
)
from edugov.portal.models.catalogue import (
    AnnualReportFigures,
    DisclosureCandidate,
    DisclosureIndexPage,
    DisclosureIndexSequence,
    DisclosureItemPage,
)
from edugov.portal.models.disclosure import DisclosureRequest
from edugov.portal.models.letters import Letter, LetterCategory, RoutingRule
from edugov.portal.models.pages import ArticlePage, HomePage, SectionPage
from edugov.portal.models.publishing import PublishedSnapshot, SiteReviewTask
from edugov.portal.models.ratings import (
    CaseClosure,
    CaseRating,
    FollowUp,
    RatingAppeal,
    Rectification,
)
from edugov.portal.models.search import PortalSearchEntry
from edugov.portal.models.sites import PortalSite
from edugov.portal.models.syndication import Syndication, SyndicationStatus
from edugov.portal.models.translation import PageTranslation, TranslationStatus

__all__ = [
    "AnnualReportFigures",
    "ArticlePage",
    "Case",
    "CaseAttachment",
    "CaseClosure",
    "CaseEvent",
    "CaseRating",
    "CaseSequence",
    "CitizenProfile",
    "ClockEvent",
    "DisclosureCandidate",
    "DisclosureIndexPage",
    "DisclosureIndexSequence",
    "DisclosureItemPage",
    "DisclosureRequest",
    "FollowUp",
    "HomePage",
    "Letter",
    "LetterCategory",
    "PageTranslation",
    "PortalSearchEntry",
    "PortalSite",
    "PublishedSnapshot",
    "RatingAppeal",
    "Rectification",
    "RoutingRule",
    "SectionPage",
    "SiteReviewTask",
    "Syndication",
    "SyndicationStatus",
    "TranslationStatus",
]
