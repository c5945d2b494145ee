"""The public portal's shell in a real browser: language, language switcher, phone layout."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.e2e


def _switch_language(page: Page, code: str) -> None:
    page.select_option("#lang-select", code)
    with page.expect_navigation():
        page.locator("form:has(#lang-select) button[type=submit]").click()


def test_public_home_is_chinese_and_switches_to_english_and_back(page: Page, live_server: LiveServer) -> None:
    response = page.goto(f"{live_server.url}/")
    assert response is not None
    assert response.ok
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("#lang-select").input_value() == "zh-hans"

    _switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#lang-select").input_value() == "en"

    _switch_language(page, "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_public_home_fits_a_phone_screen(phone_page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    response = phone_page.goto(f"{live_server.url}/")
    assert response is not None
    assert response.ok
    phone_page.wait_for_load_state("load")
    widths = phone_page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"horizontal overflow on a phone: {widths}"

    screenshot = tmp_path / "public-home-phone.png"
    phone_page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0


def test_public_home_loads_its_stylesheet(page: Page, live_server: LiveServer) -> None:
    """Static files come from the finders under live_server: Bootstrap must have applied."""
    page.goto(f"{live_server.url}/")
    position = page.evaluate("() => getComputedStyle(document.querySelector('.visually-hidden')).position")
    assert position == "absolute"
