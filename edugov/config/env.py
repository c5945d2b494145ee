"""Typed helpers that read settings from environment variables.

Every variable read here is listed in ``.env.example``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def get_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def get_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def get_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def get_mandatory_secret(name: str) -> str:
    """Read a secret that production cannot run without; fail loudly at startup."""
    value = os.environ.get(name, "")
    if not value:
        secret_file = os.environ.get(f"{name}_FILE", "")
        if secret_file:
            value = Path(secret_file).read_text(encoding="utf-8").strip()
    if len(value) < 32:
        raise ImproperlyConfigured(
            f"{name} is not set (or shorter than 32 characters). Set it in the environment "
            f"or point {name}_FILE at a file that holds it."
        )
    return value


def get_or_create_local_secret(path: Path) -> str:
    """The embedded profile keeps its own secret under var/, created on first start."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value
