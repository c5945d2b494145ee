"""The Simplified Chinese catalog is complete and consistent, and pages switch language.

Every msgid must have a checked (non-fuzzy) msgstr. A new string without a translation
fails here on purpose: run makemessages, translate it in
edugov/locale/zh_Hans/LC_MESSAGES/django.po and run compilemessages (see
``python -m tools.check_translations``).
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

PERCENT_RE = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
BRACE_RE = re.compile(r"(?<!\{)\{(\w*)(?:[!:][^{}]*)?\}(?!\})")


def parse_po(path):
    """A small PO reader: one dict per entry with flags, msgid, msgid_plural and msgstr (a list)."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            pass
        elif line.startswith('"'):
            append(entry, field, ast.literal_eval(line))
        else:
            field, _, rest = line.partition(" ")
            append(entry, field, ast.literal_eval(rest), start=True)
    finish()
    return entries


def append(entry, field, value, start=False):
    if field.startswith("msgstr"):
        index = 0 if field == "msgstr" else int(field[7:-1])
        entry["msgstr"][index] = entry["msgstr"].get(index, "") + value
    else:
        entry[field] = ("" if start else entry[field]) + value


def placeholders(text, flags):
    found = [m.group(0) for m in PERCENT_RE.finditer(text) if m.group(0) != "%%"]
    if "python-brace-format" in flags:
        found += [f"{{{m.group(1)}}}" for m in BRACE_RE.finditer(text)]
    return sorted(found)


ENTRIES = [e for e in parse_po(PO) if not e["obsolete"]]
MESSAGES = [e for e in ENTRIES if e["msgid"] or "msgctxt" in e]


def test_catalog_lives_in_one_place():
    assert PO.is_file()
    assert MO.is_file(), "run: python manage.py compilemessages -l zh_Hans --ignore '.venv/*'"
    package_dir = PO.parents[3]  # edugov/: apps keep no catalogs of their own
    locale_dir = PO.parents[2]  # the portal's ug and ky_Arab catalogs live beside zh_Hans
    assert [p for p in package_dir.rglob("locale/*/LC_MESSAGES/*.po") if p.parents[2] != locale_dir] == []
    assert len(MESSAGES) > 100


def test_header_is_checked_and_has_one_plural_form():
    header = next(e for e in ENTRIES if e["msgid"] == "" and "msgctxt" not in e)
    assert "fuzzy" not in header["flags"]
    assert "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"][0]
    assert "charset=UTF-8" in header["msgstr"][0]


def test_every_message_is_translated():
    untranslated = [e["msgid"] for e in MESSAGES if not e["msgstr"] or not all(e["msgstr"].values())]
    assert untranslated == [], (
        "Untranslated strings in edugov/locale/zh_Hans/LC_MESSAGES/django.po; translate them "
        "and run compilemessages."
    )


def test_no_message_is_fuzzy():
    assert [e["msgid"] for e in MESSAGES if "fuzzy" in e["flags"]] == []


def test_placeholders_match():
    mismatched = []
    for e in MESSAGES:
        source = e.get("msgid_plural", e["msgid"])
        for index, text in e["msgstr"].items():
            if text and placeholders(source, e["flags"]) != placeholders(text, e["flags"]):
                mismatched.append((e["msgid"], index, text))
    assert mismatched == []


def test_plural_entries_have_one_form():
    for e in MESSAGES:
        if "msgid_plural" in e:
            assert sorted(e["msgstr"]) == [0], e["msgid"]


def test_compiled_catalog_is_current():
    """The .mo answers with the .po's translations (someone forgot compilemessages otherwise)."""
    with translation.override("zh-hans"):
        for e in MESSAGES:
            if "msgid_plural" in e or "msgctxt" in e or not e["msgstr"].get(0):
                continue
            assert translation.gettext(e["msgid"]) == e["msgstr"][0], e["msgid"]
    with translation.override("en"):
        assert translation.gettext("Sign In") == "Sign In"


def test_validation_message_names_field_and_rule():
    with translation.override("zh-hans"):
        text = translation.gettext(
            "ID number: the check character should be %(expected)s (GB 11643 MOD 11-2)."
        ) % {"expected": "X"}
    assert text == "身份证号码：校验码应为 X（GB 11643 MOD 11-2）。"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "english"),
    [("/accounts/login/", "Sign In"), ("/", "Staff sign-in")],
)
def test_pages_are_chinese_by_default_and_english_on_request(client, path, english):
    chinese = client.get(path)
    assert chinese.status_code == 200
    assert chinese["Content-Language"] == "zh-hans"
    assert "登录" in chinese.text
    assert english not in chinese.text

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    by_cookie = client.get(path)
    assert by_cookie["Content-Language"] == "en"
    assert english in by_cookie.text
    assert "登录" not in by_cookie.text

    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    by_header = client.get(path, headers={"accept-language": "en"})
    assert by_header["Content-Language"] == "en"
    assert english in by_header.text
