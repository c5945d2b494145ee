"""Per-request context (request id, client address) that actions and the audit log read."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    user_agent: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "edugov_request_context",
    default=RequestContext(),  # noqa: B039 - immutable default
)


def get_request_context() -> RequestContext:
    return _current.get()


def set_request_context(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def reset_request_context(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
