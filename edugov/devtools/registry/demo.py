"""Registry data for the demo province (issue 3, item 9): deterministic, fast, realistic.

``build_registry`` gives every school of the demo tree a profile, pupils in classes
of realistic size with guardians, staff, buildings, assets and three years of
finance, all written in bulk (one insert per batch of rows, not one action per row).
On top of that it plants what a demo should show: transfers in flight through the
real transfer actions, and deliberate data-quality problems in the featured school
(the first primary school of 天山区, where the ``school_admin`` and ``teacher``
logins work, inside the county of ``tianshan_registrar``):

* an oversized class (60 pupils in 三年级 ``PLANTED_CLASS``);
* a pupil whose age does not fit the grade (13 years old in grade 2);
* a pupil without any guardian;
* two records without ID numbers, same name, birth date and guardian, at two
  schools: flagged as a duplicate suspect;
* a teacher with 32 lessons a week and a D-rated (dangerous) building.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from edugov.core.audit import log_event
from edugov.core.models import Organization, Region, User
from edugov.devtools.registry import bulk, people
from edugov.devtools.registry.generate import TYPES, RegistryGenerator, SchoolInfo, SchoolStats
from edugov.registry.events import RegistryEvent
from edugov.registry.models import (
    Asset,
    Building,
    Enrolment,
    FinanceRecord,
    Guardian,
    GuardianLink,
    SchoolProfile,
    StaffMember,
    StatusChange,
    Student,
)

logger = logging.getLogger("edugov.devtools")

# Parallel classes per grade relative to a real school of the type (see generate.TYPES).
# ``small`` keeps `make demo` quick; ``province`` is sized to ≈ 5.6 million pupils.
DENSITY = {"small": 0.2, "medium": 0.35, "large": 0.6}
FEATURED_COUNTY = "650102"  # 天山区
PLANTED_CLASS = "9班"
LOADED_MODELS = (
    SchoolProfile, Student, Enrolment, StatusChange, Guardian, GuardianLink, StaffMember, Building, Asset,
    FinanceRecord,
)  # fmt: skip

Progress = Callable[[str], Any]


def registry_present() -> bool:
    return SchoolProfile.objects.exists() or Student.objects.exists()


def region_table() -> tuple[dict[str, tuple[str, str, str]], dict[str, list[str]]]:
    """County code → (name, prefecture code, place name); prefecture code → its county codes."""
    regions = {r.code: r for r in Region.objects.filter(code__startswith="65", valid_until__isnull=True)}
    counties: dict[str, tuple[str, str, str]] = {}
    by_prefecture: dict[str, list[str]] = {}
    for code, region in sorted(regions.items()):
        if region.level != "county" or region.parent_id not in regions:
            continue
        prefecture = regions[region.parent_id]
        place = region.name if region.parent_id == "659000" else prefecture.name + region.name
        counties[code] = (region.name, region.parent_id, place)
        by_prefecture.setdefault(region.parent_id, []).append(code)
    return counties, by_prefecture


def school_infos(schools: Iterable[Organization]) -> list[SchoolInfo]:
    counties, by_prefecture = region_table()
    names = dict(Region.objects.filter(code__startswith="65").values_list("code", "name"))
    infos = []
    for school in schools:
        code = str(school.region_id or "")
        if code in counties:
            name, prefecture, place = counties[code]
            county_codes: tuple[str, ...] = (code,)
            rural = not (name.endswith(("区", "市")) or prefecture in {"650100", "650200"})
        else:  # a school run by the prefecture: pupils from all of its counties
            prefecture, place = code, names.get(code, "")
            county_codes = tuple(by_prefecture.get(code, ())) or (code,)
            rural = False
        infos.append(
            SchoolInfo(
                id=school.pk,
                name=school.name,
                code=school.school_code or f"{school.pk:010d}",
                school_type=school.school_type,
                region=code,
                prefecture=prefecture,
                place=place,
                counties=county_codes,
                rural=rural,
            )
        )
    return infos


def build_registry(
    *,
    seed: int = 2026,
    scale: str = "small",
    density: float | None = None,
    counties: set[str] | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Fill the registry of the demo tree; ``counties`` limits it to those county codes (tests)."""
    say = progress or (lambda _m: None)
    started = time.monotonic()
    schools = Organization.objects.schools().filter(region__code__startswith="65").order_by("path")
    if counties is not None:
        schools = schools.filter(region_id__in=counties)
    infos = school_infos(schools)
    region_rows, _by_prefecture = region_table()
    with transaction.atomic():
        with bulk.loading(LOADED_MODELS):
            gen = RegistryGenerator(
                seed=seed, density=density or DENSITY[scale], today=today, regions=region_rows
            )
            featured = _featured_school(infos)
            for n, info in enumerate(infos, start=1):
                gen.school(info)
                if n % 200 == 0:
                    pupils = gen.students.count + len(gen.students.rows)
                    say(f"  registry: {n}/{len(infos)} schools, {pupils} pupils")
            if featured is not None:
                _plant_problems(gen, featured, infos)
            counts = gen.close()
        # With the indexes back and the sequences reset, the few things made by actions:
        if featured is not None:
            counts["duplicate_suspects"] = _flag_planted_duplicates(featured)
            _overload_and_danger(featured)
        counts["transfers"] = _transfers_in_flight(seed)
        log_event(
            RegistryEvent.STUDENT_ENROLLED,
            acting_user=None,
            extra={"bulk": True, "source": "demo", "seed": seed, "schools": len(infos), **counts},
        )
    seconds = time.monotonic() - started
    say(f"  registry: {counts.get('student', 0)} pupils in {len(infos)} schools in {seconds:.1f}s")
    return counts


