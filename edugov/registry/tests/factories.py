"""Test data helpers for the registry: valid ID numbers and quick enrolments."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from edugov.core.validators import id_check_char

_sequence = itertools.count(1)


def make_id_number(birth: dt.date = dt.date(2015, 3, 1), *, region: str = "650102", sex: str = "1") -> str:
    """A valid GB 11643 ID number (unique per call within a test run)."""
    n = next(_sequence) % 500
    seq = n * 2 + (1 if sex == "1" else 0)
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def student_values(**overrides: Any) -> dict[str, Any]:
    birth = overrides.pop("birth_date", dt.date(2015, 3, 1))
    sex = overrides.get("sex", "1")
    values = {
        "name": "张小明",
        "id_type": "1",
        "id_number": make_id_number(birth, sex=sex),
        "sex": sex,
        "ethnicity": "01",
        "birth_date": birth,
        "nationality": "CHN",
        "household_region": "650102",
        "address": "乌鲁木齐市天山区解放北路 1 号",
    }
    values.update(overrides)
    return values


def enrolment_values(**overrides: Any) -> dict[str, Any]:
    values = {"grade": "16", "class_name": "1班", "entry_date": dt.date(2021, 9, 1), "study_mode": "1"}
    values.update(overrides)
    return values


def enrol(school: Any, *, user: Any = None, guardians: Any = (), **student_overrides: Any) -> Any:
    """Enrol a new student at ``school`` (as the system when ``user`` is None)."""
    from edugov.registry.actions.students import do_enrol_student

    enrolment_overrides = student_overrides.pop("enrolment", {})
    return do_enrol_student(
        school,
        student=student_values(**student_overrides),
        enrolment=enrolment_values(**enrolment_overrides),
        guardians=guardians,
        acting_user=user,
    )
