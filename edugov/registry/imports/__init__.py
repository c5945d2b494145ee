"""Bulk import of students, staff, buildings and assets from xlsx, xls, ods or csv (DB-7).

Other code calls ``create_import_job`` then ``run_import`` (synchronously) or
``start_import`` (in the background, after the current transaction commits).
"""

from edugov.registry.imports.jobs import create_import_job, may_import, run_import, spec_for, start_import
from edugov.registry.imports.reading import ImportFileError
from edugov.registry.imports.templates_api import template_bytes

__all__ = [
    "ImportFileError",
    "create_import_job",
    "may_import",
    "run_import",
    "spec_for",
    "start_import",
    "template_bytes",
]
