"""The settings profiles: prod passes ``check --deploy``, refuses to start without secrets;
the embedded profile makes and keeps its own secret and runs SQLite in WAL mode."""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
#: Variables that would leak the caller's configuration into a profile under test.
_SCRUBBED = {
    "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "SECRET_KEY_FILE", "EDUGOV_AUDIT_HMAC_KEY",
    "EDUGOV_AUDIT_HMAC_KEY_FILE", "EDUGOV_DATA_KEY", "EDUGOV_DATA_KEY_FILE", "ALLOWED_HOSTS",
    "EDUGOV_VAR_DIR", "EDUGOV_STATIC_ROOT",
    "EDUGOV_MEDIA_ROOT", "DEBUG", "EDUGOV_MAIL_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE",
}  # fmt: skip


def _env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update(overrides)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _prod_env(**overrides: str) -> dict[str, str]:
    values = {
        "DJANGO_SETTINGS_MODULE": "edugov.config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "EDUGOV_AUDIT_HMAC_KEY": secrets.token_urlsafe(40),
        "EDUGOV_DATA_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "edu.example.gov.cn",
        # Never connected to: check --deploy only needs the engine to be PostgreSQL.
        "DATABASE_URL": "postgres://u:p@127.0.0.1:1/x",
    }
    return _env(**{**values, **overrides})


def _embedded_env(var_dir: Path) -> dict[str, str]:
    return _env(DJANGO_SETTINGS_MODULE="edugov.config.settings.dev", EDUGOV_VAR_DIR=str(var_dir))


@pytest.mark.slow
def test_prod_passes_deploy_checks() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_prod_env())
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("missing", ["SECRET_KEY", "EDUGOV_AUDIT_HMAC_KEY", "EDUGOV_DATA_KEY"])
def test_prod_refuses_to_start_without_a_secret(missing: str) -> None:
    env = _prod_env()
    del env[missing]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.slow
def test_prod_refuses_a_short_secret_key() -> None:
    result = _manage("check", env=_prod_env(SECRET_KEY="too-short"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_embedded_profile_creates_a_private_secret_key_and_reuses_it(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    script = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"

    def secret_key_seen_by_a_fresh_process() -> str:
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO_ROOT, env=_embedded_env(var_dir), capture_output=True, text=True, timeout=120,
            check=True,
        )  # fmt: skip
        return result.stdout.strip()

    first = secret_key_seen_by_a_fresh_process()
    key_file = var_dir / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 50
    assert key_file.read_text(encoding="utf-8").strip() == first
    assert secret_key_seen_by_a_fresh_process() == first


def test_base_settings_hash_passwords_with_argon2_first() -> None:
    from edugov.config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.slow
def test_embedded_sqlite_database_is_in_wal_mode_after_migrate(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    result = _manage("migrate", "--noinput", "--verbosity", "0", env=_embedded_env(var_dir))
    assert result.returncode == 0, result.stderr
    db_file = var_dir / "edugov.sqlite3"
    assert db_file.is_file()
    with sqlite3.connect(db_file) as conn:
        (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
    assert mode.lower() == "wal"
