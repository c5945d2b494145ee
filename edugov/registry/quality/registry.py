"""The rule registry: what a rule is, and how rules are found.

A rule is a class with ``code``, ``title``, ``category`` and ``severity`` that answers two
questions over a queryset of units (every unit of the subtree being checked):

- ``check(units)`` yields a :class:`Finding` per record that breaks the rule;
- ``checked_count(units)`` says how many records it looked at, per unit (for the score).

Rules run over province-scale data, so they aggregate in SQL (``values``/``annotate``) and
never query per row; only the records that fail are loaded into Python.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from edugov.registry.choices import Severity


class Category(models.TextChoices):
    VALIDITY = "validity", _("Validity")
    COMPLETENESS = "completeness", _("Completeness")
    CONSISTENCY = "consistency", _("Consistency")
    PLAUSIBILITY = "plausibility", _("Plausibility")
    DUPLICATES = "duplicates", _("Duplicates")


@dataclass(frozen=True)
class Finding:
    """One record (or class, grade, unit) that breaks a rule."""

    organization_id: int
    record_type: str  # "student", "staffmember", "building", "asset", "organization", "class", …
    record_id: int
    record_label: str
    message: str
    severity: str | None = None  # None: the rule's severity
    weight: int = 1  # records affected, for the score (a grade not offered counts its pupils)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.record_type, self.record_id, self.organization_id)


class Rule:
    code: str = ""
    title: Any = ""
    category: str = Category.VALIDITY
    severity: str = Severity.ERROR
    description: Any = ""

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label)

    def check(self, units: models.QuerySet) -> Iterable[Finding]:
        raise NotImplementedError

    def checked_count(self, units: models.QuerySet) -> dict[int, int]:
        """``{organization_id: records checked}`` for the units of ``units``."""
        raise NotImplementedError


_RULES: dict[str, Rule] = {}
_discovered = False


def register_rule(cls: type[Rule]) -> type[Rule]:
    if not cls.code:
        raise ValueError(f"{cls.__name__} has no code")
    if cls.category not in Category.values or cls.severity not in Severity.values:
        raise ValueError(f"{cls.__name__}: unknown category or severity")
    _RULES[cls.code] = cls()
    return cls


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    from edugov.registry.quality import rules

    for module in pkgutil.iter_modules(rules.__path__):
        importlib.import_module(f"{rules.__name__}.{module.name}")
    _discovered = True


def all_rules() -> list[Rule]:
    _discover()
    return sorted(_RULES.values(), key=lambda rule: (list(Category.values).index(rule.category), rule.code))


def get_rule(code: str) -> Rule | None:
    _discover()
    return _RULES.get(code)


def count_by(queryset: models.QuerySet, field: str) -> dict[int, int]:
    """``{value of field: rows}`` in one GROUP BY query."""
    rows = queryset.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n")
    return {key: n for key, n in rows if key is not None}


def truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
