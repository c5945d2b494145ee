"""Test profile: SQLite in memory by default, PostgreSQL when DATABASE_URL says so."""

import dj_database_url

from edugov.config import env
from edugov.config.settings.base import *  # noqa: F403
from edugov.config.settings.base import INSTALLED_APPS, MIDDLEWARE, sqlite_options

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-0123456789"  # noqa: S105
EDUGOV_AUDIT_HMAC_KEY = "test-only-audit-key"
EDUGOV_DATA_KEY = "test-only-data-key"
INSTALLED_APPS = [*INSTALLED_APPS, "edugov.devtools"]

_url = env.get_str("DATABASE_URL", "sqlite://:memory:")
DATABASES = {"default": dj_database_url.parse(_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    options = sqlite_options()
    options.pop("init_command")
    DATABASES["default"]["OPTIONS"] = {**options, "init_command": "PRAGMA foreign_keys=ON;"}

# Argon2 is the production hasher (a test asserts it); tests use a fast one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Static files come from the finders in tests (no collectstatic).
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]