def _featured_school(infos: list[SchoolInfo]) -> SchoolInfo | None:
    return next((i for i in infos if i.region == FEATURED_COUNTY and i.school_type == "211"), None)


def _plant_problems(gen: RegistryGenerator, school: SchoolInfo, infos: list[SchoolInfo]) -> None:
    spec = TYPES[school.school_type]
    rng = gen.rng
    year = gen.year_start.year
    stats: SchoolStats = gen.stats[school.id]
    # An oversized class: 60 pupils (大班额) in grade 3.
    for _ in range(60):
        gen.student(school, spec, "13", PLANTED_CLASS, dt.date(year - 2, 9, 1))
    stats.classes[f"13/{PLANTED_CLASS}"] = 60
    # A 13-year-old in grade 2: outside the age tolerance of the grade.
    birth = people.birth_for_grade(rng, 13, gen.year_start)
    gen.student(school, spec, "12", "1班", dt.date(year - 1, 9, 1), birth=birth)
    # A pupil without any guardian.
    gen.student(school, spec, "14", "1班", dt.date(year - 3, 9, 1), guardians=False)
    # The same child twice, without ID numbers, at two schools of the county.
    other = next(
        (i for i in infos if i.region == school.region and i.id != school.id and i.school_type == "211"), None
    )
    if other is not None:
        family = people.new_family(rng, people.HAN, "乌鲁木齐市天山区和平路12号", school.region)
        birth = people.birth_for_grade(rng, 9, gen.year_start)
        for target in (school, other):
            gen.student(
                target, spec, "14", "2班", dt.date(year - 3, 9, 1), birth=birth, family=family,
                name=family.surname + "小雨", with_id=False,
            )  # fmt: skip


def _flag_planted_duplicates(school: SchoolInfo) -> int:
    from edugov.registry.actions.students import flag_duplicate_suspects

    unnumbered = Student.objects.filter(id_hash__isnull=True, created_source="demo").order_by("pk")
    found: set[int] = set()
    for student in unnumbered:
        enrolment = student.enrolments.select_related("school").first()
        found.update(s.pk for s in flag_duplicate_suspects(student, enrolment.school))
    return len(found)


