"""GB/T 9704-2012 rendering: every element is printed, in the right format and place, on A4
with 22 lines of 28 characters; fonts fall back and say so; the seal is decoration only."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess  # noqa: S404 - runs poppler's pdftotext/pdfinfo on files the test wrote
import xml.etree.ElementTree as ET  # noqa: S405 - parses the SVG this code made
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils.translation import override

from edugov.office.models import Attachment, BodyBlob, BodyVersion, Document
from edugov.office.rendering import gbt9704
from edugov.office.rendering.seal import seal_svg
from edugov.platform.testing.fixtures import make_user

PX_MM = 25.4 / 96  # WeasyPrint lays out in CSS pixels

BODY = "\n".join(
    [
        "为深入贯彻落实全国教育大会精神，进一步加强全区中小学校安全管理工作，切实保障师生生命安全，现就有关事项通知如下。",
        "一、总体要求",
        "坚持安全第一、预防为主、综合治理的方针，落实学校安全工作主体责任，建立健全学校安全风险防控体系。",
        "二、重点任务",
        "（一）加强安全教育。各地各校要把安全教育纳入教育教学计划，每学期开展不少于两次应急疏散演练。",
        "（二）开展隐患排查。各级教育行政部门要会同有关部门，对校舍、消防、食品、交通等方面开展全面排查。",
        "1.校舍安全。对存在安全隐患的校舍要立即停止使用，并及时报告当地人民政府。",
        "2.食品安全。严格落实学校食堂食品安全管理制度，严把食材采购、储存、加工关。",
        "（三）完善制度建设。健全学校安全管理制度，明确岗位职责，落实值班值守和信息报送制度。",
        "三、工作要求",
        "各地教育行政部门要高度重视，加强组织领导，周密安排部署，确保各项措施落到实处。",
    ]
)


def poppler(tool: str) -> str:
    """Path of a poppler-utils program; skipped locally without it, an error under CI."""
    found = shutil.which(tool) or (f"/usr/bin/{tool}" if Path(f"/usr/bin/{tool}").exists() else None)
    if found is None:
        reason = f"{tool} is not installed (apt-get install poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}. CI is set, so this is an error, not a skip.", pytrace=False)
        pytest.skip(reason)
    return found


def run_tool(tool: str, *args: str) -> str:
    return subprocess.run(  # noqa: S603 - a fixed poppler program and paths made by the test
        [poppler(tool), *args], capture_output=True, text=True, timeout=60, check=False
    ).stdout


def pdf_text(pdf: bytes, tmp_path: Path, *, page: int | None = None) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return run_tool("pdftotext", "-layout", "-enc", "UTF-8", *pages, str(path), "-")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def make_document(organization: Any, *, body: str = BODY, **fields: Any) -> Document:
    """A saved outgoing document with every GB/T 9704 element filled in."""
    author = make_user(f"drafter{Document.objects.count()}", unit=organization)
    values = {
        "organization": organization,
        "direction": "outgoing",
        "doc_type": "notice",
        "status": "dispatch",
        "title": "关于进一步加强全区中小学校安全管理工作的通知",
        "copy_number": "000001",
        "secrecy": "internal",
        "secrecy_period": "1年",
        "urgency": "urgent",
        "issuing_organ": "新疆维吾尔自治区教育厅文件",
        "doc_number": "新教发〔2026〕12号",
        "signer_name": "王五",
        "main_recipients": "各地（州、市）教育局，兵团教育局",
        "attachment_notes": ["学校安全隐患排查表", "工作联系人名单"],
        "signing_organ": "新疆维吾尔自治区教育厅",
        "written_on": dt.date(2026, 7, 1),
        "sealed": True,
        "remark": "此件公开发布",
        "cc_recipients": "教育部办公厅，自治区人民政府办公厅",
        "printed_by": "新疆维吾尔自治区教育厅办公室",
        "printed_on": dt.date(2026, 7, 2),
        "created_by": author,
    }
    values.update(fields)
    document = Document.objects.create(**values)
    version = BodyVersion.objects.create(
        document=document, number=1, blob=BodyBlob.store(body), author=author
    )
    document.current_body = version
    document.save(update_fields=["current_body"])
    return document


def long_body(paragraphs: int) -> str:
    return "\n".join(
        f"第{i}段：各地各校要把安全教育纳入教育教学计划，每学期开展应急疏散演练，提高师生安全意识和自救自护能力。"
        for i in range(1, paragraphs + 1)
    )


def line_boxes(page: Any) -> list[tuple[float, float, str]]:
    """(top mm, left of its first text mm, text) of every line on a page, margin boxes included."""
    from weasyprint.formatting_structure import boxes

    found: list[tuple[float, float, str]] = []

    def walk(box: Any) -> None:
        if isinstance(box, boxes.LineBox):
            text = "".join(t.text for t in box.descendants() if isinstance(t, boxes.TextBox))
            left = box.children[0].position_x if box.children else box.position_x  # after text-indent
            found.append((box.position_y * PX_MM, left * PX_MM, text))
            return
        for child in getattr(box, "children", None) or []:
            walk(child)

    walk(page._page_box)
    return found


def boxes_with_class(page: Any, name: str) -> list[Any]:
    from weasyprint.formatting_structure import boxes

    return [
        box
        for box in page._page_box.descendants()
        if isinstance(box, boxes.BlockBox)
        and box.element is not None
        and name in (box.element.get("class") or "").split()
        and box.element_tag != "::footnote-marker"
    ]


# --- Formats -------------------------------------------------------------------------


def test_dates_are_written_in_full_without_padding() -> None:
    assert gbt9704.chinese_date(dt.date(2026, 7, 1)) == "2026年7月1日"
    assert gbt9704.chinese_date(dt.date(2026, 10, 10)) == "2026年10月10日"
    assert gbt9704.chinese_date(None) == ""


def test_body_lines_are_paragraphs_and_numbered_lines_are_headings() -> None:
    paragraphs = gbt9704.body_paragraphs(
        "一、总体要求\n\n  （一）加强领导。各地要落实责任。\r\n1.校舍安全。\n(二)完善制度"
    )
    assert paragraphs == [
        {"kind": "h1", "head": "一、总体要求", "text": ""},
        {"kind": "h2", "head": "（一）加强领导。", "text": "各地要落实责任。"},
        {"kind": "p", "head": "", "text": "1.校舍安全。"},
        {"kind": "h2", "head": "(二)完善制度", "text": ""},
    ]


def test_page_geometry_follows_the_standard() -> None:
    assert gbt9704.MARGIN_RIGHT == pytest.approx(26.0)
    assert gbt9704.MARGIN_BOTTOM == pytest.approx(35.0)
    # 22 lines fill the 225 mm type area, 28 characters its 156 mm width (to a few µm)
    assert 22 * gbt9704.LINE == pytest.approx(225.0, abs=0.01)
    assert 22 * gbt9704.LINE <= 225.0
    char = gbt9704.SIZE_3 * gbt9704.PT_MM + gbt9704.LETTER_SPACING
    assert 28 * char == pytest.approx(156.0, abs=0.1)
    assert 28 * char <= 156.0


# --- HTML ----------------------------------------------------------------------------


def test_html_carries_every_element(tree: Any) -> None:
    document = make_document(tree.province)
    html = gbt9704.document_html(document)
    for text in [
        "000001",
        "内部★1年",
        "加急",
        "新疆维吾尔自治区教育厅文件",
        "新教发〔2026〕12号",
        "关于进一步加强全区中小学校安全管理工作的通知",
        "各地（州、市）教育局，兵团教育局：",
        '<span class="heiti">一、总体要求</span>',
        '<span class="kaiti">（一）加强安全教育。</span>各地各校要把安全教育',
        "附件：1.学校安全隐患排查表",
        "2.工作联系人名单",
        "2026年7月1日",
        "（此件公开发布）",
        "抄送：教育部办公厅，自治区人民政府办公厅。",
        "2026年7月2日印发",
        "新疆维吾尔自治区教育厅办公室",
    ]:
        assert text in html, text
    # the seal is drawn over the signature, and a notice carries no 签发人
    assert 'class="seal" src="data:image/svg+xml;base64,' in html
    assert "签发人" not in html
    # the page box is A4 with the standard's margins
    assert "size: 210.0000mm 297.0000mm" in html
    assert "margin: 37.0000mm 26.0000mm 35.0000mm 28.0000mm" in html


def test_signer_is_printed_only_for_upward_documents(tree: Any) -> None:
    notice = make_document(tree.province, doc_type="notice")
    request = make_document(tree.province, doc_type="request", signer_name="王五、李四")
    assert "签发人" not in gbt9704.document_html(notice)
    html = gbt9704.document_html(request)
    assert (
        '<span class="signer">签发人：<span class="kaiti">王五</span>　<span class="kaiti">李四</span>'
        in html
    )
    assert '<div class="number upward">' in html


def test_body_text_argument_previews_unsaved_text_and_seal_can_be_left_out(tree: Any) -> None:
    document = make_document(tree.province)
    html = gbt9704.document_html(document, body_text="尚未保存的正文。", seal=False)
    assert "尚未保存的正文。" in html
    assert "总体要求" not in html
    assert 'class="seal"' not in html
    # an unsealed signature is set two characters from the right, the date two in
    assert 'class="signature plain"' in html


def test_user_text_is_escaped_and_nothing_outside_is_fetched(tree: Any) -> None:
    document = make_document(tree.province, title='<img src="file:///etc/passwd">通知', body="<b>正文</b>")
    html = gbt9704.document_html(document)
    assert "<img src=" not in html
    assert "&lt;b&gt;正文&lt;/b&gt;" in html
    fetcher = gbt9704._url_fetcher()
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError, match="disallowed|refused"):
        fetcher.fetch("http://example.com/x.png")


# --- PDF -----------------------------------------------------------------------------


def test_pdf_prints_every_element_on_a4(tree: Any, tmp_path: Path) -> None:
    document = make_document(tree.province)
    pdf = gbt9704.render_pdf(document)
    assert pdf.startswith(b"%PDF-")
    text = squeeze(pdf_text(pdf, tmp_path))
    for expected in [
        "000001",
        "内部★1年",
        "加急",
        "新疆维吾尔自治区教育厅文件",
        "新教发〔2026〕12号",
        "关于进一步加强全区中小学校安全管理工作的通知",
        "各地（州、市）教育局，兵团教育局：",
        "一、总体要求",
        "（一）加强安全教育。",
        "附件：1.学校安全隐患排查表",
        "2.工作联系人名单",
        "新疆维吾尔自治区教育厅",
        "2026年7月1日",
        "（此件公开发布）",
        "抄送：教育部办公厅，自治区人民政府办公厅。",
        "新疆维吾尔自治区教育厅办公室",
        "2026年7月2日印发",
        "—1—",
    ]:
        assert expected in text, expected
    assert "签发人" not in text
    path = tmp_path / "doc.pdf"
    info = run_tool("pdfinfo", str(path))
    assert "(A4)" in info


def test_a_long_body_takes_two_pages_with_page_numbers(tree: Any, tmp_path: Path) -> None:
    document = make_document(tree.province, body=long_body(9), attachment_notes=[], remark="")
    layout = gbt9704.render_layout(document)
    assert len(layout.pages) == 2
    for page in layout.pages:
        assert page.width * PX_MM == pytest.approx(210, abs=0.01)
        assert page.height * PX_MM == pytest.approx(297, abs=0.01)
    pdf = layout.write_pdf()
    assert squeeze(pdf_text(pdf, tmp_path, page=1)).endswith("—1—")
    assert squeeze(pdf_text(pdf, tmp_path, page=2)).endswith("—2—")
    assert re.search(r"^Pages:\s+2$", run_tool("pdfinfo", str(tmp_path / "doc.pdf")), re.MULTILINE)
    # page numbers sit 7 mm below the type area: odd pages on the right, even on the left,
    # one 4号 character in from the edge
    numbers = {}
    for index, page in enumerate(layout.pages, start=1):
        (top, left, text) = next(line for line in line_boxes(page) if "—" in line[2])
        numbers[index] = (top, left, text)
    assert numbers[1][2] == "— 1 —"
    assert numbers[2][2] == "— 2 —"
    char4 = 14 * gbt9704.PT_MM
    assert numbers[1][1] > 28 + 156 / 2
    assert numbers[2][1] == pytest.approx(28 + char4, abs=0.1)
    dash_middle = numbers[1][0] + char4 / 2
    assert dash_middle == pytest.approx(37 + 225 + 7, abs=0.2)


def test_full_pages_hold_22_lines_of_28_characters(tree: Any) -> None:
    # given a body of identical characters, long enough for full pages
    body = "\n".join("国" * 26 + "国" * 28 * 3 for _ in range(12))
    document = make_document(tree.province, body=body, attachment_notes=[], remark="", cc_recipients="")
    layout = gbt9704.render_layout(document)
    second = [line for line in line_boxes(layout.pages[1]) if line[2] and "—" not in line[2]]
    # then a full page has 22 lines from the top of the type area to its bottom
    assert len(second) == 22
    assert second[0][0] == pytest.approx(37.0, abs=0.01)
    assert second[-1][0] + gbt9704.LINE == pytest.approx(37 + 225, abs=0.05)
    # and every line holds 28 characters (26 after a paragraph's two-character indent)
    lengths = {len(text) for _top, _left, text in second}
    assert lengths == {26, 28}


def test_head_is_placed_as_the_standard_says(tree: Any) -> None:
    document = make_document(tree.province)
    layout = gbt9704.render_layout(document)
    first = layout.pages[0]
    lines = line_boxes(first)
    # 份号, 密级★期限, 紧急程度: the first three lines at the top left of the type area
    assert [(round(top, 2), round(left, 2), text) for top, left, text in lines[:3]] == [
        (37.0, 28.0, "000001"),
        (round(37 + gbt9704.LINE, 2), 28.0, "内部★1年"),
        (round(37 + 2 * gbt9704.LINE, 2), 28.0, "加急"),
    ]
    # the issuing-organ mark starts 35 mm below the top of the type area
    organ = boxes_with_class(first, "organ")[0]
    assert organ.position_y * PX_MM == pytest.approx(37 + 35, abs=0.01)
    assert organ.style["color"][:3] != (0, 0, 0)
    # the red rule is 4 mm below the document number's glyphs
    number = boxes_with_class(first, "number")[0]
    rule = boxes_with_class(first, "red-rule")[0]
    glyph_bottom = (number.position_y + number.margin_height()) * PX_MM - (
        gbt9704.LINE - 16 * gbt9704.PT_MM
    ) / 2
    rule_top = rule.border_box_y() * PX_MM
    assert rule_top - glyph_bottom == pytest.approx(4.0, abs=0.05)
    # the title is two lines below the rule
    title = boxes_with_class(first, "title")[0]
    rule_bottom = (rule.position_y + rule.margin_height()) * PX_MM
    assert title.border_box_y() * PX_MM - rule_bottom == pytest.approx(2 * gbt9704.LINE, abs=0.05)


def word_boxes(pdf: bytes, tmp_path: Path) -> dict[str, tuple[float, float, float]]:
    """Words as poppler finds them in the PDF: text → (left, right, top) in mm."""
    path = tmp_path / "words.pdf"
    path.write_bytes(pdf)
    found = {}
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>'
    for x_min, y_min, x_max, word in re.findall(pattern, run_tool("pdftotext", "-bbox", str(path), "-")):
        found.setdefault(
            word, (float(x_min) * gbt9704.PT_MM, float(x_max) * gbt9704.PT_MM, float(y_min) * gbt9704.PT_MM)
        )
    return found


def test_signature_is_placed_as_the_standard_says(tree: Any, tmp_path: Path) -> None:
    right_edge = 28 + 156
    # the last character's (negative) spacing; poppler's glyph boxes are good to ±0.3 mm
    trailing = -gbt9704.LETTER_SPACING
    # sealed: the date four characters from the right, the organ centred on the date
    words = word_boxes(gbt9704.render_pdf(make_document(tree.province, body="正文。")), tmp_path)
    d_left, d_right, d_top = words["2026年7月1日"]
    o_left, o_right, o_top = words["新疆维吾尔自治区教育厅"]
    assert right_edge - d_right - trailing == pytest.approx(4 * gbt9704.PITCH, abs=0.3)
    assert (o_left + o_right) / 2 == pytest.approx((d_left + d_right) / 2, abs=0.2)
    assert d_top - o_top == pytest.approx(gbt9704.LINE, abs=0.05)
    # unsealed: the organ two characters from the right, the date two characters in from it
    document = make_document(tree.province, body="正文。", sealed=False)
    words = word_boxes(gbt9704.render_pdf(document), tmp_path)
    d_left, d_right, d_top = words["2026年7月1日"]
    o_left, o_right, o_top = words["新疆维吾尔自治区教育厅"]
    assert right_edge - o_right - trailing == pytest.approx(2 * gbt9704.PITCH, abs=0.3)
    assert d_left - o_left == pytest.approx(2 * gbt9704.PITCH, abs=0.05)
    assert d_top - o_top == pytest.approx(gbt9704.LINE, abs=0.05)
    # a very long organ name stays inside the type area: four characters from the right
    organ = "新疆维吾尔自治区乌鲁木齐市天山区教育局"
    document = make_document(tree.province, body="正文。", signing_organ=organ)
    words = word_boxes(gbt9704.render_pdf(document), tmp_path)
    o_left, o_right, o_top = words[organ]
    assert right_edge - o_right - trailing == pytest.approx(4 * gbt9704.PITCH, abs=0.3)


def test_imprint_ends_on_the_bottom_of_the_last_page(tree: Any) -> None:
    document = make_document(tree.province, body=long_body(3))
    layout = gbt9704.render_layout(document)
    last = layout.pages[-1]
    rules = boxes_with_class(last, "thick")
    assert len(rules) == 2
    bottom = (rules[-1].position_y + rules[-1].margin_height()) * PX_MM
    assert bottom == pytest.approx(37 + 225, abs=0.05)
    # and only on the last page
    for page in layout.pages[:-1]:
        assert boxes_with_class(page, "thick") == []


def test_attachments_come_on_pages_of_their_own_before_the_imprint(tree: Any, tmp_path: Path) -> None:
    document = make_document(tree.province, body="正文一段。", attachment_notes=["排查表", "联系人名单"])
    for position, (name, text) in enumerate(
        [("排查表", "一、校舍\n检查校舍。"), ("联系人名单", "张三")], start=1
    ):
        data = text.encode()
        Attachment.objects.create(
            document=document,
            position=position,
            name=name,
            file=ContentFile(data, name=f"{position}.txt"),
            sha256=f"{position:064d}",
            size=len(data),
            content_type="text/plain; charset=utf-8",
            added_by=document.created_by,
        )
    pdf = gbt9704.render_pdf(document)
    pages = [squeeze(page) for page in pdf_text(pdf, tmp_path).split("\f") if page.strip()]
    assert "附件：1.排查表" in pages[0]
    first = next(i for i, page in enumerate(pages) if page.startswith("附件1"))
    assert pages[first].startswith("附件1排查表一、校舍检查校舍。")
    assert pages[first + 1].startswith("附件2联系人名单张三")
    assert len(pages) == first + 2
    # the imprint is on the last page only, after the attachments
    assert "抄送：" in pages[-1]
    assert all("抄送：" not in page for page in pages[:-1])
    # "附件1" flush left on the first line, the attachment's title centred on the third
    layout = gbt9704.render_layout(document)
    lines = line_boxes(layout.pages[first])
    assert (round(lines[0][0], 2), round(lines[0][1], 2), lines[0][2]) == (37.0, 28.0, "附件1")
    title = boxes_with_class(layout.pages[first], "atitle")[0]
    assert title.border_box_y() * PX_MM == pytest.approx(37 + 2 * gbt9704.LINE, abs=0.05)
    assert lines[2][1] == pytest.approx(28 + 2 * gbt9704.PITCH, abs=0.01)  # 一、校舍: indented two


# --- Fonts ---------------------------------------------------------------------------


def test_font_report_names_the_faces_and_the_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gbt9704, "_system_families", lambda: frozenset({"noto serif cjk sc", "lxgw wenkai"}))
    with override("en"):
        report = gbt9704.font_report()
    roles = report["roles"]
    assert roles["fangsong"]["face"] == "Noto Serif CJK SC"
    assert roles["fangsong"]["fallback"] is True
    assert roles["kaiti"] == {**roles["kaiti"], "face": "LXGW WenKai", "fallback": False, "message": ""}
    assert report["fallback"] is True
    assert (
        "No FangSong (仿宋) font is installed: the body text is set in Noto Serif CJK SC."
        in report["messages"]
    )
    # with the licensed faces installed nothing falls back
    licensed = {"fangsong_gb2312", "方正小标宋简体", "simhei", "kaiti", "simsun"}
    monkeypatch.setattr(gbt9704, "_system_families", lambda: frozenset(licensed))
    report = gbt9704.font_report()
    assert report["fallback"] is False
    assert report["messages"] == []
    assert roles["fangsong"]["stack"][0] == "FangSong"


def test_font_report_on_this_machine_uses_the_shipped_faces() -> None:
    gbt9704._system_families.cache_clear()
    report = gbt9704.font_report()
    if "noto serif cjk sc" not in gbt9704._system_families():
        pytest.skip("fonts-noto-cjk is not installed")
    assert report["roles"]["fangsong"]["face"] in {
        "FangSong",
        "仿宋",
        "FangSong_GB2312",
        "仿宋_GB2312",
        "Noto Serif CJK SC",
    }
    assert report["roles"]["heiti"]["fallback"] is False  # Noto Sans CJK is a 黑体


def _tiny_font(path: Path, family: str) -> None:
    """A font with one glyph (中, a square) named ``family``."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    pen.moveTo((100, -100))
    pen.lineTo((100, 800))
    pen.lineTo((900, 800))
    pen.lineTo((900, -100))
    pen.closePath()
    square = pen.glyph()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "zhong"])
    builder.setupCharacterMap({0x4E2D: "zhong"})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "zhong": square})
    builder.setupHorizontalMetrics({".notdef": (1000, 0), "zhong": (1000, 100)})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))


