"""Data-quality rules (DB-6): each rule finds a planted problem and passes a clean record."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from edugov.core.crypto import lookup_hash
from edugov.core.models import Organization
from edugov.platform.privacy import mask_id_number
from edugov.registry.models import (
    Asset,
    Building,
    DuplicateSuspect,
    Enrolment,
    GuardianLink,
    SchoolProfile,
    StaffMember,
    Student,
)
from edugov.registry.quality.registry import Category, Finding, Rule, all_rules, get_rule
from edugov.registry.rules import school_year_start
from edugov.registry.tests.factories import enrol, make_id_number

pytestmark = pytest.mark.django_db

_names = itertools.count(1)
_phones = itertools.count(13900000001)


# --- planting helpers (shared with the other quality tests) ---------------------
def birth_for_age(age: int) -> dt.date:
    """A birth date giving ``age`` at the start of the current school year."""
    start = school_year_start(timezone.localdate())
    return start.replace(year=start.year - age) - dt.timedelta(days=60)


def pupil(
    school: Any, *, grade: str = "16", class_name: str = "1班", guardian: bool = True, **overrides: Any
) -> Enrolment:
    """A clean pupil: valid codes, ID matching birth date and sex, guardian, class, age for the grade."""
    from edugov.registry import codes

    usual = codes.attributes("grade", grade)["age"]
    birth = overrides.pop("birth_date", birth_for_age(usual))
    n = next(_names)
    guardians = [{"name": f"家长{n}", "relation": "51", "phone": str(next(_phones))}] if guardian else []
    return enrol(
        school,
        name=overrides.pop("name", f"学生{n}"),
        birth_date=birth,
        guardians=guardians,
        enrolment={"grade": grade, "class_name": class_name},
        **overrides,
    )


def bulk_pupils(school: Any, count: int, *, grade: str = "16", class_name: str = "1班") -> None:
    """Many pupils at once (no ID number, no guardian): for class sizes and ratios."""
    birth = birth_for_age(11)
    students = Student.objects.bulk_create(
        [
            Student(name=f"批量{next(_names)}", id_type="1", sex="1", ethnicity="01", birth_date=birth)
            for _ in range(count)
        ]
    )
    if any(s.pk is None for s in students):  # a backend that does not return ids from bulk inserts
        students = list(Student.objects.order_by("-pk")[:count])
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                student=s,
                school=school,
                grade=grade,
                class_name=class_name,
                entry_date=birth,
                started_on=birth,
            )
            for s in students
        ]
    )


def teacher(unit: Any, **overrides: Any) -> StaffMember:
    birth = overrides.pop("birth_date", dt.date(1985, 6, 1))
    sex = overrides.pop("sex", "2")
    number = make_id_number(birth, sex=sex)
    values = {
        "organization": unit,
        "name": f"教师{next(_names)}",
        "id_type": "1",
        "id_number": number,
        "id_hash": lookup_hash(number, kind="id"),
        "id_masked": mask_id_number(number),
        "sex": sex,
        "ethnicity": "01",
        "birth_date": birth,
        "post": "1",
        "qualification_cert_number": "20196500000001",
        "employed_from": dt.date(2010, 9, 1),
        "weekly_lessons": 16,
    }
    values.update(overrides)
    return StaffMember.objects.create(**values)


def building(unit: Any, **overrides: Any) -> Building:
    values = {
        "organization": unit,
        "code": f"B{next(_names)}",
        "name": "教学楼",
        "building_type": "11",
        "floor_area": Decimal("2000"),
        "year_built": 2005,
        "structure": "2",
        "safety_rating": "A",
        "use": "教学",
    }
    values.update(overrides)
    return Building.objects.create(**values)


def scope(tree: Any) -> Any:
    return Organization.objects.filter(path__startswith=tree.province.path)


def found(code: str, tree: Any) -> list[Finding]:
    rule = get_rule(code)
    assert rule is not None, code
    return list(rule.check(scope(tree)))


def ids(findings: list[Finding], record_type: str) -> set[int]:
    return {f.record_id for f in findings if f.record_type == record_type}


# --- the registry ------------------------------------------------------------------
def test_rules_are_discovered_one_module_each():
    rules = all_rules()
    codes = {rule.code for rule in rules}
    assert {
        "invalid_codes", "id_number_check", "student_without_guardian", "enrolment_without_class",
        "teacher_without_certificate", "enrolment_at_closed_school", "grade_not_offered", "birth_date_vs_id",
        "class_size", "age_grade", "teacher_load", "building_area", "dangerous_building",
        "open_duplicate_suspects", "same_person_without_id",
    } <= codes  # fmt: skip
    assert len(codes) == len(rules)
    assert {rule.category for rule in rules} == set(Category.values)
    assert all(isinstance(rule, Rule) and str(rule.title) for rule in rules)


def test_a_clean_school_has_no_findings(tree):
    school = tree.school_tianshan
    pupil(school)
    pupil(school, grade="11")
    teacher(school)
    building(school)
    SchoolProfile.objects.create(organization=school, grades=["11", "12", "13", "14", "15", "16"])
    for rule in all_rules():
        assert list(rule.check(scope(tree))) == [], rule.code
        assert sum(rule.checked_count(scope(tree)).values()) >= 0


# --- validity ------------------------------------------------------------------------
def test_invalid_codes_on_students_staff_buildings_and_assets(tree):
    school = tree.school_tianshan
    clean, bad = pupil(school), pupil(school)
    Student.objects.filter(pk=bad.student_id).update(sex="7")
    Enrolment.objects.filter(pk=bad.pk).update(study_mode="8")
    good_teacher, bad_teacher = teacher(school), teacher(school, post="X", subject="QQ")
    good_building, bad_building = building(school), building(school, building_type="10", structure="9")
    bad_asset = Asset.objects.create(
        organization=school,
        asset_number="A1",
        name="电脑",
        category="Z",
        unit_value=1,
        acquired_on=dt.date(2020, 1, 1),
    )
    findings = found("invalid_codes", tree)
    assert ids(findings, "student") == {bad.student_id}
    assert ids(findings, "staffmember") == {bad_teacher.pk}
    assert ids(findings, "building") == {bad_building.pk}
    assert ids(findings, "asset") == {bad_asset.pk}
    student_finding = next(f for f in findings if f.record_type == "student")
    assert "“7”" in student_finding.message
    assert "“8”" in student_finding.message
    assert student_finding.organization_id == school.pk
    assert clean.student_id not in ids(findings, "student")
    assert good_teacher.pk not in ids(findings, "staffmember")
    assert good_building.pk not in ids(findings, "building")


def test_id_number_with_a_wrong_check_digit_or_unreadable_ciphertext(tree):
    school = tree.school_tianshan
    clean, wrong, broken = pupil(school), pupil(school), pupil(school)
    number = make_id_number(birth_for_age(11))
    wrong_digit = number[:17] + ("0" if number[17] != "0" else "1")
    Student.objects.filter(pk=wrong.student_id).update(id_number=wrong_digit)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_student SET id_number = %s WHERE id = %s",
            ["v1:bm90LWEtY2lwaGVy", broken.student_id],
        )
    bad_teacher = teacher(school)
    StaffMember.objects.filter(pk=bad_teacher.pk).update(id_number="65010219850601000")  # 17 characters
    findings = found("id_number_check", tree)
    assert ids(findings, "student") == {wrong.student_id, broken.student_id}
    assert ids(findings, "staffmember") == {bad_teacher.pk}
    messages = {f.record_id: f.message for f in findings if f.record_type == "student"}
    assert "decrypt" in messages[broken.student_id] or "解密" in messages[broken.student_id]
    assert clean.student_id not in messages


def test_id_number_whose_lookup_hash_does_not_match(tree):
    enrolment = pupil(tree.school_tianshan)
    Student.objects.filter(pk=enrolment.student_id).update(id_hash="0" * 64)
    assert ids(found("id_number_check", tree), "student") == {enrolment.student_id}


# --- completeness ------------------------------------------------------------------------
def test_student_without_guardian(tree):
    with_guardian, without = pupil(tree.school_tianshan), pupil(tree.school_tianshan, guardian=False)
    findings = found("student_without_guardian", tree)
    assert ids(findings, "student") == {without.student_id}
    assert with_guardian.student_id not in ids(findings, "student")


def test_enrolment_without_class(tree):
    placed, unplaced = pupil(tree.school_tianshan), pupil(tree.school_tianshan, class_name="")
    findings = found("enrolment_without_class", tree)
    assert ids(findings, "student") == {unplaced.student_id}
    assert placed.student_id not in ids(findings, "student")


def test_full_time_teacher_without_certificate(tree):
    school = tree.school_tianshan
    certified = teacher(school)
    missing = teacher(school, qualification_cert_number="")
    clerk = teacher(school, post="2", qualification_cert_number="")  # not a teacher: no certificate needed
    left = teacher(school, qualification_cert_number="", employed_until=dt.date(2020, 7, 1))
    found_ids = ids(found("teacher_without_certificate", tree), "staffmember")
    assert found_ids == {missing.pk}
    assert not found_ids & {certified.pk, clerk.pk, left.pk}


# --- consistency -------------------------------------------------------------------------
def test_active_enrolment_at_a_closed_school(tree):
    closed, open_school = tree.school_tianshan, tree.school_kashi
    stranded, fine = pupil(closed), pupil(open_school)
    Organization.objects.filter(pk=closed.pk).update(is_active=False, closed_on=dt.date(2026, 1, 1))
    findings = found("enrolment_at_closed_school", tree)
    assert ids(findings, "student") == {stranded.student_id}
    assert fine.student_id not in ids(findings, "student")


def test_grade_not_offered_by_the_school_profile(tree):
    primary = tree.school_tianshan
    SchoolProfile.objects.create(organization=primary, grades=["11", "12", "13", "14", "15", "16"])
    pupil(primary, grade="16")
    pupil(primary, grade="21")
    pupil(primary, grade="21", class_name="2班")
    pupil(tree.school_kashi, grade="21")  # no profile grades: not checked
    findings = found("grade_not_offered", tree)
    assert [(f.organization_id, f.record_type, f.record_id, f.weight) for f in findings] == [
        (primary.pk, "grade", 21, 2)
    ]


def test_birth_date_or_sex_differs_from_the_id_number(tree):
    school = tree.school_tianshan
    matching, wrong_birth, wrong_sex = pupil(school), pupil(school), pupil(school)
    Student.objects.filter(pk=wrong_birth.student_id).update(birth_date=dt.date(2014, 1, 1))
    Student.objects.filter(pk=wrong_sex.student_id).update(sex="2")
    findings = found("birth_date_vs_id", tree)
    assert ids(findings, "student") == {wrong_birth.student_id, wrong_sex.student_id}
    assert matching.student_id not in ids(findings, "student")


# --- plausibility -------------------------------------------------------------------------
def test_class_size_oversized_and_large_primary_classes(tree):
    school = tree.school_tianshan
    bulk_pupils(school, 57, class_name="1班")
    bulk_pupils(school, 46, class_name="2班")
    bulk_pupils(school, 45, class_name="3班")
    bulk_pupils(school, 50, grade="21", class_name="1班")  # lower secondary: no warning at 50
    findings = found("class_size", tree)
    assert len(findings) == 2
    severities = sorted((f.severity, f.record_label) for f in findings)
    assert severities[0][0] == "error"
    assert "57" in severities[0][1]
    assert severities[1][0] == "warning"
    assert "46" in severities[1][1]


def test_age_does_not_fit_the_grade(tree):
    school = tree.school_tianshan
    fitting = pupil(school, grade="16")
    too_young = pupil(school, grade="16", birth_date=birth_for_age(6))
    too_old = pupil(school, grade="11", birth_date=birth_for_age(13))
    findings = found("age_grade", tree)
    assert ids(findings, "student") == {too_young.student_id, too_old.student_id}
    assert fitting.student_id not in ids(findings, "student")


def test_teacher_load_lessons_and_pupils_per_teacher(tree):
    busy_school, fine_school = tree.school_tianshan, tree.school_kashi
    overloaded = teacher(busy_school, weekly_lessons=30)
    bulk_pupils(busy_school, 31)
    normal = teacher(fine_school, weekly_lessons=24)
    bulk_pupils(fine_school, 30)
    findings = found("teacher_load", tree)
    assert ids(findings, "staffmember") == {overloaded.pk}
    assert ids(findings, "organization") == {busy_school.pk}
    assert normal.pk not in ids(findings, "staffmember")


def test_building_area_per_pupil(tree):
    crowded, roomy, no_buildings = tree.school_tianshan, tree.school_kashi, tree.school_shayibake
    building(crowded, floor_area=Decimal("100"))
    bulk_pupils(crowded, 23)  # 4.35 m² each
    building(roomy, floor_area=Decimal("100"))
    bulk_pupils(roomy, 22)  # 4.55 m² each
    bulk_pupils(no_buildings, 10)
    assert ids(found("building_area", tree), "organization") == {crowded.pk}


def test_dangerous_buildings_still_in_use(tree):
    school = tree.school_tianshan
    in_use = building(school, safety_rating="D", use="教学")
    building(school, safety_rating="C", use="停用待拆除")
    building(school, safety_rating="D", use="")
    building(school, safety_rating="B", use="教学")
    assert ids(found("dangerous_building", tree), "building") == {in_use.pk}


# --- duplicates -------------------------------------------------------------------------
def test_open_duplicate_suspects(tree):
    school = tree.school_tianshan
    a, b, c = pupil(school), pupil(school), pupil(school)
    DuplicateSuspect.objects.all().delete()
    open_suspect = DuplicateSuspect.objects.create(
        organization=school, first=a.student, second=b.student, reason="x"
    )
    DuplicateSuspect.objects.create(
        organization=school, first=a.student, second=c.student, reason="y", status="dismissed"
    )
    assert ids(found("open_duplicate_suspects", tree), "duplicatesuspect") == {open_suspect.pk}


def test_same_name_birth_date_and_guardian_phone_without_id(tree):
    birth = birth_for_age(11)
    guardian = [{"name": "王父", "relation": "51", "phone": "13811112222"}]
    first = enrol(tree.school_tianshan, name="王小", id_number="", birth_date=birth, guardians=guardian)
    second = enrol(tree.school_kashi, name="王小", id_number="", birth_date=birth, guardians=guardian)
    other_phone = enrol(
        tree.school_kashi, name="王小", id_number="", birth_date=birth,
        guardians=[{"name": "王母", "relation": "52", "phone": "13899990000"}],
    )  # fmt: skip
    DuplicateSuspect.objects.all().delete()  # as after a bulk import that did not flag them
    findings = found("same_person_without_id", tree)
    assert ids(findings, "student") == {first.student_id, second.student_id}
    assert other_phone.student_id not in ids(findings, "student")
    by_student = {f.record_id: f.organization_id for f in findings}
    assert by_student == {first.student_id: tree.school_tianshan.pk, second.student_id: tree.school_kashi.pk}
    # once someone has decided on the pair, the rule leaves it alone
    DuplicateSuspect.objects.create(
        organization=tree.urumqi, first=first.student, second=second.student, reason="x", status="dismissed"
    )
    assert found("same_person_without_id", tree) == []
    assert GuardianLink.objects.count() == 3
