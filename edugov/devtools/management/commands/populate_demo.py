from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from edugov.devtools.demo import SCALES, build_demo, demo_logins, format_logins, sample_counts
from edugov.devtools.registry.demo import build_registry, registry_present
from edugov.devtools.registry.province import build_province_registry


class Command(BaseCommand):
    help = "Build the demo province (idempotent: a second run only reprints the logins)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="small",
            help="small (make demo), medium, large; province: ≈ 15,000 schools and ≈ 5.6 million "
            "pupils for benchmarks (edugov/devtools/registry/province.py)",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--no-registry",
            dest="registry",
            action="store_false",
            help="build only the units and logins, without pupils, staff, buildings, assets and finance",
        )
        parser.add_argument(
            "--prefecture",
            action="append",
            dest="prefectures",
            metavar="CODE",
            help="with --scale province: pupils only in this prefecture (region code; repeatable)",
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(
        self,
        *args: Any,
        scale: str,
        seed: int,
        url: str,
        registry: bool = True,
        prefectures: list[str] | None = None,
        **options: Any,
    ) -> None:
        started = time.monotonic()
        result = build_demo(seed=seed, scale=scale)
        counts = sample_counts()
        if registry and not registry_present():
            self.stdout.write("Filling the registry (pupils, staff, buildings, assets, finance)…")
            if scale == "province":
                build_province_registry(
                    seed=seed, prefectures=set(prefectures or ()) or None, progress=self.stdout.write
                )
            else:
                build_registry(seed=seed, scale=scale, progress=self.stdout.write)
            result.created = True
        from edugov.devtools.office_demo import build_office, office_present

        if not office_present():
            self.stdout.write("Filling the internal office (documents at every stage, signed PDFs)…")
            build_office(seed=seed, progress=self.stdout.write)
            result.created = True
        from edugov.devtools.portal_demo import build_portal, portal_present

        if not portal_present():
            self.stdout.write("Building the public portal (website group, citizens' letters)…")
            build_portal(url=url, progress=self.stdout.write)
            result.created = True
        if result.created:
            self.stdout.write(
                f"Demo province built in {time.monotonic() - started:.1f}s: {counts['bureaus']} bureaus, "
                f"{counts['departments']} departments, {counts['schools']} schools."
            )
        else:
            self.stdout.write(
                f"Demo province already present ({counts['schools']} schools); nothing changed."
            )
        # Rebuilt from the database, so logins added after the tree (the office's) are listed too.
        text = format_logins(demo_logins(seed=seed), url=url)
        path = settings.VAR_DIR / "demo-logins.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(text)
