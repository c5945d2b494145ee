from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from edugov.devtools.demo import current_totp_code


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo login (demo only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, username: str, seed: int, **options: Any) -> None:
        self.stdout.write(current_totp_code(seed, username))
