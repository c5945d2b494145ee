"""The Uyghur and Kyrgyz (Arabic script) catalogs cover the public portal (PUB-10, B.15).

A new public string without a ug or ky_Arab translation fails here: run
``python -m tools.portal_messages --refresh --locale ug`` for the list and
``python -m tools.portal_messages --locale ug --fill FILE`` to write it (same for ky_Arab).
"""

from __future__ import annotations

import re
import shutil

import pytest
from django.utils import translation

from tools import portal_messages
from tools.check_translations import catalog_for, fill, parse, placeholders

LOCALES = {"ug": "ug", "ky_Arab": "ky-arab"}
CYRILLIC = re.compile("[\u0400-\u04ff]")
ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_public_string_is_translated(locale):
    assert portal_messages.missing(locale) == {}


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_are_arabic_script_with_the_same_placeholders(locale):
    _, entries = parse(catalog_for(locale))
    translated = [
        e for e in entries if not e.is_header and not e.obsolete and all(e.msgstr.values()) and e.msgstr
    ]
    assert len(translated) > 100
    for e in translated:
        for text in e.msgstr.values():
            assert not CYRILLIC.search(text), (e.msgid, text)  # Xinjiang Kyrgyz is not Cyrillic
            assert ARABIC.search(text), (e.msgid, text)
            source = e.msgid if e.msgid_plural is None else e.msgid_plural
            assert placeholders(source, e.flags) == placeholders(text, e.flags), e.msgid
        assert "fuzzy" not in e.flags, e.msgid


@pytest.mark.parametrize(("locale", "language"), LOCALES.items())
def test_compiled_catalog_is_current(locale, language):
    _, entries = parse(catalog_for(locale))
    with translation.override(language):
        for e in entries:
            if e.is_header or e.obsolete or e.msgid_plural or e.msgctxt or not e.msgstr.get(0):
                continue
            assert translation.gettext(e.msgid) == e.msgstr[0], e.msgid


def test_public_references_exclude_staff_files():
    public = portal_messages.is_public_reference
    assert public("portal/templates/portal/base_portal.html:5")
    assert public("portal/templates/portal/pages/article_page.html:3")
    assert public("portal/views/public.py:12")
    assert public("portal/views/letters_public.py:40")
    assert public("templates/public/home.html:2")
    # The status page explains the deadline and shows the timeline and the actions' refusals.
    assert public("portal/clock.py:120")
    assert public("core/calendar.py:237")
    assert public("portal/events_cases.py:60")
    assert public("portal/actions/ratings.py:230")
    assert not public("portal/views/workspace.py:3")
    assert not public("portal/templates/portal/workspace/cases.html:1")
    assert not public("office/views/documents.py:10")
    assert not public("core/access.py:24")


def test_fill_writes_only_the_given_entries(tmp_path):
    po = tmp_path / "django.po"
    shutil.copy(catalog_for("ug"), po)
    _, before = parse(po)
    target = next(e for e in before if not e.is_header and not e.msgstr.get(0) and e.msgid_plural is None)
    assert fill(po, {target.key: "سىناق"}) == 1
    _, after = parse(po)
    filled = {e.key: e for e in after}
    assert filled[target.key].msgstr[0] == "سىناق"
    assert sum(1 for e in after if e.msgstr.get(0)) == sum(1 for e in before if e.msgstr.get(0)) + 1
