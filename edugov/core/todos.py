"""The "my to-dos" page is fed by providers that apps register.

A provider answers, for one user working for one unit, how many open items there are
and which ones. Later apps (office, registry, portal) add their own providers:

    @register_todo_provider
    class TransferApprovals(TodoProvider):
        key = "registry.transfers"
        title = _("Transfers to approve")
        def items(self, user, unit, limit): ...
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

_PROVIDERS: dict[str, TodoProvider] = {}


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    due: dt.date | None = None
    detail: str = ""
    is_overdue: bool = False


class TodoProvider:
    key: str = ""
    title: Any = ""

    def items(self, user: Any, unit: Any, limit: int = 50) -> list[Todo]:
        raise NotImplementedError

    def count(self, user: Any, unit: Any) -> int:
        return len(self.items(user, unit, limit=1000))


def register_todo_provider(cls: type[TodoProvider]) -> type[TodoProvider]:
    _PROVIDERS[cls.key] = cls()
    return cls


def providers() -> list[TodoProvider]:
    return list(_PROVIDERS.values())


def todos_for(user: Any, unit: Any, limit: int = 50) -> list[tuple[TodoProvider, list[Todo]]]:
    groups = []
    for provider in providers():
        items = provider.items(user, unit, limit)
        if items:
            groups.append((provider, items))
    return groups


def todo_count(user: Any, unit: Any) -> int:
    return sum(provider.count(user, unit) for provider in providers())
