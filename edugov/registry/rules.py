"""Cross-field rules shared by forms, imports and data-quality checks."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from edugov.registry import codes

# How far a pupil's age may be from the usual age of the grade before we call it an error
# (late entry, repeated years and early entry are real; a 3-year-old in grade 6 is not).
AGE_BELOW_TOLERANCE = 2
AGE_ABOVE_TOLERANCE = 5


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def school_year_start(day: dt.date) -> dt.date:
    """1 September of the school year that ``day`` falls in."""
    year = day.year if day.month >= 9 else day.year - 1
    return dt.date(year, 9, 1)


def age_grade_problem(birth_date: dt.date, grade: str, *, on: dt.date) -> str | None:
    """A message when the age at the start of the school year does not fit the grade."""
    usual = codes.attributes("grade", grade).get("age")
    if usual is None:
        return None
    age = age_on(birth_date, school_year_start(on))
    if age < usual - AGE_BELOW_TOLERANCE or age > usual + AGE_ABOVE_TOLERANCE:
        return _("Age %(age)s does not fit %(grade)s (usual age %(usual)s).") % {
            "age": age,
            "grade": codes.label("grade", grade),
            "usual": usual,
        }
    return None
