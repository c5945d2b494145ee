"""Check (and help fill) a message catalog: Simplified Chinese unless --locale says otherwise.

    python -m tools.check_translations            report empty, fuzzy and mismatched entries
    python -m tools.check_translations --todo F   write the entries still to translate to F (JSON)
    python -m tools.check_translations --fill F   fill empty/fuzzy msgstrs from F (JSON)
    python -m tools.check_translations --locale ug ...   the same for edugov/locale/ug
                                                   (the portal's catalogs: see tools/portal_messages.py)

The JSON for --fill maps msgid (or "msgctxt\\x04msgid") to the msgstr, or to a list of
msgstr[n] for plural entries. Filling removes the ``fuzzy`` flag of the entries it fills.
Exit status 1 when the catalog has problems.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "edugov/locale"
CATALOG = LOCALE_DIR / "zh_Hans/LC_MESSAGES/django.po"


def catalog_for(locale: str) -> Path:
    """The .po of a gettext locale directory name (``zh_Hans``, ``ug``, ``ky_Arab``)."""
    return LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"


# %(name)s, %s, %d ... (but not the literal %%) and {name} for python-brace-format.
PERCENT_RE = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
BRACE_RE = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")


@dataclass
class Entry:
    start: int  # first line (comments included)
    end: int  # one past the last line
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 for a singular msgstr
    msgstr_lines: tuple[int, int] = (0, 0)
    obsolete: bool = False
    references: list[str] = field(default_factory=list)  # "portal/views/public.py:12" (#: lines)

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def parse(path: Path = CATALOG) -> tuple[list[str], list[Entry]]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    entries: list[Entry] = []
    current: Entry | None = None
    field_name: str | None = None
    seen_msg = False

    def finish(end: int) -> None:
        nonlocal current
        if current is not None and seen_msg:
            current.end = end
            entries.append(current)
        current = None

    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            finish(i)
            seen_msg = False
            continue
        if current is None:
            current = Entry(start=i, end=i)
            seen_msg = False
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            current.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#:"):
            current.references += line[2:].split()
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = _unquote(line)
        else:
            keyword, _, rest = line.partition(" ")
            value = _unquote(rest)
            field_name = keyword
            seen_msg = True
        if field_name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        elif field_name == "msgid":
            current.msgid += value
        elif field_name == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + value
        elif field_name and field_name.startswith("msgstr"):
            index = int(field_name[7:-1]) if field_name != "msgstr" else 0
            current.msgstr[index] = current.msgstr.get(index, "") + value
            s, _ = current.msgstr_lines
            current.msgstr_lines = (s if s else i, i + 1)
    finish(len(lines))
    return lines, entries


def placeholders(text: str, flags: set[str]) -> list[str]:
    found = [m.group(0) for m in PERCENT_RE.finditer(text) if m.group(0) != "%%"]
    if "python-brace-format" in flags:
        found += [f"{{{m.group(1)}}}" for m in BRACE_RE.finditer(text)]
    return sorted(found)


def problems(entries: list[Entry]) -> list[str]:
    out = []
    for e in entries:
        if e.obsolete:
            continue
        label = "header" if e.is_header else repr(e.msgid[:70])
        if "fuzzy" in e.flags:
            out.append(f"fuzzy: {label}")
        if e.is_header:
            continue
        if not e.msgstr or any(not s for s in e.msgstr.values()):
            out.append(f"untranslated: {label}")
            continue
        for index, text in sorted(e.msgstr.items()):
            # Every plural form carries the plural msgid's placeholders (Chinese has one form).
            source = e.msgid if e.msgid_plural is None else e.msgid_plural
            if placeholders(source, e.flags) != placeholders(text, e.flags):
                out.append(
                    f"placeholders differ: {label} msgstr[{index}]: "
                    f"{placeholders(source, e.flags)} != {placeholders(text, e.flags)}"
                )
    return out


def _quote(text: str) -> str:
    return (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    )


def fill(path: Path, translations: dict[str, object]) -> int:
    lines, entries = parse(path)
    count = 0
    for e in sorted(entries, key=lambda e: e.start, reverse=True):
        if e.is_header or e.obsolete or e.key not in translations:
            continue
        if all(e.msgstr.values()) and e.msgstr and "fuzzy" not in e.flags:
            continue
        value = translations[e.key]
        if e.msgid_plural is None:
            new = [f"msgstr {_quote(value)}\n"]
        else:
            values = value if isinstance(value, list) else [value]
            new = [f"msgstr[{n}] {_quote(v)}\n" for n, v in enumerate(values)]
        s, t = e.msgstr_lines
        lines[s:t] = new
        if "fuzzy" in e.flags:
            for i in range(e.start, s):
                if lines[i].startswith("#,"):
                    flags = [f.strip() for f in lines[i][2:].split(",") if f.strip() and f.strip() != "fuzzy"]
                    lines[i] = ("#, " + ", ".join(flags) + "\n") if flags else ""
            # Previous-msgid comments (#|) are meaningless once the entry is checked.
            for i in range(e.start, s):
                if lines[i].startswith("#|"):
                    lines[i] = ""
        count += 1
    path.write_text("".join(lines), encoding="utf-8")
    return count


def _say(text: str) -> None:
    sys.stdout.write(f"{text}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--po", type=Path, help="catalog file (default: that of --locale)")
    parser.add_argument("--locale", default="zh_Hans", help="locale directory name: zh_Hans, ug, ky_Arab")
    parser.add_argument("--todo", type=Path, help="write untranslated/fuzzy entries to this JSON file")
    parser.add_argument("--fill", type=Path, help="fill entries from this JSON file")
    args = parser.parse_args(argv)
    args.po = args.po or catalog_for(args.locale)
    if args.fill:
        n = fill(args.po, json.loads(args.fill.read_text(encoding="utf-8")))
        _say(f"filled {n} entries")
    _, entries = parse(args.po)
    if args.todo:
        todo = {
            e.key: (
                {"plural": e.msgid_plural, "flags": sorted(e.flags)} if e.msgid_plural else sorted(e.flags)
            )
            for e in entries
            if not e.is_header and not e.obsolete and ("fuzzy" in e.flags or not all(e.msgstr.values()))
        }
        args.todo.write_text(json.dumps(todo, ensure_ascii=False, indent=1), encoding="utf-8")
        _say(f"{len(todo)} entries to translate written to {args.todo}")
    found = problems(entries)
    for p in found:
        _say(p)
    total = sum(1 for e in entries if not e.is_header and not e.obsolete)
    _say(f"{total} entries, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
