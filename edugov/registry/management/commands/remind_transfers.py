"""``manage.py remind_transfers [--date YYYY-MM-DD]``: remind units of transfer steps due soon.

Steps due within one working day, or overdue, are reminded once a day (see
``edugov.registry.actions.transfers.send_due_reminders``); the periodic job
``registry.transfer_reminders`` runs the same every morning.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.registry.actions.transfers import send_due_reminders


class Command(BaseCommand):
    help = "Remind the deciding units of transfer steps due within one working day or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Count from this day instead of today (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date: {error}") from None
        count = send_due_reminders(today)
        self.stdout.write(f"{count} transfer step(s) reminded")
