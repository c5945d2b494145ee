"""Model fields for personal data encrypted at rest (see ``edugov.core.crypto``)."""

from __future__ import annotations

from typing import Any

from django.db import models

from edugov.core import crypto


class EncryptedTextField(models.TextField):
    """A text value stored as AES-256-GCM ciphertext; Python code sees the plain value.

    It cannot be filtered or ordered on: pair it with a lookup-hash column for exact search
    and a masked column for lists (so lists never decrypt).
    """

    description = "Text encrypted at rest"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return crypto.decrypt(value, context=self._context())

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        if not value:
            return ""
        return crypto.encrypt(str(value), context=self._context())

    def get_lookup(self, lookup_name: str):  # noqa: ANN201
        if lookup_name not in {"exact", "isnull"}:
            raise TypeError(f"{self._context()} is encrypted: filter on its lookup hash instead")
        return super().get_lookup(lookup_name)