def test_licensed_fonts_in_the_font_dir_are_used(tree: Any, tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    _tiny_font(fonts / "fangsong.ttf", "FangSong_GB2312")
    with override_settings(EDUGOV_FONT_DIR=str(fonts)):
        report = gbt9704.font_report()
        assert report["roles"]["fangsong"] == {**report["roles"]["fangsong"], "face": "FangSong_GB2312"}
        assert report["roles"]["fangsong"]["fallback"] is False
        document = make_document(tree.province, body="中")
        html = gbt9704.document_html(document)
        assert '@font-face { font-family: "FangSong_GB2312"; src: url("file://' in html
        pdf = gbt9704.render_pdf(document)
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    assert "FangSong_GB2312" in run_tool("pdffonts", str(path)).replace("-", "_")


# --- Seal ----------------------------------------------------------------------------


def test_seal_is_a_red_ring_with_a_star_and_the_name_on_the_upper_arc() -> None:
    svg = seal_svg("新疆维吾尔自治区教育厅")
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    ns = {"s": "http://www.w3.org/2000/svg"}
    circle = root.find("s:circle", ns)
    star = root.find("s:polygon", ns)
    text = root.find("s:text", ns)
    assert circle is not None
    assert circle.get("fill") == "none"
    assert circle.get("stroke") == "#d7000f"
    assert star is not None
    assert len(star.get("points", "").split()) == 10
    assert text is not None
    assert text.text == "新疆维吾尔自治区教育厅"
    # each character has its own place on the arc: left half turned left, right half right,
    # the middle one at the top
    turns = [float(v) for v in text.get("rotate", "").split()]
    ys = [float(v) for v in text.get("y", "").split()]
    assert len(turns) == len(ys) == 11
    assert turns[0] < 0 < turns[-1]
    assert turns == sorted(turns)
    assert turns[5] == pytest.approx(0)
    assert ys[5] == min(ys) < 40
    # names are escaped
    assert "&lt;x&gt;" in seal_svg("<x>")
