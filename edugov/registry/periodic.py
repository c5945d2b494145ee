"""Periodic jobs of the registry (found by ``edugov.core.periodic.discover``)."""

import datetime as dt

from edugov.core.periodic import register_periodic

# Data quality (DB-6): every rule over every unit, each night.
register_periodic("registry.data_quality", "edugov.registry.quality.runner.run_nightly", at=dt.time(2, 0))
# Transfers (DB-3): remind the units whose transfer steps are close to or past their deadline.
register_periodic(
    "registry.transfer_reminders", "edugov.registry.actions.transfers.send_due_reminders", at=dt.time(8, 0)
)
