"""axe-core in the browser tests: fail on serious or critical accessibility violations.

    from tests.e2e.axe import assert_no_serious_violations
    page.goto(url)
    assert_no_serious_violations(page, context="Uyghur home page")

Runs the axe-core copy shipped inside the ``axe_playwright_python`` package (nothing is
downloaded). Moderate and minor findings are not failures; the message lists every serious
and critical one with its rule id, help text and the elements it found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

FAILING_IMPACTS = frozenset({"serious", "critical"})


def serious_violations(page: Page, *, selector: Any = None) -> list[dict[str, Any]]:
    """axe's serious and critical violations on the page as it is now (optionally within ``selector``)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=selector) if selector is not None else Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])]
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation.get('help', '')}")
        lines.extend(f"    {target}" for target in targets[:10])
        if len(targets) > 10:
            lines.append(f"    … and {len(targets) - 10} more")
    return "\n".join(lines)


def assert_no_serious_violations(page: Page, *, context: str = "", selector: Any = None) -> None:
    """Fail with a readable list when axe finds serious or critical violations on ``page``."""
    found = serious_violations(page, selector=selector)
    where = context or page.url
    assert not found, f"axe found {len(found)} serious/critical violation(s) on {where}:\n{describe(found)}"
