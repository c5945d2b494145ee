"""Official documents laid out per GB/T 9704-2012 (党政机关公文格式) and printed to PDF.

``document_html(document)`` builds one HTML page with paged-media CSS and
``render_pdf(document)`` turns it into PDF with WeasyPrint. The page is A4 with a type
area of 156 × 225 mm (top margin 37 mm, binding margin 28 mm), 22 lines of 28
characters of 3号 (16 pt) text: the line height is fixed so 22 lines fill 225 mm and the
letter spacing so 28 characters fill 156 mm (STANDARDS §5.3, §5.4).

Fonts: the standard names 仿宋, 小标宋, 黑体 and 楷体. The licensed faces come first in every
stack and are used when installed (system-wide or in ``EDUGOV_FONT_DIR``); otherwise the
shipped Noto CJK and LXGW WenKai faces stand in, and ``font_report()`` says so, so the
user can be told (STANDARDS: fall back and tell the user).

Layout notes:
- Margins are the same on every page (the standard's "订口（左白边）28 mm").
- The imprint (版记) is a footnote-area float, so it sits at the foot of the last page
  with its last rule on the bottom edge of the type area, whatever the body's length.
- Page numbers "— 1 —" are 4号, 7 mm below the type area, odd pages right and even pages
  left, each one character in from the edge.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
import shutil
import subprocess  # noqa: S404 - runs fc-list (fontconfig) with fixed arguments
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from edugov.office.rendering.seal import seal_svg

if TYPE_CHECKING:
    from edugov.office.models import Document

# --- Page geometry (millimetres and points) ---------------------------------------------

PT_MM = 25.4 / 72
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
MARGIN_TOP, MARGIN_LEFT = 37.0, 28.0
TYPE_WIDTH, TYPE_HEIGHT = 156.0, 225.0
MARGIN_RIGHT = PAGE_WIDTH - MARGIN_LEFT - TYPE_WIDTH  # 26 mm
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - TYPE_HEIGHT  # 35 mm
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
SIZE_2, SIZE_3, SIZE_4 = 22.0, 16.0, 14.0  # 2号, 3号, 4号 in points
# A hair under the exact values, so rounding never pushes the 22nd line or 28th character over.
LINE = math.floor(TYPE_HEIGHT / LINES_PER_PAGE * 1000) / 1000  # 10.227 mm ≈ 28.99 pt
PITCH = math.floor(TYPE_WIDTH / CHARS_PER_LINE * 10000) / 10000  # 5.5714 mm per character
# ≈ −0.075 mm: 3号 (5.644 mm) is a little wider than 156/28; 2 µm spare against rounding.
LETTER_SPACING = PITCH - SIZE_3 * PT_MM - 0.002
ORGAN_TOP = 35.0  # top of the issuing-organ mark below the top of the type area
ORGAN_MAX_PT = 42.0  # 初号
SEAL_DIAMETER = 42.0
#: Longest organ name centred on the date under a seal without leaving the type area.
SEAL_CENTRED_MAX = 15
IMPRINT_LINE = 7.0  # one line of the imprint (版记), 4号 text
PAGE_NUMBER_GAP = 7.0  # from the bottom of the type area to the page number's dash

# --- Fonts --------------------------------------------------------------------------------

#: role → (font stack, how many leading entries are a genuine face of that style).
FONT_ROLES: dict[str, tuple[tuple[str, ...], int]] = {
    "fangsong": (("FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "Noto Serif CJK SC"), 4),
    "xiaobiaosong": (("FZXiaoBiaoSong-B05S", "方正小标宋简体", "方正小标宋_GBK", "Noto Serif CJK SC"), 3),
    "heiti": (("SimHei", "黑体", "Noto Sans CJK SC"), 3),
    "kaiti": (("KaiTi", "楷体", "KaiTi_GB2312", "楷体_GB2312", "LXGW WenKai", "Noto Serif CJK SC"), 5),
    "songti": (("SimSun", "宋体", "Noto Serif CJK SC"), 3),
}
FONT_EXTENSIONS = (".ttf", ".otf", ".ttc", ".otc")
CSS_UNSAFE = re.compile(r"[\"'\\<>{};\x00-\x1f]")
HEADING_1 = re.compile(r"^[一二三四五六七八九十百]+、")
HEADING_2 = re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")
LEADING_NUMBER = re.compile(r"^\s*\d+\s*[.．、]\s*")

SECRECY_MARKS = {"internal": "内部"}
URGENCY_MARKS = {"urgent": "加急", "extra_urgent": "特急"}
ATTACHMENT_TEXT_LIMIT = 200_000


def _font_messages() -> dict[str, str]:
    return {
        "fangsong": gettext("No FangSong (仿宋) font is installed: the body text is set in %(face)s."),
        "xiaobiaosong": gettext(
            "No XiaoBiaoSong (小标宋) font is installed: the issuing-organ mark and the title are set in "
            "%(face)s bold."
        ),
        "heiti": gettext("No HeiTi (黑体) font is installed: first-level headings are set in %(face)s."),
        "kaiti": gettext("No KaiTi (楷体) font is installed: second-level headings are set in %(face)s."),
        "songti": gettext("No SongTi (宋体) font is installed: page numbers are set in %(face)s."),
    }


def font_dir() -> Path | None:
    value = getattr(settings, "EDUGOV_FONT_DIR", None)
    if not value:
        return None
    path = Path(value)
    return path if path.is_dir() else None


def _names_in_font_file(path: Path) -> list[tuple[str, int]]:
    """(family name, weight) of each face in a font file, every localised family name."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        fonts = TTCollection(path, lazy=True).fonts if path.suffix.lower() in {".ttc", ".otc"} else []
        fonts = fonts[:1] or [TTFont(path, lazy=True)]  # CSS loads the first face of a collection
    except (TTLibError, OSError, AssertionError):
        return []
    found = []
    for font in fonts:
        weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
        names = {
            record.toUnicode().strip()
            for record in font["name"].names
            if record.nameID in {1, 16} and record.toUnicode().strip()
        }
        found.extend((name, weight) for name in sorted(names))
    return found


