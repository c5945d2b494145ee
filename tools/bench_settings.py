"""Settings for ``tools.bench_registry``: the test profile, with uploaded files on disk.

The test profile keeps files in memory; an import benchmark must not count a copy of
the whole uploaded file in the importing process's memory.
"""

from edugov.config.settings.test import *  # noqa: F403
from edugov.config.settings.test import VAR_DIR

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
