"""Periodic jobs of the portal (found by core.periodic's autodiscovery)."""

import datetime as dt

from edugov.core.periodic import register_periodic

# Scheduled publishing (go_live_at) and expiry (expire_at) of approved pages: every minute.
register_periodic(
    "portal.scheduled_publishing",
    "edugov.portal.publishing.run_scheduled_publishing",
    every=dt.timedelta(minutes=1),
)
