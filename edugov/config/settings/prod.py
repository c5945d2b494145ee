"""Production node: PostgreSQL, secrets from the environment, HTTPS only."""

from django.core.exceptions import ImproperlyConfigured

from edugov.config import env
from edugov.config.settings.base import *  # noqa: F403
from edugov.config.settings.base import DATABASES

DEBUG = False
SECRET_KEY = env.get_mandatory_secret("SECRET_KEY")
EDUGOV_AUDIT_HMAC_KEY = env.get_mandatory_secret("EDUGOV_AUDIT_HMAC_KEY")
EDUGOV_DATA_KEY = env.get_mandatory_secret("EDUGOV_DATA_KEY")
if not env.get_str("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names this node answers to.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env.get_bool(
    "EDUGOV_ALLOW_SQLITE_IN_PRODUCTION"
):
    raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL 15 or later.")

SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_NAME = "__Secure-csrftoken"

# Production sends real mail: SMTP unless EDUGOV_MAIL_BACKEND names another backend
# (base defaults to the console backend, which `check --deploy` rejects).
MAILERS = {
    "default": {
        "BACKEND": env.get_str("EDUGOV_MAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env.get_str("EDUGOV_SMTP_HOST", "localhost"),
            "port": env.get_int("EDUGOV_SMTP_PORT", 25),
            "username": env.get_str("EDUGOV_SMTP_USER"),
            "password": env.get_str("EDUGOV_SMTP_PASSWORD"),
            "use_tls": env.get_bool("EDUGOV_SMTP_USE_TLS", False),
        },
    }
}
