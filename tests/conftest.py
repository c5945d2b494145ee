"""Browser fixtures for Playwright with the system chromium (a browser is never downloaded).

``browser`` launches Debian's ``chromium`` once per test session. Without it the browser
tests are skipped locally, but fail under CI (``CI`` set), where ``.ci/run`` installs it.
``page`` is a fresh desktop context per test and ``phone_page`` a 390×844 phone one,
both in Chinese (zh-CN), as most of the platform's users see it.

Playwright's sync API keeps an asyncio event loop running in the test thread from the
moment it starts, and Django refuses ORM calls from a thread with a running loop. The
ORM calls made in browser tests (and by live_server's database set-up and flush) are
plain synchronous ones, so ``browser`` switches Django's guard off
(``DJANGO_ALLOW_ASYNC_UNSAFE``) for exactly as long as Playwright runs. ``tools/run-tests``
runs the browser tests in a pytest run of their own, so other tests keep the guard.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP_VIEWPORT = {"width": 1366, "height": 900}
PHONE_VIEWPORT = {"width": 390, "height": 844}
LOCALE = "zh-CN"
DEFAULT_TIMEOUT_MS = 15_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def chromium_path() -> str | None:
    """The system chromium: ``chromium`` on PATH, else Debian's /usr/bin/chromium."""
    found = shutil.which("chromium")
    if found:
        return found
    fallback = Path("/usr/bin/chromium")
    return str(fallback) if fallback.exists() else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        reason = "chromium is not installed (apt-get install chromium); browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}. CI is set, so this is an error, not a skip.", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


def _new_page(browser: Browser, **context_options: Any) -> tuple[BrowserContext, Page]:
    context = browser.new_context(locale=LOCALE, timezone_id="Asia/Shanghai", **context_options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop browser page in a context of its own (no cookies shared between tests)."""
    context, new_page = _new_page(browser, viewport=DESKTOP_VIEWPORT)
    yield new_page
    context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page (390×844, touch, mobile viewport handling)."""
    context, new_page = _new_page(
        browser, viewport=PHONE_VIEWPORT, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    yield new_page
    context.close()
