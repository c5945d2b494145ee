"""Periodic jobs of the office (found by core.periodic's autodiscovery).

The jobs are named by dotted path and imported only when they run.
"""

import datetime as dt

from edugov.core.periodic import register_periodic

# Process timers (deadlines, escalation): every minute.
register_periodic(
    "office.process_timers", "edugov.office.workflow.engine.tick", every=dt.timedelta(minutes=1)
)
# Daily reminders at 08:00: supervision milestones, archive loans due, duty tomorrow.
register_periodic(
    "office.supervision_reminders", "edugov.office.actions.supervision.send_reminders", at=dt.time(8, 0)
)
register_periodic(
    "office.archive_reminders", "edugov.office.actions.archives.send_reminders", at=dt.time(8, 5)
)
