"""The demo registry: valid identities, one place per person, masking, planted problems."""

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from edugov.core import crypto
from edugov.core.models import Grant, Organization
from edugov.core.validators import parse_id_number, validate_student_number
from edugov.devtools.demo import build_demo
from edugov.devtools.registry.demo import PLANTED_CLASS, build_registry
from edugov.platform.privacy import mask_id_number, mask_phone
from edugov.registry import codes
from edugov.registry.actions.students import clean_student_values
from edugov.registry.models import (
    Asset,
    Building,
    DuplicateSuspect,
    Enrolment,
    FinanceRecord,
    Guardian,
    GuardianLink,
    SchoolProfile,
    StaffMember,
    Student,
    Transfer,
)
from edugov.registry.rules import age_grade_problem

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

COUNTIES = {"650102", "650103", "653101"}  # 天山区, 沙依巴克区, 喀什市: enough for transfers


@pytest.fixture
def demo(settings):
    build_demo(seed=2026, scale="small")
    counts = build_registry(seed=2026, density=0.05, counties=COUNTIES)
    return counts


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_identities_are_valid_and_masked(demo):
    students = list(Student.objects.filter(id_hash__isnull=False).order_by("pk"))
    assert len(students) > 1000
    today = timezone.localdate()
    for student in students[::7]:
        parsed = parse_id_number(student.id_number, today=today)  # check character, date, format
        assert parsed.birth_date == student.birth_date
        assert parsed.sex_code == student.sex
        assert parsed.region_code == student.household_region
        assert student.student_number == "G" + student.id_number
        assert validate_student_number(student.student_number, today=today) == student.student_number
        assert student.id_masked == mask_id_number(student.id_number)
        assert student.id_hash == crypto.lookup_hash(student.id_number, kind="id")
    sample = students[0]
    stored = _raw("registry_student", "id_number", sample.pk)
    assert stored.startswith(crypto.PREFIX)
    assert sample.id_number not in stored
    assert sample.id_number[6:14] not in _raw("registry_student", "address", sample.pk)
    # What the enrolment form would accept, it accepts.
    for student in students[:20]:
        fields = ("name", "id_type", "id_number", "sex", "ethnicity", "birth_date", "nationality")
        values = {f: getattr(student, f) for f in (*fields, "household_region")}
        clean_student_values(values)
    guardian = Guardian.objects.exclude(phone="").order_by("pk").first()
    assert guardian.phone_masked == mask_phone(guardian.phone)
    assert _raw("registry_guardian", "phone", guardian.pk).startswith(crypto.PREFIX)
    # Pupils come from the selected counties (migrants from elsewhere) and their schools' area.
    regions = Counter(s.household_region[:2] for s in students)
    assert set(regions) == {"65"}


def test_one_active_enrolment_per_person_and_realistic_schools(demo):
    active = Enrolment.objects.filter(state="active")
    assert not active.values("student").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert active.values("student").distinct().count() == Student.objects.count()
    profiles = {p.organization_id: p for p in SchoolProfile.objects.all()}
    for school_id, grade in active.values_list("school_id", "grade").distinct():
        assert grade in profiles[school_id].grades
    sizes = Counter(active.exclude(class_name=PLANTED_CLASS).values_list("school_id", "grade", "class_name"))
    assert max(sizes.values()) <= 52
    pupils = Counter(active.exclude(class_name=PLANTED_CLASS).values_list("school_id", flat=True))
    teachers = Counter(StaffMember.objects.filter(post="1").values_list("organization_id", flat=True))
    ratios = [pupils[s] / teachers[s] for s in pupils if profiles[s].grades[0] == "11" and pupils[s] > 200]
    assert ratios
    assert all(12 <= r <= 20 for r in ratios)
    assert Building.objects.filter(safety_rating__in="CD").exists()
    assert Asset.objects.exists()
    assert set(FinanceRecord.objects.values_list("year", flat=True)) == {2024, 2025, 2026}
    # Guardians shared by children at different schools.
    shared = GuardianLink.objects.values("guardian").annotate(
        schools=Count("student__enrolments__school", distinct=True)
    )
    assert shared.filter(schools__gt=1).exists()
    # Every coded value is in its code table.
    for model, field, table in (
        (Student, "ethnicity", "ethnicity"),
        (Student, "disability", "disability"),
        (Enrolment, "grade", "grade"),
        (Enrolment, "study_mode", "study_mode"),
        (GuardianLink, "relation", "family_relation"),
        (StaffMember, "post", "staff_post"),
        (StaffMember, "subject", "subject"),
        (StaffMember, "professional_title", "professional_title"),
        (StaffMember, "education_level", "education_level"),
        (Building, "building_type", "building_type"),
        (Building, "structure", "building_structure"),
        (Building, "safety_rating", "building_safety"),
        (Asset, "category", "asset_category"),
        (Asset, "status", "asset_status"),
    ):
        values = set(model.objects.exclude(**{field: ""}).values_list(field, flat=True))
        assert values, (model, field)
        assert all(codes.is_valid(table, v) for v in values), (model, field, values)
    for direction, table in (("income", "finance_income"), ("expenditure", "finance_expenditure")):
        values = set(FinanceRecord.objects.filter(direction=direction).values_list("category", flat=True))
        assert values
        assert all(codes.is_valid(table, v) for v in values)


