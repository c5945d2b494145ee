"""Project rules that a linter would otherwise enforce (STYLE §3.3: reads by id are scoped).

A view or API module that fetches a row by id must go through an ``access_*()`` helper
or a ``.restrict()``-ed queryset. A direct ``.objects.get(`` or ``get_object_or_404(`` is
allowed only with a ``# scoped:`` comment on the same line saying why it is safe.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "edugov"
UNSCOPED = re.compile(r"\.objects\.get\(|get_object_or_404\(")


def view_modules() -> list[Path]:
    files = [*ROOT.glob("*/views/**/*.py"), *ROOT.glob("*/views.py"), *ROOT.glob("*/api/**/*.py")]
    return sorted(files)


def test_there_are_views_to_check():
    assert len(view_modules()) >= 5


@pytest.mark.parametrize("path", view_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_fetch_by_id_only_through_access_helpers(path):
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if UNSCOPED.search(line) and "# scoped:" not in line
    ]
    assert offenders == [], "Use an access_*() helper (see edugov/core/access.py):\n" + "\n".join(offenders)


def test_the_rule_catches_an_unscoped_get():
    assert UNSCOPED.search("    student = Student.objects.get(pk=pk)")
    assert UNSCOPED.search("    doc = get_object_or_404(Document, pk=pk)")
    assert not UNSCOPED.search("    org = access_organization(request.user, pk)")
