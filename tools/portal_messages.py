"""The public portal's strings in the Uyghur and Kyrgyz (Arabic script) catalogs.

The portal speaks Chinese, Uyghur, Kyrgyz (Arabic script) and English; the staff side only
Chinese and English, so the ug and ky_Arab catalogs need the strings citizens see and
nothing else. This lists the msgids used by public portal files (by the ``#:`` references
of the catalog) that still lack a translation, and fills them in.

    python -m tools.portal_messages --refresh          makemessages for ug and ky_Arab first
    python -m tools.portal_messages --locale ug        JSON {msgid: ""} of what ug still lacks
                                                       (plural entries: {msgid: ["", ""]})
    python -m tools.portal_messages --locale ug --fill ug.json
                                                       write translations into ug's .po, compile
    python -m tools.portal_messages --check            exit 1 when either locale lacks a string

Which files are public: templates under portal/templates/portal/ (and the public shells in
templates/public/ and templates/includes/) that do not extend the staff workspace base, and
the Python modules matched by PUBLIC_PY (public views, forms, choices, template tags, and
what the case status page shows from elsewhere: the deadline explanation of ``clock.py`` and
the work calendar, timeline labels, and the messages of the actions a citizen triggers).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import subprocess  # noqa: S404 - runs manage.py with fixed arguments
import sys
from pathlib import Path

from tools.check_translations import Entry, catalog_for, fill, parse

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "edugov"
LOCALES = ["ug", "ky_Arab"]

# Reference paths are relative to edugov/ (makemessages runs there, like `make messages`).
PUBLIC_TEMPLATES = ["portal/templates/portal/*", "templates/public/*", "templates/includes/*"]
PUBLIC_PY = [
    "portal/views/public*.py",
    "portal/views/*_public.py",
    "portal/views/public/*.py",
    "portal/forms*.py",
    "portal/forms/*.py",
    "portal/choices.py",
    "portal/abuse.py",
    "portal/translation.py",
    "portal/templatetags/*.py",
    "portal/models/pages.py",
    "portal/models/translation.py",
    "portal/clock.py",
    "portal/events_cases.py",
    "portal/events_disclosure.py",
    "core/calendar.py",
    "portal/actions/ratings.py",
    "portal/actions/letters.py",
    "portal/actions/disclosure_requests.py",
    "portal/actions/citizens.py",
    "portal/actions/cases.py",
]
STAFF_MARKERS = ('{% extends "workspace/', "{% extends 'workspace/")
STAFF_PATHS = ["*/workspace/*", "*/staff/*", "*_staff.*", "*_workspace.*"]


def _is_staff_template(path: str) -> bool:
    file = PACKAGE / path
    try:
        head = file.read_text(encoding="utf-8")[:500]
    except OSError:
        return False
    return any(marker in head for marker in STAFF_MARKERS)


def is_public_reference(reference: str) -> bool:
    path = reference.rsplit(":", 1)[0] if reference[-1:].isdigit() else reference
    path = path.removeprefix("edugov/")
    if any(fnmatch.fnmatch(path, pattern) for pattern in STAFF_PATHS):
        return False
    if path.endswith((".html", ".txt")):
        return any(fnmatch.fnmatch(path, p) for p in PUBLIC_TEMPLATES) and not _is_staff_template(path)
    return any(fnmatch.fnmatch(path, pattern) for pattern in PUBLIC_PY)


def public_entries(entries: list[Entry]) -> list[Entry]:
    return [
        e
        for e in entries
        if not e.is_header and not e.obsolete and any(is_public_reference(r) for r in e.references)
    ]


def missing(locale: str) -> dict[str, object]:
    """Public msgids without a checked translation in ``locale``: {msgid: ""} / {msgid: ["", ""]}."""
    _, entries = parse(catalog_for(locale))
    out: dict[str, object] = {}
    for e in public_entries(entries):
        if e.msgstr and all(e.msgstr.values()) and "fuzzy" not in e.flags:
            continue
        out[e.key] = ["", ""] if e.msgid_plural is not None else ""
    return out


def _manage(*args: str) -> None:
    subprocess.run(  # noqa: S603 - fixed program and arguments
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=PACKAGE, check=True
    )


def refresh() -> None:
    flags = [arg for locale in LOCALES for arg in ("-l", locale)]
    _manage("makemessages", *flags, "--no-obsolete", "--ignore", "static/*")


def compile_locale(locale: str) -> None:
    _manage("compilemessages", "-l", locale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--locale", choices=LOCALES, action="append", help="ug or ky_Arab (default: both)")
    parser.add_argument("--fill", type=Path, help="JSON {msgid: msgstr} to write into the locale's .po")
    parser.add_argument("--refresh", action="store_true", help="run makemessages for ug and ky_Arab first")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a public string lacks a translation"
    )
    args = parser.parse_args(argv)
    locales = args.locale or LOCALES
    if args.refresh:
        refresh()
    if args.fill:
        if len(locales) != 1:
            parser.error("--fill needs exactly one --locale")
        translations = json.loads(args.fill.read_text(encoding="utf-8"))
        translations = {k: v for k, v in translations.items() if v and v != ["", ""]}
        count = fill(catalog_for(locales[0]), translations)
        compile_locale(locales[0])
        sys.stderr.write(f"filled {count} entries in {locales[0]}\n")
    report = {locale: missing(locale) for locale in locales}
    if not args.check:
        payload = report[locales[0]] if len(locales) == 1 else report
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    total = sum(len(r) for r in report.values())
    if args.check:
        for locale, entries in report.items():
            sys.stdout.write(f"{locale}: {len(entries)} public strings untranslated\n")
    return 1 if args.check and total else 0


if __name__ == "__main__":
    sys.exit(main())