def test_planted_problems_transfers_and_rerun(demo, settings, tmp_path, capsys):
    featured = SchoolProfile.objects.get(organization__name="天山第一小学").organization
    planted = Enrolment.objects.filter(school=featured, state="active", class_name=PLANTED_CLASS)
    assert planted.count() == 60
    today = timezone.localdate()
    misfits = [
        e
        for e in Enrolment.objects.filter(school=featured, state="active").select_related("student")
        if age_grade_problem(e.student.birth_date, e.grade, on=today)
    ]
    assert len(misfits) == 1
    without_guardian = Student.objects.filter(enrolments__school=featured, guardian_links__isnull=True)
    assert without_guardian.count() == 1
    suspect = DuplicateSuspect.objects.get()
    assert suspect.first.name == suspect.second.name
    assert suspect.first.birth_date == suspect.second.birth_date
    assert suspect.first.id_hash is None
    assert suspect.second.id_hash is None
    for student in (suspect.first, suspect.second):
        assert student.student_number.startswith("L")
        validate_student_number(student.student_number, today=today)
    assert StaffMember.objects.filter(organization=featured, weekly_lessons__gt=24).exists()
    assert Building.objects.filter(organization=featured, safety_rating="D").exists()
    # Transfers in flight, each waiting on exactly one step; and one completed.
    pending = Transfer.objects.filter(status="pending")
    assert pending.count() >= 3
    for transfer in pending:
        assert transfer.steps.filter(status="pending").count() == 1
        assert transfer.next_due_on is not None
        assert transfer.next_due_on > today - dt.timedelta(days=1)
    done = Transfer.objects.get(status="completed")
    assert done.student.enrolments.filter(state="active").get().school == done.to_school

    # The registrar's county has pupils; a second populate_demo changes nothing.
    grant = Grant.objects.get(user__username="tianshan_registrar")
    assert (
        Enrolment.objects.filter(school__path__startswith=grant.organization.path, state="active").count()
        > 500
    )
    settings.VAR_DIR = tmp_path
    before = Student.objects.count()
    call_command("populate_demo", "--scale", "small")  # adds what this test did not build: the office
    capsys.readouterr()
    call_command("populate_demo", "--scale", "small")
    assert "nothing changed" in capsys.readouterr().out
    assert Student.objects.count() == before


def test_province_loader_scales_to_a_target_and_leaves_the_tables_usable():
    from edugov.devtools.registry.province import build_province_registry
    from edugov.registry.tests.factories import enrol

    build_demo(seed=2026, scale="small")
    counts = build_province_registry(prefectures={"650200"}, target=600_000)
    students = Student.objects.count()
    assert counts["student"] == students
    assert abs(students - counts["expected"]) < 0.15 * counts["expected"]
    assert 15_000 < students < 35_000  # Karamay's share of 600,000 pupils over the small tree
    karamay = Organization.objects.get(kind="bureau", level="prefecture", region_id="650200")
    assert not Enrolment.objects.exclude(school__path__startswith=karamay.path).exists()
    assert Enrolment.objects.filter(state="active").count() == students
    assert not Guardian.objects.exists()  # left out at province scale
    # Indexes and sequences are back: the normal write path works on the loaded tables.
    school = Enrolment.objects.order_by("pk").first().school
    enrolment = enrol(school)
    assert enrolment.student.pk > max(s.pk for s in Student.objects.exclude(pk=enrolment.student.pk))
