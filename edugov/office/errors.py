"""Errors the office's actions raise; ``str(error)`` is the message for the user (in Chinese)."""

from __future__ import annotations

from typing import Any


class OfficeError(Exception):
    """A refusal the user can act on."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ClassifiedRefused(OfficeError):
    """涉密 documents are refused by design: the platform handles non-classified work only."""


class TaskTaken(OfficeError):
    """Someone else acted on the task first (two people, one task, one moment)."""


class ProcessError(OfficeError):
    """A BPMN definition or a process instance is not in a state that allows the request."""


class NumberingError(OfficeError):
    pass
