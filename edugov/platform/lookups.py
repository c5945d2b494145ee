"""``field__any=[…]``: ``IN`` for long lists, sent as one parameter.

``__in`` with 2,000 values makes a query with 2,000 placeholders, which Django and the
driver process one by one on every call; bulk imports look up a whole chunk at a time,
so that cost adds up. ``__any`` sends the values as a single parameter: ``column =
ANY(%s)`` with an array on PostgreSQL, ``column IN (SELECT value FROM json_each(%s))``
with a JSON array on SQLite (the column's index is used just the same), plain ``IN``
elsewhere.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Field
from django.db.models.lookups import In


class AnyOf(In):
    lookup_name = "any"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, self._values(connection))

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        values = self._values(connection) if self.rhs_is_direct_value() else None
        if values is None or not all(isinstance(v, str | int) for v in values):
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (  # noqa: S608 - lhs is a compiled column
            *lhs_params,
            json.dumps(values, ensure_ascii=False),
        )

    def _values(self, connection: Any) -> list[Any]:
        field = self.lhs.output_field
        return [field.get_db_prep_value(v, connection, prepared=True) for v in self.rhs if v is not None]


def register() -> None:
    Field.register_lookup(AnyOf)