@lru_cache(maxsize=4)
def _font_dir_faces(directory: str | None) -> tuple[tuple[str, int, str], ...]:
    """(family, weight, file URL) for the fonts in ``EDUGOV_FONT_DIR``."""
    if not directory:
        return ()
    faces = []
    for path in sorted(Path(directory).iterdir()):
        if path.suffix.lower() in FONT_EXTENSIONS and path.is_file():
            url = path.resolve().as_uri()
            for name, weight in _names_in_font_file(path):
                # Printed inside a CSS string in the <style> element: keep plain characters only.
                safe = CSS_UNSAFE.sub("", name)
                if safe:
                    faces.append((mark_safe(safe), weight, mark_safe(url)))  # noqa: S308
    return tuple(faces)


@lru_cache(maxsize=1)
def _system_families() -> frozenset[str]:
    """Family names fontconfig knows (every localised name), lower-cased."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    try:
        output = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [fc_list, "--format", "%{family}\n"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip().lower() for line in output.splitlines() for name in line.split(","))


def font_report() -> dict[str, Any]:
    """Which face each font role resolves to here, and whether a stand-in was used.

    ``{"roles": {"fangsong": {"face": "Noto Serif CJK SC", "fallback": True,
    "message": "No FangSong (仿宋) font is installed: …"}, …}, "fallback": True,
    "messages": […]}``. Roles: fangsong (body), xiaobiaosong (organ mark, title),
    heiti (level-1 headings, markings), kaiti (level-2 headings, signer), songti (page numbers).
    """
    directory = font_dir()
    available = set(_system_families())
    available.update(name.lower() for name, _w, _u in _font_dir_faces(str(directory) if directory else None))
    messages = _font_messages()
    roles: dict[str, dict[str, Any]] = {}
    for role, (stack, genuine) in FONT_ROLES.items():
        index = next((i for i, name in enumerate(stack) if name.lower() in available), None)
        face = stack[index] if index is not None else None
        fallback = index is None or index >= genuine
        entry: dict[str, Any] = {"face": face, "stack": list(stack), "fallback": fallback, "message": ""}
        if fallback:
            entry["message"] = messages[role] % {"face": face or gettext("a default face")}
        roles[role] = entry
    return {
        "roles": roles,
        "fallback": any(entry["fallback"] for entry in roles.values()),
        "messages": [entry["message"] for entry in roles.values() if entry["message"]],
        "font_dir": str(directory) if directory else None,
    }


def _css_stack(role: str) -> str:
    stack = FONT_ROLES[role][0]
    return ", ".join(f'"{name}"' for name in stack) + (", sans-serif" if role == "heiti" else ", serif")


# --- Content ---------------------------------------------------------------------------


def chinese_date(value: dt.date | None) -> str:
    """``2026年7月1日``: full year, no padding (GB/T 9704 7.3.5)."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def body_paragraphs(text: str) -> list[dict[str, str]]:
    """Each non-empty line is a paragraph; ``一、`` and ``（一）`` lines are headings.

    A heading followed by more text in the same paragraph (``（一）加强领导。各地要……``)
    is set in the heading face up to its first full stop, the rest in the body face.
    """
    paragraphs = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip().replace("\t", " ")
        if not line:
            continue
        kind = "h1" if HEADING_1.match(line) else "h2" if HEADING_2.match(line) else "p"
        head, rest = "", line
        if kind != "p":
            stop = line.find("。")
            head, rest = (line[: stop + 1], line[stop + 1 :]) if 0 <= stop < len(line) - 1 else (line, "")
        paragraphs.append({"kind": kind, "head": head, "text": rest})
    return paragraphs


