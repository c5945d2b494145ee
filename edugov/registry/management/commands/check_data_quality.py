"""``manage.py check_data_quality [--unit CODE_OR_ID]``: run every data-quality rule now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from edugov.core.models import Organization
from edugov.registry.models import QualityScore
from edugov.registry.quality.runner import run_quality


def find_unit(value: str) -> Organization:
    """A unit by school code, unified social credit code or id."""
    value = value.strip()
    unit = Organization.objects.filter(school_code=value).first() or (
        Organization.objects.filter(credit_code=value.upper()).first()
    )
    if unit is None and value.isdigit():
        unit = Organization.objects.filter(pk=int(value)).first()
    if unit is None:
        raise CommandError(f"No unit with school code, credit code or id {value!r}.")
    return unit


class Command(BaseCommand):
    help = "Run the data-quality rules over every unit, or over one unit and the units below it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--unit", help="School code, credit code or id of the unit to check (default: all)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        units = [find_unit(options["unit"])] if options["unit"] else None
        run = run_quality(units, trigger="command", acting_user=None)
        self.stdout.write(f"{len(run.rules)} rules, {run.finding_count} open findings.")
        for score in QualityScore.objects.filter(run=run, organization=run.organization).select_related(
            "organization"
        ):
            self.stdout.write(
                f"{score.organization.name}: score {score.score} ({score.failed} of {score.checked} failed)"
            )
