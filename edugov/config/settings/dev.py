"""Embedded profile (``make demo``): SQLite under var/, its own secrets, one machine."""

from edugov.config import env
from edugov.config.settings.base import *  # noqa: F403
from edugov.config.settings.base import INSTALLED_APPS, VAR_DIR

# Off by default: `make demo HOST=0.0.0.0` must not show debug pages to the network.
DEBUG = env.get_bool("DEBUG", False)
SECRET_KEY = env.get_str("SECRET_KEY") or env.get_or_create_local_secret(VAR_DIR / "secret_key")
EDUGOV_AUDIT_HMAC_KEY = env.get_str("EDUGOV_AUDIT_HMAC_KEY") or env.get_or_create_local_secret(
    VAR_DIR / "audit_key"
)
EDUGOV_DATA_KEY = env.get_str("EDUGOV_DATA_KEY") or env.get_or_create_local_secret(VAR_DIR / "data_key")
INSTALLED_APPS = [*INSTALLED_APPS, "edugov.devtools"]
# The embedded server speaks plain HTTP on loopback; WebAuthn needs a secure origin.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