def _overload_and_danger(school: SchoolInfo) -> None:
    teacher = StaffMember.objects.filter(organization_id=school.id, post="1").order_by("pk").first()
    if teacher is not None:
        StaffMember.objects.filter(pk=teacher.pk).update(weekly_lessons=32)
    Building.objects.create(
        organization_id=school.id,
        code="JZ99",
        name="旧平房教室",
        building_type="11",
        floor_area=420,
        floors=1,
        year_built=1979,
        structure="5",
        safety_rating="D",
        safety_assessed_on=timezone.localdate() - dt.timedelta(days=40),
        use="音乐、美术教室",
        created_source="demo",
    )


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _registrar_for(county: Organization, username: str, seed: int) -> User:
    """A registrar login at ``county`` (not printed) to apply for transfers into its schools."""
    user = _user(username)
    if user is None:
        from edugov.devtools.demo import DemoBuilder

        builder = DemoBuilder(seed=seed)
        user = builder.person(
            username, people.adult_name(builder.rng, people.UYGHUR, "1"), county, "registrar", "学籍管理员"
        )
    return user


def _transfers_in_flight(seed: int) -> int:
    """A few transfers at different steps, made with the real transfer actions."""
    try:
        from edugov.registry.actions.transfers import do_apply_transfer, do_approve_transfer_step
    except ImportError:  # pragma: no cover - the transfer actions are part of the registry
        logger.warning("transfer actions missing: the demo has no transfers in flight")
        return 0
    registrar = _user("tianshan_registrar")
    if registrar is None:
        return 0

    def schools_of(county_code: str, school_type: str) -> list[Organization]:
        return list(
            Organization.objects.schools()
            .filter(region_id=county_code, school_type=school_type)
            .order_by("path")
        )

    def pupil(school: Organization, grade: str, skip: int = 0) -> Student | None:
        enrolment = (
            Enrolment.objects.filter(
                school=school, state="active", grade=grade, student__id_hash__isnull=False
            )
            .order_by("pk")
            .select_related("student")[skip : skip + 1]
        )
        return enrolment[0].student if enrolment else None

    def approve(transfer: Any, steps: int) -> None:
        for _ in range(steps):
            step = transfer.steps.filter(status="pending").select_related("organization").first()
            if step is None:
                return
            approver = next(
                (user for user in _approvers(step.organization) if user is not None),
                None,
            )
            if approver is None:
                return
            do_approve_transfer_step(step, acting_user=approver, note="同意")

    tianshan = schools_of("650102", "211")
    shayibake = schools_of("650103", "211")
    shuimogou = schools_of("650105", "211")
    kashi = schools_of("653101", "211")
    if not (tianshan and shayibake):
        return 0
    plan = [
        # (from, to, grade, steps to approve, reason)
        (shayibake[0], tianshan[0], "14", 0, "随父母工作调动迁居天山区"),
        (shayibake[-1], tianshan[-1], "15", 1, "家庭搬迁，就近入学"),
        ((shuimogou or shayibake)[0], tianshan[0], "12", 2, "随祖父母居住"),
        (kashi[0] if kashi else shayibake[0], tianshan[-1], "16", 3, "随父母务工迁入乌鲁木齐市"),
        (shayibake[0], tianshan[0], "13", 9, "购房迁居"),
    ]
    made = 0
    for n, (source, target, grade, steps, reason) in enumerate(plan):
        student = pupil(source, grade, skip=n)
        if student is None:
            continue
        transfer = do_apply_transfer(
            student, to_school=target, grade=grade, class_name="1班", reason=reason, acting_user=registrar
        )
        approve(transfer, steps)
        made += 1
    if kashi and tianshan:
        county = Organization.objects.filter(kind="bureau", level="county", region_id="653101").first()
        student = pupil(tianshan[0], "15", skip=7)
        if county is not None and student is not None:
            applicant = _registrar_for(county, "c653101_registrar", seed)
            do_apply_transfer(
                student,
                to_school=kashi[0],
                grade="15",
                class_name="2班",
                reason="随父母返回原籍",
                acting_user=applicant,
            )
            made += 1
    return made


def _approvers(unit: Organization) -> list[User | None]:
    """Demo logins that may decide a step at ``unit`` (the school's county staff, etc.)."""
    region = str(unit.region_id or "")
    if unit.kind == "school":
        county = region
        return [_user("tianshan_registrar") if county == "650102" else _user(f"c{county}_staff")]
    if unit.level == "county":
        return [_user("tianshan_staff") if region == "650102" else _user(f"c{region}_staff")]
    return [_user("urumqi_staff") if region == "650100" else _user(f"p{region}_staff")]
