"""Audit events of the website group: syndication between sites."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from edugov.core.audit import register_event_labels


class SitesEvent(StrEnum):
    SYNDICATION_OFFERED = "portal.syndication_offered"
    SYNDICATION_ACCEPTED = "portal.syndication_accepted"
    SYNDICATION_DECLINED = "portal.syndication_declined"
    SYNDICATION_WITHDRAWN = "portal.syndication_withdrawn"


register_event_labels(
    {
        SitesEvent.SYNDICATION_OFFERED: _("Article offered to another site"),
        SitesEvent.SYNDICATION_ACCEPTED: _("Offered article accepted as a draft"),
        SitesEvent.SYNDICATION_DECLINED: _("Offered article declined"),
        SitesEvent.SYNDICATION_WITHDRAWN: _("Offer of an article withdrawn"),
    }
)
