"""Errors the registry's actions raise; their messages are for the user (in Chinese)."""

from __future__ import annotations

from typing import Any


class RegistryError(Exception):
    """A refusal the user can act on; ``str(error)`` is the message to show."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class OwnershipRefused(RegistryError):
    """The fields belong to another unit or role (一数一源)."""


class EnrolmentConflict(RegistryError):
    """The person already holds an active enrolment (一人一籍).

    ``details``: ``enrolment`` (the existing one, when the caller may know of it),
    ``same_school`` (bool), ``student`` — enough to offer the transfer flow.
    """


class TransferRefused(RegistryError):
    pass


class MergeRefused(RegistryError):
    pass
