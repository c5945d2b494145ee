"""``manage.py signing_keys``: list the node's signing keys, rotate a unit's key, export the root.

    manage.py signing_keys                      # one line per key: unit, fingerprint, validity
    manage.py signing_keys --rotate 42          # retire unit 42's key and make a new one
    manage.py signing_keys --export-root ca.pem # the root CA certificate, for verifiers

Private keys are never printed or exported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from edugov.core import signing
from edugov.core.models import Organization, SigningKey


class Command(BaseCommand):
    help = "List the node's signing keys; rotate a unit's document-signing key; export the root CA."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rotate", metavar="UNIT_ID", type=int, help="Retire the unit's active key and make a new one."
        )
        parser.add_argument(
            "--export-root",
            metavar="PATH",
            help="Write the node's root CA certificate (PEM) to PATH ('-' for standard output); "
            "it is created if the node has none yet.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rotate"] is not None:
            self._rotate(options["rotate"])
        if options["export_root"]:
            self._export_root(options["export_root"])
        if options["rotate"] is None and not options["export_root"]:
            self._list()

    def _rotate(self, unit_id: int) -> None:
        unit = Organization.objects.filter(pk=unit_id).first()
        if unit is None:
            raise CommandError(f"No unit with id {unit_id}.")
        key = signing.rotate_unit_key(unit, acting_user=None)
        self.stdout.write(
            f"New key for {unit.name}: {key.fingerprint} (valid until {key.not_after:%Y-%m-%d})"
        )

    def _export_root(self, path: str) -> None:
        pem = signing.root_certificate_pem()
        if path == "-":
            self.stdout.write(pem, ending="")
            return
        Path(path).write_text(pem, encoding="ascii")
        self.stdout.write(f"Wrote the root CA certificate to {path} ({signing.root_ca().fingerprint}).")

    def _list(self) -> None:
        now = timezone.now()
        rows = SigningKey.objects.select_related("organization").order_by("purpose", "organization_id", "-pk")
        count = 0
        for key in rows:
            count += 1
            owner = f"{key.organization_id} {key.organization.name}" if key.organization else "(node root CA)"
            state = "active"
            if not key.is_active:
                state = f"retired {key.retired_at:%Y-%m-%d}" if key.retired_at else "retired"
            if key.is_active and key.not_after <= now:
                state = "expired"
            self.stdout.write(
                f"{key.purpose:<8} {owner}  {key.fingerprint}  "
                f"{key.not_before:%Y-%m-%d}..{key.not_after:%Y-%m-%d}  {key.algorithm}  {state}"
            )
        if not count:
            self.stdout.write("No signing keys yet; they are made on first use.")
