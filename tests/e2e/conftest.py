"""Browser tests: everything under tests/e2e is marked ``e2e``.

The fixtures (``browser``, ``page``, ``phone_page``) are in tests/conftest.py; the
``browser`` fixture also sets ``DJANGO_ALLOW_ASYNC_UNSAFE`` while Playwright runs (see
there). ``tools/run-tests`` runs ``-m e2e`` in a pytest run of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

E2E_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e ``e2e`` before ``-m`` selects on markers."""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)
