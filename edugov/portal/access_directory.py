"""The public school directory's reads (PUB-9): open schools and their public fields only.

A school is listed when it is an active ``Organization`` of kind school with a school code
and not closed. Its registry row (``SchoolProfile``) adds the public contact fields; when there
is none, the organisation tree's fields alone are shown. Nothing personal is read here.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.core.choices import OrganizationKind

SCHOOL_CODE = re.compile(r"\d{10}")

# The only columns the directory loads (no credit code, no timestamps, nothing internal).
PUBLIC_FIELDS = [
    "id",
    "name",
    "short_name",
    "school_code",
    "school_type",
    "school_sponsor",
    "region__code",
    "region__name",
    "region__level",
    "region__parent_id",
    "school_profile__organization_id",
    "school_profile__address",
    "school_profile__postal_code",
    "school_profile__phone",
    "school_profile__founding_year",
    "school_profile__stages",
    "school_profile__boarding",
    "school_profile__area_served",
]


def public_schools() -> QuerySet:
    """Open schools with a school code, registry row and region joined in (one query)."""
    from edugov.core.models import Organization

    today = timezone.localdate()
    return (
        Organization.objects.filter(kind=OrganizationKind.SCHOOL, is_active=True, school_code__isnull=False)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=today))
        .select_related("region", "school_profile")
        .only(*PUBLIC_FIELDS)
    )


def access_public_school(school_code: Any) -> Any:
    """The open school with this 10-digit code; 404 for a malformed, unknown or closed code."""
    code = str(school_code or "")
    if not SCHOOL_CODE.fullmatch(code):
        raise Http404(_("School not found."))
    school = public_schools().filter(school_code=code).first()
    if school is None:
        raise Http404(_("School not found."))
    return school
