"""The portal in Chinese, Uyghur, Kyrgyz (Arabic script) and English in a real browser (PUB-10, B.15).

Right-to-left pages must mirror (brand at the right, navigation flowing leftwards), fit a
375 px phone without sideways scrolling, and say when a page is a translation. Full-page
screenshots of every language go to ``EDUGOV_SCREENSHOT_DIR`` (default: the test's tmp dir).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.portal_site import build_portal

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"zh-hans": "", "ug": "/ug", "ky-arab": "/ky-arab", "en": "/en"}
ARTICLE = "/news/new-term/"
PHONE = {"width": 375, "height": 812}


def screenshot_dir(tmp_path: Path) -> Path:
    directory = Path(os.environ.get("EDUGOV_SCREENSHOT_DIR") or tmp_path / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not displayed"
    return found


@pytest.mark.parametrize("language", ["ug", "ky-arab"])
def test_arabic_script_pages_mirror_and_say_they_are_translations(live_server, page, language, tmp_path):
    base, _built = build_portal(live_server)
    response = page.goto(base + LANGUAGES[language] + ARTICLE)
    assert response is not None
    assert response.ok
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == language
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    width = page.viewport_size["width"]
    brand = box(page, "[data-portal-brand]")
    search = box(page, "form[role=search]")
    assert brand["x"] + brand["width"] > width / 2, "the brand should sit at the right edge"
    assert brand["x"] > search["x"], "in RTL the search box comes after (left of) the brand"
    items = page.locator("[data-portal-nav] .nav-link")
    assert items.count() >= 2
    first, second = items.nth(0).bounding_box(), items.nth(1).bounding_box()
    assert first["x"] > second["x"], "navigation flows right to left"

    banner = page.locator(".portal-translation-notice")
    assert banner.is_visible()
    assert banner.get_attribute("data-translation-kind") == "translation"
    assert page.locator(".portal-translation-notice a[hreflang=zh-hans]").get_attribute("href") == ARTICLE


def test_english_page_is_the_mirror_image(live_server, page):
    base, _built = build_portal(live_server)
    page.goto(base + "/en" + ARTICLE)
    assert page.locator("html").get_attribute("dir") == "ltr"
    width = page.viewport_size["width"]
    brand = box(page, "[data-portal-brand]")
    search = box(page, "form[role=search]")
    assert brand["x"] < width / 2, "the brand should sit at the left edge"
    assert brand["x"] < search["x"]
    items = page.locator("[data-portal-nav] .nav-link")
    assert items.nth(0).bounding_box()["x"] < items.nth(1).bounding_box()["x"]
    # no English translation: the Chinese text, marked as such, under an English interface
    assert page.locator(".portal-translation-notice").get_attribute("data-translation-kind") == "fallback"
    assert page.locator("h1").get_attribute("lang") == "zh-hans"


def test_every_language_fits_a_phone_and_screenshots_differ(live_server, browser: Browser, tmp_path):
    base, _built = build_portal(live_server)
    directory = screenshot_dir(tmp_path)
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    shots = {}
    try:
        phone = context.new_page()
        for language, prefix in LANGUAGES.items():
            for name, path in (("home", "/"), ("article", ARTICLE)):
                response = phone.goto(base + prefix + path)
                assert response is not None
                assert response.ok, f"{language} {path}: {response.status}"
                phone.wait_for_load_state("load")
                widths = phone.evaluate(
                    "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
                )
                assert widths["scroll"] <= widths["inner"], f"{language} {path} scrolls sideways: {widths}"
                # the menu is folded away behind its button on a phone
                assert phone.locator("#portal-nav-items").is_hidden()
                target = directory / f"portal-{name}-{language}-phone.png"
                phone.screenshot(path=str(target), full_page=True)
                shots[(name, language)] = target.read_bytes()
        phone.get_by_role("button", name="Menu").click()
        phone.locator("#portal-nav-items").wait_for(state="visible")
    finally:
        context.close()
    for (name, language), png in shots.items():
        assert png.startswith(b"\x89PNG"), (name, language)
        assert len(png) > 15_000, f"{name} {language}: screenshot looks empty ({len(png)} bytes)"
    assert shots[("article", "ug")] != shots[("article", "en")]
    assert shots[("article", "ky-arab")] != shots[("article", "zh-hans")]
    assert shots[("home", "ug")] != shots[("home", "ky-arab")]


def test_desktop_screenshots_of_each_language(live_server, page, tmp_path):
    base, _built = build_portal(live_server)
    directory = screenshot_dir(tmp_path)
    sizes = {}
    for language, prefix in LANGUAGES.items():
        page.goto(base + prefix + ARTICLE)
        target = directory / f"portal-article-{language}-desktop.png"
        page.screenshot(path=str(target), full_page=True)
        sizes[language] = target.stat().st_size
        assert sizes[language] > 15_000
    assert (directory / "portal-article-ug-desktop.png").read_bytes() != (
        directory / "portal-article-en-desktop.png"
    ).read_bytes()


def test_large_font_mode_grows_text_and_survives_a_reload(live_server, page):
    base, _built = build_portal(live_server)
    page.goto(base + "/ug" + ARTICLE)
    size = "() => parseFloat(getComputedStyle(document.querySelector('.portal-article-body p')).fontSize)"
    before = page.evaluate(size)
    toggle = page.locator("[data-portal-font-toggle]")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    after = page.evaluate(size)
    assert after >= 1.2 * before, (before, after)

    page.reload()
    assert page.evaluate(size) >= 1.2 * before
    assert page.locator("[data-portal-font-toggle]").get_attribute("aria-pressed") == "true"
    page.goto(base + "/en/")  # the setting follows the visitor across pages and languages
    assert page.evaluate("document.documentElement.classList.contains('portal-large-font')")

    page.locator("[data-portal-font-toggle]").click()
    page.reload()
    assert not page.evaluate("document.documentElement.classList.contains('portal-large-font')")
