"""Streaming the stored ID numbers of the people a subtree answers for.

The ID-number rules need the number itself, which is encrypted at rest. They read the
ciphertext as plain text (``Cast`` skips the field's decryption, so one bad value cannot
stop the stream), decrypt it here, and never keep more than one chunk in memory. A
nightly pass over a province (≈ 6 million people) costs one AES-GCM decryption per person,
a few microseconds each; the lookup hash alone could not show a wrong check digit, since
numbers with a wrong check digit were never supposed to be stored in the first place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models
from django.db.models import F, TextField
from django.db.models.functions import Cast

from edugov.core import crypto
from edugov.registry.identity import RESIDENT_ID_CARD
from edugov.registry.quality.records import active_enrolments, current_staff, student_label, truncate

CHUNK = 5000


@dataclass(frozen=True)
class StoredIdentity:
    record_type: str
    record_id: int
    organization_id: int
    label: str
    number: str | None  # None: the stored value could not be decrypted
    id_hash: str | None
    birth_date: dt.date
    sex: str


def _decrypt(token: str, context: str) -> str | None:
    if not token:
        return ""
    try:
        return crypto.decrypt(token, context=context)
    except (crypto.DecryptionError, ValueError):
        return None


def stored_identities(units: models.QuerySet) -> Iterator[StoredIdentity]:
    """Resident-ID-card holders: enrolled students, then current staff, of ``units``."""
    students = (
        active_enrolments(units)
        .filter(student__id_type=RESIDENT_ID_CARD)
        .exclude(student__id_number="")
        .annotate(raw=Cast(F("student__id_number"), output_field=TextField()))
        .order_by()
        .values_list(
            "student_id", "school_id", "student__name", "grade", "class_name", "raw",
            "student__id_hash", "student__birth_date", "student__sex",
        )
    )  # fmt: skip
    for pk, org, name, grade, class_name, raw, id_hash, birth, sex in students.iterator(chunk_size=CHUNK):
        number = _decrypt(raw, "registry.student.id_number")
        yield StoredIdentity(
            "student", pk, org, student_label(name, grade, class_name), number, id_hash, birth, sex
        )
    staff = (
        current_staff(units)
        .filter(id_type=RESIDENT_ID_CARD)
        .exclude(id_number="")
        .annotate(raw=Cast(F("id_number"), output_field=TextField()))
        .order_by()
        .values_list("pk", "organization_id", "name", "raw", "id_hash", "birth_date", "sex")
    )
    for pk, org, name, raw, id_hash, birth, sex in staff.iterator(chunk_size=CHUNK):
        number = _decrypt(raw, "registry.staffmember.id_number")
        yield StoredIdentity("staffmember", pk, org, truncate(name, 120), number, id_hash, birth, sex)


def identities_checked(units: models.QuerySet) -> dict[int, int]:
    from edugov.registry.quality.registry import count_by

    counts = count_by(
        active_enrolments(units).filter(student__id_type=RESIDENT_ID_CARD).exclude(student__id_number=""),
        "school_id",
    )
    for org, n in count_by(
        current_staff(units).filter(id_type=RESIDENT_ID_CARD).exclude(id_number=""), "organization_id"
    ).items():
        counts[org] = counts.get(org, 0) + n
    return counts
