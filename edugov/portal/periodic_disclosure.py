"""Periodic job of disclosure requests: mark the overdue ones for the supervisors (PUB-3).

Imported from ``PortalConfig.ready()``; ``edugov.core.periodic`` runs it (``run_periodic``).
"""

import datetime as dt

from edugov.core.periodic import register_periodic

# Each morning (and at the first tick after a node starts): open requests past due_on.
register_periodic(
    "portal.disclosure_escalation",
    "edugov.portal.actions.disclosure_requests.escalate_overdue_requests",
    at=dt.time(7, 30),
)
