"""``field__any=[…]``: ``IN`` for long lists, sent as one array parameter on PostgreSQL.

``__in`` with 2,000 values makes a query with 2,000 placeholders, which the driver
splits and binds one by one on every call; bulk imports look up a whole chunk at a
time, so that cost adds up. ``__any`` renders ``column = ANY(%s)`` with the values as a
single array on PostgreSQL (the index is used just the same) and plain ``IN`` elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field
from django.db.models.lookups import In


class AnyOf(In):
    lookup_name = "any"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection, prepared=True) for v in self.rhs if v is not None]
        return f"{lhs} = ANY(%s)", (*lhs_params, values)


def register() -> None:
    Field.register_lookup(AnyOf)