def _attachment_notes(notes: list[Any]) -> list[str]:
    names = [LEADING_NUMBER.sub("", str(note)).strip().rstrip("。.；;，,") for note in notes or []]
    names = [name for name in names if name]
    if len(names) == 1:
        return names
    return [f"{i}.{name}" for i, name in enumerate(names, start=1)]


def _with_colon(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return text if text.endswith(("：", ":")) else f"{text}："


def _with_full_stop(text: str) -> str:
    text = text.strip().rstrip("，,；;、")
    if not text:
        return ""
    return text if text.endswith("。") else f"{text}。"


def _in_parentheses(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return text if text.startswith(("（", "(")) else f"（{text}）"


def _attachment_pages(document: Document) -> list[dict[str, Any]]:
    """Attachments of a saved document, each on pages of its own before the imprint."""
    if document.pk is None:
        return []
    rows = list(document.attachments.all())
    pages = []
    for position, attachment in enumerate(rows, start=1):
        label = "附件" if len(rows) == 1 else f"附件{position}"
        paragraphs: list[dict[str, str]] = []
        if (attachment.content_type or "").startswith("text/plain"):
            try:
                with attachment.file.open("rb") as handle:
                    data = handle.read(ATTACHMENT_TEXT_LIMIT)
                paragraphs = body_paragraphs(data.decode("utf-8", errors="replace"))
            except (OSError, ValueError):
                paragraphs = []
        pages.append({"label": label, "title": attachment.name, "paragraphs": paragraphs})
    return pages


def _organ_size(text: str) -> float:
    """The organ mark's font size in points: 初号, or smaller so it fits on one line."""
    count = max(len(text), 1)
    return round(min(ORGAN_MAX_PT, TYPE_WIDTH / PT_MM / count * 0.98), 2)


def document_context(
    document: Document, *, body_text: str | None = None, seal: bool = True
) -> dict[str, Any]:
    """Everything the template prints, already formatted."""
    if body_text is None:
        body = document.current_body
        body_text = body.text if body is not None else ""
    head_lines = []
    if document.copy_number:
        head_lines.append({"text": document.copy_number, "class": "copy"})
    if document.secrecy:
        mark = SECRECY_MARKS.get(document.secrecy, document.secrecy)
        if document.secrecy_period:
            mark = f"{mark}★{document.secrecy_period}"
        head_lines.append({"text": mark, "class": "marking"})
    if document.urgency:
        head_lines.append({"text": URGENCY_MARKS.get(document.urgency, document.urgency), "class": "marking"})
    signers = [name for name in re.split(r"[、,，\s]+", document.signer_name or "") if name]
    upward = bool(document.is_upward)  # number on the left, 签发人 on the right (7.2.4, 7.2.5)
    sealed = bool(seal and document.sealed and document.signing_organ)
    seal_uri = ""
    if sealed:
        seal_uri = "data:image/svg+xml;base64," + base64.b64encode(
            seal_svg(document.signing_organ).encode("utf-8")
        ).decode("ascii")
    cc = _with_full_stop(document.cc_recipients)
    printed_by = (document.printed_by or "").strip()
    printed_on = chinese_date(document.printed_on)
    report = font_report()
    return {
        "document": document,
        "head_lines": head_lines,
        "issuing_organ": (document.issuing_organ or "").strip(),
        "organ_size": _organ_size((document.issuing_organ or "").strip()),
        "doc_number": (document.doc_number or "").strip(),
        "upward": upward,
        "signers": signers,
        "title": (document.title or "").strip(),
        "main_recipients": _with_colon(document.main_recipients),
        "paragraphs": body_paragraphs(body_text),
        "attachment_notes": _attachment_notes(document.attachment_notes),
        "signing_organ": (document.signing_organ or "").strip(),
        "written_on": chinese_date(document.written_on),
        "sealed": sealed,
        "organ_long": len((document.signing_organ or "").strip()) > SEAL_CENTRED_MAX,
        "seal_uri": seal_uri,
        "remark": _in_parentheses(document.remark),
        "attachment_pages": _attachment_pages(document),
        "cc": cc,
        "printed_by": printed_by,
        "printed_on": f"{printed_on}印发" if printed_on else "",
        "imprint": bool(cc or printed_by or printed_on),
        "css": _css(report),
        "font_faces": _font_dir_faces(str(font_dir()) if font_dir() else None),
    }


def _css(report: dict[str, Any]) -> dict[str, str]:
    mm = "{:.4f}mm".format
    pt = "{:.2f}pt".format
    xbs_bold = report["roles"]["xiaobiaosong"]["fallback"]
    # The number line's glyphs end (LINE − 3号)/2 above its box; the red rule is 4 mm below them.
    rule_gap = 4.0 - (LINE - SIZE_3 * PT_MM) / 2
    values = {
        "page_width": mm(PAGE_WIDTH),
        "page_height": mm(PAGE_HEIGHT),
        "margin_top": mm(MARGIN_TOP),
        "margin_right": mm(MARGIN_RIGHT),
        "margin_bottom": mm(MARGIN_BOTTOM),
        "margin_left": mm(MARGIN_LEFT),
        "type_width": mm(TYPE_WIDTH),
        "line": mm(LINE),
        "two_lines": mm(2 * LINE),
        "pitch": mm(PITCH),
        "indent2": mm(2 * PITCH),
        "indent4": mm(4 * PITCH),
        "indent5": mm(5 * PITCH),
        "minus3": mm(-3 * PITCH),
        "letter_spacing": mm(LETTER_SPACING),
        "size2": pt(SIZE_2),
        "size3": pt(SIZE_3),
        "size4": pt(SIZE_4),
        "char4": pt(SIZE_4),
        "organ_top": mm(ORGAN_TOP),
        "imprint_line": mm(IMPRINT_LINE),
        "rule_gap": mm(rule_gap),
        "seal_size": mm(SEAL_DIAMETER),
        # The signature starts two lines below the text above it; the seal's top a quarter
        # line into that gap and its centre a little above the middle of 署名 and 日期.
        "seal_top": mm(-1.25 * LINE),
        "page_number_pad": f"{PAGE_NUMBER_GAP - SIZE_4 * PT_MM / 2:.4f}mm",
        "fangsong": _css_stack("fangsong"),
        "xiaobiaosong": _css_stack("xiaobiaosong"),
        "xiaobiaosong_weight": "700" if xbs_bold else "400",
        "heiti": _css_stack("heiti"),
        "kaiti": _css_stack("kaiti"),
        "songti": _css_stack("songti"),
    }
    # Built here from constants and the font stacks above: nothing from the document.
    return {key: mark_safe(value) for key, value in values.items()}  # noqa: S308


def document_html(document: Document, *, body_text: str | None = None, seal: bool = True) -> str:
    """The document as one HTML page laid out per GB/T 9704-2012 (paged-media CSS).

    ``body_text`` replaces the current body version's text (a preview of unsaved text);
    ``seal=False`` leaves the seal picture out even when the document is sealed.
    """
    return render_to_string(
        "office/rendering/document.html", document_context(document, body_text=body_text, seal=seal)
    )


# --- PDF -------------------------------------------------------------------------------

_lock = threading.Lock()
_font_config: Any = None


def _shared_font_config() -> Any:
    """One WeasyPrint FontConfiguration for the process: fonts are looked up once."""
    global _font_config  # noqa: PLW0603 - a process-wide cache
    with _lock:
        if _font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            _font_config = FontConfiguration()
        return _font_config


def _url_fetcher() -> Any:
    """WeasyPrint may load data: URLs (the seal) and the fonts in EDUGOV_FONT_DIR, nothing else."""
    from weasyprint.urls import URLFetcher

    directory = font_dir()
    allowed = directory.resolve() if directory else None

    class LocalOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlparse(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file" and allowed is not None:
                path = Path(unquote(urlparse(url).path)).resolve()
                if path.is_relative_to(allowed):
                    return super().fetch(url, headers)
            raise ValueError(f"refused to load {url[:80]!r} while rendering a document")

    return LocalOnly(allowed_protocols=("data", "file"))


def render_layout(document: Document, *, body_text: str | None = None, seal: bool = True) -> Any:
    """The laid-out WeasyPrint document (pages and boxes), for ``render_pdf`` and for checks."""
    from weasyprint import HTML

    html = document_html(document, body_text=body_text, seal=seal)
    font_config = _shared_font_config()
    with _lock:  # one FontConfiguration (fontconfig state) is used by one rendering at a time
        return HTML(string=html, url_fetcher=_url_fetcher(), base_url="about:blank").render(
            font_config=font_config
        )


def render_pdf(document: Document, *, body_text: str | None = None, seal: bool = True) -> bytes:
    """The document as a PDF (bytes), laid out by ``document_html``."""
    layout = render_layout(document, body_text=body_text, seal=seal)
    with _lock:
        return layout.write_pdf()
