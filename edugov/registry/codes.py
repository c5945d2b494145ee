"""Fast, cached access to the core code tables for validation in bulk (imports, forms).

``edugov.core.validators.validate_code`` queries per value; an import validating a
million cells reads each table once here instead. The cache lives for a few minutes per
process, so an edited code table is picked up without a restart.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_TTL_SECONDS = 300
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def _load(table_slug: str) -> dict[str, Any]:
    from edugov.core.models import Code, CodeTable

    table = CodeTable.objects.filter(slug=table_slug).first()
    codes = {
        c.code: c
        for c in Code.objects.filter(table_id=table_slug).only(
            "code", "name", "abbreviation", "is_selectable", "is_category", "extra", "parent_code"
        )
    }
    return {"table": table, "codes": codes}


def _entry(table_slug: str) -> dict[str, Any]:
    now = time.monotonic()
    hit = _cache.get(table_slug)
    if hit is None or now - hit[0] > _TTL_SECONDS:
        hit = (now, _load(table_slug))
        _cache[table_slug] = hit
    return hit[1]


def clear_cache() -> None:
    _cache.clear()


def selectable(table_slug: str) -> dict[str, str]:
    """``{code: name}`` of the codes offered on forms, in table order."""
    return {c: o.name for c, o in _entry(table_slug)["codes"].items() if o.is_selectable}


def choices(table_slug: str, *, blank: bool = False) -> list[tuple[str, str]]:
    items = [(c, f"{c} {name}") for c, name in selectable(table_slug).items()]
    return [("", "---------"), *items] if blank else items


def label(table_slug: str, code: str) -> str:
    """The name of ``code`` (stored codes may be no longer selectable), or the code itself."""
    obj = _entry(table_slug)["codes"].get(code)
    return obj.name if obj is not None else code


def attributes(table_slug: str, code: str) -> dict[str, Any]:
    obj = _entry(table_slug)["codes"].get(code)
    return dict(obj.extra or {}) if obj is not None else {}


def is_valid(table_slug: str, code: str) -> bool:
    obj = _entry(table_slug)["codes"].get(code)
    return obj is not None and obj.is_selectable


def check(table_slug: str, code: str, *, field_label: Any) -> str:
    """Return ``code`` if it is a selectable code of the table; raise a Chinese message otherwise."""
    code = str(code or "").strip()
    if is_valid(table_slug, code):
        return code
    table = _entry(table_slug)["table"]
    raise ValidationError(
        _("%(field)s: %(value)s is not a selectable code of %(standard)s %(table)s.")
        % {
            "field": field_label,
            "value": code,
            "standard": table.standard if table else table_slug,
            "table": table.name if table else "",
        },
        code="unknown_code",
    )
