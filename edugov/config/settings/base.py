"""Settings shared by every profile. Profiles: dev (embedded), test, prod."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.conf import locale as django_locale

from edugov.config import env

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = BASE_DIR / "edugov"
VAR_DIR = Path(env.get_str("EDUGOV_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
# ".localhost": the demo's website group answers on jyt.localhost, wlmq.localhost, … (browsers resolve
# every *.localhost name to this machine).
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", ".localhost"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # Wagtail's search index uses PostgreSQL full text there
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_tasks_db",
    "treebeard",
    "edugov.platform",
    "rest_framework",
    "drf_spectacular",
    "oauth2_provider",
    "edugov.core",
    "edugov.registry",
    "edugov.office",
    "edugov.portal",
    # Wagtail 8: the public portal and website group (docs/adr/0010-portal-on-wagtail.md)
    "wagtail.contrib.simple_translation",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous portal pages from the cache, before sessions, routing and the database.
    "edugov.portal.cache.PortalPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "edugov.portal.middleware_language.PortalLanguageMiddleware",
    "edugov.portal.middleware_input.RejectBadEncodingMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "edugov.portal.isolation.SiteIsolationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "edugov.platform.middleware.RequestIdMiddleware",
    "edugov.core.middleware.CurrentUnitMiddleware",
    "edugov.core.middleware.RequirePasswordChangeMiddleware",
    "edugov.core.middleware.RequireMfaMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "edugov.config.urls"
WSGI_APPLICATION = "edugov.config.wsgi.application"
ASGI_APPLICATION = "edugov.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "edugov.core.context_processors.workspace",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
# DATABASE_URL selects PostgreSQL in production; the embedded profile uses SQLite.
DATABASES = {
    "default": dj_database_url.parse(
        env.get_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'edugov.sqlite3'}"), conn_max_age=60
    )
}


def sqlite_options() -> dict[str, object]:
    """WAL mode and immediate transactions so the web server and worker share one file safely."""
    return {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = sqlite_options()
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts and authentication -------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "public:home"

# Idle-session timeout (GB/T 22239 L3-CES1-02): the session expires after this many
# seconds without a request, because every request pushes the expiry forward.
SESSION_COOKIE_AGE = env.get_int("EDUGOV_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-allauth: accounts are created by administrators, never by self sign-up.
ACCOUNT_ADAPTER = "edugov.core.auth.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_USER_DISPLAY = "edugov.core.auth.adapter.user_display"
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_TOLERANCE = 1  # accept the neighbouring 30-second window: phones drift
MFA_TOTP_ISSUER = env.get_str("EDUGOV_MFA_ISSUER", "edugov")
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False

# Roles whose holders must set up a second factor before they can do anything else.
# Role codes, see edugov.core.roles. Listed here so an installation can tighten it.
EDUGOV_MFA_REQUIRED_ROLES = env.get_list(
    "EDUGOV_MFA_REQUIRED_ROLES",
    [
        "system_admin",
        "security_admin",
        "auditor",
        "bureau_leader",
        "bureau_staff",
        "registrar",
        "school_admin",
    ],
)

# django-axes: lock after repeated failures (GB/T 22239 L3-CES1-02). The lock keys on
# the submitted user name only, so an unknown name locks exactly like a real one.
AXES_FAILURE_LIMIT = env.get_int("EDUGOV_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.get_int("EDUGOV_LOGIN_LOCK_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "edugov.core.auth.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "edugov.core.auth.lockout.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# axes.W006 wants the address in the lock key. A whole school signs in from one NAT
# address, so locking an address after five typos would lock out its staff; password
# spraying from one address is throttled by allauth's per-address limit instead
# (ACCOUNT_RATE_LIMITS["login_failed"]). See docs/adr/0003-login-lockout.md.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- internationalisation ---------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# The portal speaks four languages (PUB-10); the staff workspace two (EDUGOV_WORKSPACE_LANGUAGES).
# Kyrgyz is written in the Arabic script in Xinjiang: Django's own "ky" is Cyrillic, so the
# portal uses a custom "ky-arab" locale (catalogue in locale/ky_Arab, LANG_INFO below).
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("ug", "ئۇيغۇرچە"),
    ("ky-arab", "قىرعىزچا"),
    ("en", "English"),
]
EDUGOV_WORKSPACE_LANGUAGES = ["zh-hans", "en"]
# The CMS (editors' admin) is staff side too: its account language choice is the workspace's.
WAGTAILADMIN_PERMITTED_LANGUAGES = [
    (code, name) for code, name in LANGUAGES if code in EDUGOV_WORKSPACE_LANGUAGES
]
# Django's get_language_bidi() looks at the base language only ("ky" of "ky-arab"); Cyrillic
# Kyrgyz is not offered, so "ky" here means the Arabic-script edition.
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "ckb", "fa", "ps", "ur", "ug", "ky", "ky-arab"]
django_locale.LANG_INFO.setdefault(
    "ky-arab",
    {"bidi": True, "code": "ky-arab", "name": "Kyrgyz (Arabic script)", "name_local": "قىرعىزچا"},
)
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.get_str("EDUGOV_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.get_str("EDUGOV_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- caches ------------------------------------------------------------------
# "default" holds rate-limit counters and Wagtail's small lookups; "portal_pages" the public
# portal's rendered pages (edugov.portal.cache), apart so that pages never evict counters.
# Both live in the process's memory (LocMemCache). A node that runs several worker processes
# must share them: set EDUGOV_CACHE_DIR to a local directory every process can write, and
# both become FileBasedCache there (publishing in one process then invalidates the pages
# served by all, and rate limits count across processes).
EDUGOV_CACHE_DIR = env.get_str("EDUGOV_CACHE_DIR", "")
if EDUGOV_CACHE_DIR:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(Path(EDUGOV_CACHE_DIR) / alias),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
        for alias in ("default", "portal_pages")
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "edugov-default"},
        "portal_pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "edugov-portal-pages",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
# How long a cached portal page is kept at most (publishing drops it at once anyway).
EDUGOV_PORTAL_CACHE_SECONDS = env.get_int("EDUGOV_PORTAL_CACHE_SECONDS", 600)

# --- background work --------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- bulk imports (registry) -------------------------------------------------
# Largest import file accepted; bigger uploads are discarded as they arrive, never stored.
EDUGOV_IMPORT_MAX_BYTES = env.get_int("EDUGOV_IMPORT_MAX_BYTES", 100 * 1024 * 1024)
# Working days each unit has to decide one step of a transfer (DB-3).
EDUGOV_TRANSFER_STEP_DAYS = env.get_int("EDUGOV_TRANSFER_STEP_DAYS", 5)
# Uploads over 2.5 MB stream to a temporary file instead of memory (Django's default, stated).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- official documents (office) ---------------------------------------------
# A directory of licensed fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体) used for GB/T 9704 PDFs
# before the shipped Noto CJK / LXGW WenKai stand-ins; empty = system fonts only.
EDUGOV_FONT_DIR = env.get_str("EDUGOV_FONT_DIR", "")

# --- public portal (Wagtail) ---------------------------------------------------
WAGTAIL_SITE_NAME = "edugov"
# Where links in editors' notification mail point; the node's public address.
WAGTAILADMIN_BASE_URL = env.get_str("EDUGOV_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Accounts, passwords and groups belong to the platform (core), never to the CMS.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
# Nobody holds publish_page: a page goes live when the last step of its site's review
# workflow is approved, and this action publishes it then.
WAGTAIL_FINISH_WORKFLOW_ACTION = "edugov.portal.publishing_finish.publish_workflow_state"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "ofd", "doc", "docx", "xls", "xlsx", "wps", "et", "txt", "csv"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.get_int("EDUGOV_PORTAL_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILEMBEDS_FINDERS: list[dict[str, object]] = []  # no calls to outside embed providers
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
# Largest attachment a citizen may upload with a request or letter.
EDUGOV_PORTAL_ATTACHMENT_MAX_BYTES = env.get_int("EDUGOV_PORTAL_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Working days a unit has to rectify after a bad 好差评 rating. There is no national figure:
# local rules vary (15 working days in some cities, 5 in others; STANDARDS §7.2), so set it
# to the local 实施细则's number.
EDUGOV_RECTIFICATION_DAYS = env.get_int("EDUGOV_RECTIFICATION_DAYS", 15)
# Calendar days after a reply in which the requester may reopen a case (BEYOND B.2).
EDUGOV_CASE_REOPEN_DAYS = env.get_int("EDUGOV_CASE_REOPEN_DAYS", 30)

# --- security ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

MAILERS = {
    "default": {
        "BACKEND": env.get_str("EDUGOV_MAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    }
}
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "edugov@localhost")

# --- edugov -----------------------------------------------------------------
# How many reverse proxies (nginx, a load balancer) sit in front of the node. With 0 the
# client address is REMOTE_ADDR and forwarded headers are ignored, because anyone could
# forge them; behind nginx set 1 so the address comes from X-Forwarded-For.
EDUGOV_TRUSTED_PROXY_COUNT = env.get_int("EDUGOV_TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = EDUGOV_TRUSTED_PROXY_COUNT
# Key that protects the audit chain against an attacker who can rewrite the whole table
# and recompute plain hashes: each entry's hash is an HMAC-SM3 keyed with this value.
EDUGOV_AUDIT_HMAC_KEY = env.get_str("EDUGOV_AUDIT_HMAC_KEY", "")
# Master key for personal data encrypted at rest (ID numbers, addresses, guardian contacts):
# AES-256-GCM and the keyed lookup hash use separate keys derived from it (HKDF-SHA256).
# Losing it loses those fields; rotating it needs a re-encryption run (docs/adr/0006).
EDUGOV_DATA_KEY = env.get_str("EDUGOV_DATA_KEY", "")

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oauth2_provider.contrib.rest_framework.OAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "edugov API",
    "DESCRIPTION": "REST interface of the edugov registry (一库). Every list and read is scoped to "
    "the units of the caller's grants; tokens carry scopes (registry:read, registry:write).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Only the platform's own API: Wagtail's admin JSON endpoints under /cms/ are not part of it.
    "PREPROCESSING_HOOKS": ["edugov.platform.api.platform_endpoints_only"],
}
OAUTH2_PROVIDER = {
    "SCOPES": {
        "registry:read": "Read registry records in the units of the token owner's grants",
        "registry:write": "Change registry records in the units of the token owner's grants",
    },
    "DEFAULT_SCOPES": ["registry:read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "PKCE_REQUIRED": True,
    # RFC 9700 (OAuth 2.0 Security BCP): adopt every compliant behaviour now (the 4.0
    # defaults). No implicit or password grant, PKCE S256 only, tokens only in the
    # Authorization header, `iss` in authorization responses, tokens stored as SHA-256
    # checksums only (shown once, never recoverable), refresh-token replay revokes the family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "ALLOW_URI_WILDCARDS": False,
    # A non-compliant value of the settings above fails `check --deploy` as an error.
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
