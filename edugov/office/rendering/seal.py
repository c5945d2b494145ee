"""A red round seal drawn in SVG: a ring, a five-pointed star, the unit's name along the
upper arc. Decoration only: the proof of who issued a document is its digital signature
(``edugov.office.rendering.pdfsign``), never this picture.

Each character of the name is placed and turned on its own (``x``/``y``/``rotate`` lists
of one ``<text>``), which every SVG renderer draws the same way; WeasyPrint draws a
``<textPath>`` as straight text, so a path is not used.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

SEAL_RED = "#d7000f"
#: Drawn in a 200 × 200 box; the page scales it (42 mm across, GB/T 9704 practice).
SIZE = 200.0
CENTRE = SIZE / 2
RING_RADIUS = 94.0
RING_WIDTH = 5.0
STAR_RADIUS = 30.0
#: The arc the name may take at most, in degrees, centred on the top.
MAX_SPAN = 250.0
FONT_STACK = "FZXiaoBiaoSong-B05S, 方正小标宋简体, SimSun, 宋体, Noto Serif CJK SC"


def _star(cx: float, cy: float, radius: float) -> str:
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else inner
        angle = math.radians(-90 + 36 * i)
        points.append(f"{cx + r * math.cos(angle):.2f},{cy + r * math.sin(angle):.2f}")
    return " ".join(points)


def seal_svg(unit_name: str) -> str:
    """The seal of ``unit_name`` as a standalone SVG document (200 × 200 user units)."""
    name = "".join(unit_name.split())[:24] or "印"
    count = len(name)
    # Characters sit upright on a circle inside the ring, their tops near it.
    font_size = max(12.0, min(26.0, 2 * math.pi * 66 * (MAX_SPAN / 360) / (count * 1.08)))
    baseline_radius = RING_RADIUS - RING_WIDTH - 7 - font_size * 0.88
    natural = math.degrees(font_size * 1.08 / baseline_radius) * (count - 1)
    # A short name is spread out over the arc, as on a real seal.
    span = min(MAX_SPAN - 10, max(natural, 36.0 * (count - 1)))
    step = span / (count - 1) if count > 1 else 0.0
    xs, ys, turns = [], [], []
    for i in range(count):
        theta = -span / 2 + step * i  # degrees clockwise from the top
        t = math.radians(theta)
        # The glyph's origin is the left end of its baseline: back half a width along the tangent.
        bx = CENTRE + baseline_radius * math.sin(t) - math.cos(t) * font_size / 2
        by = CENTRE - baseline_radius * math.cos(t) - math.sin(t) * font_size / 2
        xs.append(f"{bx:.2f}")
        ys.append(f"{by:.2f}")
        turns.append(f"{theta:.2f}")
    star = _star(CENTRE, CENTRE + 4, STAR_RADIUS)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE:.0f}" height="{SIZE:.0f}" '
        f'viewBox="0 0 {SIZE:.0f} {SIZE:.0f}">'
        f"<title>{escape(name)}</title>"
        f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{RING_RADIUS}" fill="none" '
        f'stroke="{SEAL_RED}" stroke-width="{RING_WIDTH}"/>'
        f'<polygon points="{star}" fill="{SEAL_RED}"/>'
        f'<text x="{" ".join(xs)}" y="{" ".join(ys)}" rotate="{" ".join(turns)}" '
        f'font-family="{FONT_STACK}" font-weight="bold" font-size="{font_size:.2f}" '
        f'fill="{SEAL_RED}">{escape(name)}</text>'
        "</svg>"
    )
