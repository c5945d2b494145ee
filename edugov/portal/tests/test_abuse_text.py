"""clean_text: what a citizen types is stored only when it is readable plain text (bad input and faults)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from edugov.portal.abuse import clean_text


def refused(value, **kwargs):
    kwargs.setdefault("max_length", 200)
    with pytest.raises(ValidationError) as info:
        clean_text(value, field_label="内容", **kwargs)
    return info.value


@pytest.mark.parametrize("value", ["", "   ", "\n\t ", None, "\u200b\ufeff", " \u200b "])
def test_empty_or_invisible_only_text_is_required(value):
    assert refused(value).code == "required"
    assert clean_text(value, max_length=10, required=False) == ""


def test_over_long_text_is_refused_with_the_count():
    error = refused("字" * 201)
    assert error.code == "invalid_text"
    assert "201" in error.messages[0]
    assert clean_text("字" * 200, max_length=200) == "字" * 200


@pytest.mark.parametrize("value", ["ab\x00c", "a\x1bb", "a\x7fb", "line\x0bbreak", "a\x85x"])
def test_control_characters_are_refused(value):
    assert refused(value).code == "invalid_text"


def test_replacement_character_from_a_wrong_encoding_is_refused():
    garbled = b"\xd5\xd0\xc9\xfa".decode("utf-8", errors="replace")  # 招生 in GBK read as UTF-8
    assert "\ufffd" in garbled
    assert refused(f"申请{garbled}").code == "invalid_text"


@pytest.mark.parametrize(
    "char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_bidi_overrides_and_isolates_are_refused(char):
    assert refused(f"invoice{char}fdp.exe").code == "invalid_text"


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        "<SCRIPT src=//x>",
        "<img src=x onerror=alert(1)>",
        "<b>粗体</b>",
        "<a href='http://x'>点击</a>",
        "<iframe",
        "<svg/onload=alert(1)>",
        "<!-- hidden -->",
        "<?php echo 1; ?>",
        "javascript:alert(1)",
        "JaVaScRiPt :alert(1)",
        'x" onclick="alert(1)',
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<div style='x'>",
    ],
)
def test_markup_and_scripts_are_refused(value):
    assert refused(value).code == "invalid_text"


@pytest.mark.parametrize(
    "value",
    [
        "3<5",
        "a < b 且 c > d",
        "<<义务教育法>>第十二条",
        "《义务教育法》第十二条",
        "分数 <60 分的学生",
        "孩子 5<年龄<7 岁",
        "问：学校几点放学？答：17:30。",
        "电话 0991-1234567, email: a@b.cn",
        "condition=1, reason = 2, online",
        "مەكتەپكە كىرىش ئۇقتۇرۇشى",  # Uyghur (Arabic script)
        "مەكتەپكە قابыл алуу",  # Kyrgyz mixed
        "Мектепке кабыл алуу",  # Kyrgyz Cyrillic
        "ئۆي\u200cئىچى",  # a zero-width non-joiner inside Arabic-script text
        "第一行\n第二行\t缩进",
        "emoji 👍 ok",
    ],
)
def test_ordinary_text_in_every_portal_script_passes(value):
    assert clean_text(value, max_length=200, field_label="内容") == value


def test_text_is_normalised_and_trimmed():
    assert clean_text("  e\u0301\r\nx  ", max_length=10) == "\u00e9\nx"


def test_stacked_combining_marks_are_refused():
    assert refused("a" + "\u0301" * 12).code == "invalid_text"
