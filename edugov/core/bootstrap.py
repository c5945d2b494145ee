"""Reference data every node needs: code tables, regions, the work calendar, built-in roles.

Loaded after ``migrate`` (and after a test flush), idempotently: existing rows are
updated in place, administrators' edits to the calendar are kept.
"""

from __future__ import annotations

from typing import Any


def load_reference_data(
    sender: Any = None, *, using: str = "default", verbosity: int = 1, **kwargs: Any
) -> None:
    from edugov.core.calendar import seed_calendar
    from edugov.core.codes.loader import load_code_tables
    from edugov.core.regions import load_regions
    from edugov.core.roles import sync_builtin_roles

    load_code_tables(using=using)
    load_regions(using=using)
    seed_calendar(using=using)
    sync_builtin_roles(using=using)
