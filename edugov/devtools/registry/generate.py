"""Row generation for the demo registry: one school at a time, into bulk writers.

``RegistryGenerator`` turns the schools of the demo tree into school profiles, students
(with enrolments, status changes and guardians), staff, buildings, assets and finance,
in realistic proportions: classes of 40–50 in primary and secondary schools, a
pupil:teacher ratio of 15–18, the ethnic mix of each prefecture, ID numbers with the
region code of the pupil's county and a valid check character, student numbers
``G`` + ID number. ``density`` scales the number of parallel classes (1.0 ≈ a real
school of its type); every grade keeps at least one class.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from edugov.core import crypto
from edugov.devtools.registry import people
from edugov.devtools.registry.bulk import IdBlock, Writer, flush_all
from edugov.platform.privacy import mask_id_number, mask_phone
from edugov.registry.choices import Boarding, EnrolmentState, FinanceDirection, Source
from edugov.registry.identity import STUDENT_NUMBER_CONTEXT
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
from edugov.registry.rules import school_year_start


@dataclass(frozen=True)
class TypeSpec:
    grades: tuple[str, ...]
    stages: tuple[str, ...]
    classes: tuple[float, float]  # parallel classes per grade at density 1 (min, max)
    size: tuple[int, int]  # pupils per class
    pupils_per_teacher: tuple[float, float]
    boarding: str
    cert_level: str  # teacher-qualification level digit


PRIMARY = ("11", "12", "13", "14", "15", "16")
JUNIOR = ("21", "22", "23")
SENIOR = ("31", "32", "33")
TYPES: dict[str, TypeSpec] = {
    "111": TypeSpec(("01", "02", "03"), ("1",), (1, 4), (25, 34), (11, 13), Boarding.NONE, "1"),
    "211": TypeSpec(PRIMARY, ("2",), (1, 5), (36, 45), (15, 18), Boarding.NONE, "2"),
    "218": TypeSpec(PRIMARY[:3], ("2",), (1, 1), (8, 24), (9, 12), Boarding.NONE, "2"),
    "311": TypeSpec(JUNIOR, ("3",), (3, 8), (40, 50), (13, 16), Boarding.PARTIAL, "3"),
    "312": TypeSpec(PRIMARY + JUNIOR, ("2", "3"), (1, 3), (36, 45), (14, 17), Boarding.PARTIAL, "3"),
    "341": TypeSpec(JUNIOR + SENIOR, ("3", "4"), (6, 12), (45, 52), (12, 15), Boarding.FULL, "4"),
    "342": TypeSpec(SENIOR, ("4",), (6, 12), (45, 52), (12, 15), Boarding.FULL, "4"),
    "365": TypeSpec(("41", "42", "43"), ("5",), (6, 12), (40, 50), (15, 19), Boarding.PARTIAL, "5"),
    "514": TypeSpec(PRIMARY + JUNIOR, ("6",), (1, 1), (8, 14), (3, 4), Boarding.FULL, "6"),
}
GRADE_AGE = {
    "01": 3, "02": 4, "03": 5, "11": 6, "12": 7, "13": 8, "14": 9, "15": 10, "16": 11,
    "21": 12, "22": 13, "23": 14, "31": 15, "32": 16, "33": 17, "41": 15, "42": 16, "43": 17,
}  # fmt: skip
SOUTH = {"652900", "653000", "653100", "653200"}  # 南疆四地州: more pupils with financial aid
URBAN_PREFECTURES = {"650100", "650200"}
PREFECTURE_INFO = {  # postal code, telephone area code
    "650100": ("830000", "0991"), "650200": ("834000", "0990"), "650400": ("838000", "0995"),
    "650500": ("839000", "0902"), "652300": ("831100", "0994"), "652700": ("833400", "0909"),
    "652800": ("841000", "0996"), "652900": ("843000", "0997"), "653000": ("845350", "0908"),
    "653100": ("844000", "0998"), "653200": ("848000", "0903"), "654000": ("835000", "0999"),
    "654200": ("834700", "0901"), "654300": ("836500", "0906"),
}  # fmt: skip
PRIMARY_SUBJECTS = (
    ("01", 30), ("02", 25), ("03", 8), ("18", 6), ("11", 8), ("10", 5), ("12", 5), ("14", 5), ("07", 4),
    ("13", 2), ("16", 1), ("17", 1),
)  # fmt: skip
SECONDARY_SUBJECTS = (
    ("01", 16), ("02", 16), ("03", 14), ("04", 8), ("05", 6), ("06", 6), ("07", 7), ("08", 6), ("09", 6),
    ("11", 6), ("10", 2), ("12", 2), ("13", 3), ("15", 1), ("16", 1),
)  # fmt: skip
SUBJECTS = {
    "111": (("20", 1),),
    "514": (("21", 1),),
    "365": (("22", 6), ("01", 1), ("02", 1), ("03", 1), ("11", 1)),
}
TITLES = (("10", 1), ("20", 15), ("30", 36), ("40", 29), ("50", 4), ("90", 15))
TEACHER_EDUCATION = (("14", 6), ("21", 62), ("31", 28), ("41", 4))
KINDERGARTEN_EDUCATION = (("21", 40), ("31", 50), ("41", 10))
OTHER_EDUCATION = (("21", 30), ("31", 35), ("61", 25), ("71", 10))
RURAL_JOBS = ("务农", "务农", "务农", "个体经营", "外出务工", "养殖", "村委会")
URBAN_JOBS = (
    "个体经营",
    "公司职员",
    "机关事业单位",
    "自由职业",
    "医院",
    "商场营业员",
    "建筑公司",
    "出租车司机",
)


@dataclass
class SchoolInfo:
    id: int
    name: str
    code: str
    school_type: str
    region: str  # region code of the unit (county, or prefecture for prefecture-run schools)
    prefecture: str
    place: str  # e.g. 喀什地区疏附县
    counties: tuple[str, ...]  # county codes pupils may come from
    rural: bool


@dataclass
class SchoolStats:
    students: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    teachers: int = 0
    boarders: int = 0
    aid: int = 0


def _pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return people.weighted_pick(rng, table)


def _money(value: float) -> Decimal:
    return Decimal(int(value)).quantize(Decimal("1.00"))


class RegistryGenerator:
    """Generate the registry rows of many schools into bulk writers (call ``close`` at the end)."""

    def __init__(
        self,
        *,
        seed: int = 2026,
        density: float = 1.0,
        today: dt.date | None = None,
        guardians: bool = True,
        staff: bool = True,
        premises: bool = True,
        finance: bool = True,
        status_changes: bool = True,
        batch: int = 20000,
        regions: dict[str, tuple[str, str, str]] | None = None,
    ) -> None:
        self.rng = people.FastRandom(seed)
        self.density = density
        self.today = today or timezone.localdate()
        self.year_start = school_year_start(self.today)
        self.options = {
            "guardians": guardians,
            "staff": staff,
            "premises": premises,
            "finance": finance,
            "status_changes": status_changes,
        }
        self.ids = people.IdAllocator()
        self.sealer = crypto.Sealer()
        self.phones = people.PhoneAllocator(self.rng)
        self.cert_seq = 0
        self.regions = regions or {}
        now = timezone.now()
        demo = Source.DEMO
        self.batch = batch
        w = {"now": now}
        self.profiles = Writer(
            SchoolProfile,
            ["organization_id", "address", "postal_code", "founding_year", "stages", "grades", "boarding",
             "area_served", "site_area", "phone", "created_source"],
            **w,
        )  # fmt: skip
        self.student_ids = IdBlock(Student)
        self.students = Writer(
            Student,
            ["id", "name", "id_type", "id_number", "id_hash", "id_masked", "sex", "ethnicity", "birth_date",
             "nationality", "student_number", "student_number_hash", "student_number_masked",
             "household_region", "address", "left_behind", "migrant", "disability", "aid_eligible",
             "created_source"],
            **w,
        )  # fmt: skip
        self.enrolment_ids = IdBlock(Enrolment)
        self.enrolments = Writer(
            Enrolment,
            ["id", "student_id", "school_id", "grade", "class_name", "entry_date", "study_mode", "status",
             "state", "started_on", "created_source"],
            **w,
        )  # fmt: skip
        self.changes = Writer(
            StatusChange, ["student_id", "enrolment_id", "kind", "effective_on", "to_status"], **w
        )
        self.guardian_ids = IdBlock(Guardian)
        self.guardians = Writer(
            Guardian,
            ["id", "name", "phone", "phone_hash", "phone_masked", "id_number", "id_hash", "address",
             "employer", "created_source"],
            **w,
        )  # fmt: skip
        self.links = Writer(GuardianLink, ["student_id", "guardian_id", "relation", "is_primary"], **w)
        self.staff = Writer(
            StaffMember,
            ["organization_id", "name", "id_type", "id_number", "id_hash", "id_masked", "sex", "ethnicity",
             "birth_date", "nationality", "staff_number", "post", "subject", "professional_title",
             "qualification_cert_number", "education_level", "employed_from", "phone", "weekly_lessons",
             "created_source"],
            **w,
        )  # fmt: skip
        self.building_ids = IdBlock(Building)
        self.buildings = Writer(
            Building,
            ["id", "organization_id", "code", "name", "building_type", "floor_area", "floors", "year_built",
             "structure", "safety_rating", "safety_assessed_on", "use", "created_source"],
            **w,
        )  # fmt: skip
        self.assets = Writer(
            Asset,
            ["organization_id", "asset_number", "name", "category", "quantity", "unit_value", "location",
             "building_id", "acquired_on", "status", "created_source"],
            **w,
        )  # fmt: skip
        self.finance = Writer(
            FinanceRecord,
            ["organization_id", "year", "direction", "category", "amount", "note", "created_source"],
            **w,
        )  # fmt: skip
        self.demo = demo
        self.families: dict[tuple[str, str], list[people.Family]] = {}
        self.stats: dict[int, SchoolStats] = {}
        # Where migrant pupils come from: the counties of 南疆 (most move north for work).
        self.migrant_origins: list[str] | None = None

    # --- sizes -------------------------------------------------------------
    def expected_students(self, school: SchoolInfo) -> float:
        spec = TYPES.get(school.school_type)
        if spec is None:
            return 0.0
        low, high = spec.classes
        per_grade = max(1.0, (low + high) / 2 * self.density * (1.25 if not school.rural else 1.0))
        return per_grade * len(spec.grades) * sum(spec.size) / 2

    def _classes_per_grade(self, spec: TypeSpec, school: SchoolInfo) -> int:
        low, high = spec.classes
        base = self.rng.uniform(low, high) * self.density * (1.25 if not school.rural else 1.0)
        whole = int(base)
        return max(1, whole + (1 if self.rng.random() < base - whole else 0))

    # --- one school ----------------------------------------------------------
    def school(self, school: SchoolInfo) -> SchoolStats:
        spec = TYPES.get(school.school_type)
        stats = SchoolStats()
        self.stats[school.id] = stats
        if spec is None:
            return stats
        self._profile(school, spec)
        per_grade = self._classes_per_grade(spec, school)
        for index, grade in enumerate(spec.grades):
            entry = dt.date(self.year_start.year - index, 9, 1)
            classes = per_grade
            for n in range(1, classes + 1):
                size = self.rng.randint(*spec.size)
                if school.school_type == "111":  # smaller classes for the youngest
                    size -= (2 - index) * 3
                class_name = f"{n}班"
                stats.classes[f"{grade}/{class_name}"] = size
                for _ in range(size):
                    self.student(school, spec, grade, class_name, entry)
                stats.students += size
        if self.options["staff"]:
            self._staff(school, spec, stats)
        if self.options["premises"]:
            self._premises(school, spec, stats)
        if self.options["finance"]:
            self._finance(school, spec, stats)
        self.flush()
        return stats

    def _profile(self, school: SchoolInfo, spec: TypeSpec) -> None:
        rng = self.rng
        postal, area = PREFECTURE_INFO.get(school.prefecture, ("830000", "0991"))
        founded = rng.randint(1952, 2018) if school.school_type != "111" else rng.randint(1985, 2022)
        if school.rural:
            served = f"{school.place}{rng.choice(people.VILLAGES)}、{rng.choice(people.VILLAGES)}"
        else:
            served = f"{school.place}{rng.choice(people.STREETS)}以东、{rng.choice(people.STREETS)}以北"
        boarding = spec.boarding
        if boarding == Boarding.PARTIAL and not school.rural:
            boarding = Boarding.NONE
        self.profiles.add(
            (
                school.id,
                f"{school.place}{rng.choice(people.STREETS)}{rng.randint(1, 400)}号",
                postal,
                founded,
                list(spec.stages),
                list(spec.grades),
                boarding,
                served,
                _money(rng.randint(3000, 60000)),
                f"{area}-{rng.randint(2000000, 8999999)}",
                self.demo,
            )
        )

    # --- students ------------------------------------------------------------
    def _family(self, school: SchoolInfo, ethnicity: str, county: str) -> people.Family:
        """A new household, or (about one pupil in eight) a sibling's at another school."""
        rng = self.rng
        pool = self.families.setdefault((county, ethnicity), [])
        if pool and self.options["guardians"] and rng.random() < 0.12:
            family = pool[rng.randrange(len(pool))]
            if school.id not in family.school_ids:
                return family
        place = self.regions.get(county, ("", "", ""))[2] or school.place
        address = people.home_address(rng, place, rural=school.rural)
        family = people.new_family(rng, ethnicity, address, county)
        if len(pool) < 400:
            pool.append(family)
        else:
            pool[rng.randrange(400)] = family
        return family

    def student(
        self,
        school: SchoolInfo,
        spec: TypeSpec,
        grade: str,
        class_name: str,
        entry: dt.date,
        *,
        birth: dt.date | None = None,
        guardians: bool = True,
        name: str | None = None,
        family: people.Family | None = None,
        with_id: bool = True,
    ) -> int:
        rng = self.rng
        sex = "1" if rng.random() < 0.515 else "2"
        ethnicity = people.weighted_pick(rng, people.ETHNIC_MIX.get(school.prefecture, ((people.HAN, 1),)))
        migrant = rng.random() < (0.08 if school.prefecture in URBAN_PREFECTURES else 0.02)
        if migrant and self.regions:
            county = rng.choice(self._other_counties(school))
        else:
            county = rng.choice(school.counties)
        left_behind = school.rural and not migrant and rng.random() < 0.04
        if birth is None:
            birth = people.birth_for_grade(rng, GRADE_AGE[grade], self.year_start)
            if rng.random() < 0.03:
                birth = birth.replace(year=birth.year - 1) if birth.month != 2 or birth.day != 29 else birth
        if family is None:
            family = self._family(school, ethnicity, county)
        else:
            ethnicity, county = family.ethnicity, family.county
        name = name or people.child_name(rng, family, sex)
        sid = self.student_ids.take()
        if with_id:
            number = self.ids.number(county, birth, sex)
            sealed_number, id_hash, masked = (
                self.sealer.encrypt(number, context="registry.student.id_number"),
                self.sealer.lookup_hash(number, kind="id"),
                mask_id_number(number),
            )
            student_number = "G" + number
            number_masked = "G" + masked
        else:  # no ID document: a temporary L number (STANDARDS §4.2)
            sealed_number, id_hash, masked = "", None, ""
            student_number = number_masked = f"L{county}{birth:%Y%m%d}{sid % 10000:04d}"
        disability = ""
        if school.school_type == "514":
            disability = rng.choice("1234567")
        elif rng.random() < 0.004:
            disability = rng.choice("1245")
        aid = rng.random() < (0.35 if school.prefecture in SOUTH else 0.12)
        self.students.add(
            (
                sid,
                name,
                "1",
                sealed_number,
                id_hash,
                masked,
                sex,
                ethnicity,
                birth,
                "CHN",
                self.sealer.encrypt(student_number, context=STUDENT_NUMBER_CONTEXT),
                self.sealer.lookup_hash(student_number, kind="student_number"),
                number_masked,
                county,
                self.sealer.encrypt(family.address, context="registry.student.address"),
                left_behind,
                migrant,
                disability,
                aid,
                self.demo,
            )
        )
        eid = self.enrolment_ids.take()
        boarding = spec.boarding != Boarding.NONE and (spec.boarding == Boarding.FULL or school.rural)
        mode = "2" if boarding and rng.random() < (0.85 if spec.boarding == Boarding.FULL else 0.4) else "1"
        self.enrolments.add(
            (
                eid,
                sid,
                school.id,
                grade,
                class_name,
                entry,
                mode,
                "01",
                EnrolmentState.ACTIVE,
                entry,
                self.demo,
            )
        )
        stats = self.stats[school.id]
        stats.boarders += mode == "2"
        stats.aid += aid
        if self.options["status_changes"]:
            self.changes.add((sid, eid, "01", entry, "01"))
        if guardians and self.options["guardians"]:
            self._guardians(sid, school, family, left_behind)
        return sid

    def _other_counties(self, school: SchoolInfo) -> list[str]:
        if self.migrant_origins is None:
            south = [c for c, (_n, pref, _p) in self.regions.items() if pref in SOUTH]
            self.migrant_origins = south or list(school.counties)
        return self.migrant_origins

    def _guardians(self, sid: int, school: SchoolInfo, family: people.Family, left_behind: bool) -> None:
        rng = self.rng
        if not family.guardian_ids:
            made = []
            if left_behind:
                made.append((self._guardian(family, "", "61", school), "61"))
            else:
                made.append((self._guardian(family, family.father, "51", school), "51"))
                if rng.random() < 0.45:
                    made.append((self._guardian(family, family.mother, "52", school, main=False), "52"))
            family.guardian_ids = tuple(g for g, _r in made)
            family.relations = tuple(r for _g, r in made)
        for n, (gid, relation) in enumerate(zip(family.guardian_ids, family.relations, strict=True)):
            self.links.add((sid, gid, relation, n == 0))
        family.school_ids = (*family.school_ids, school.id)

    def _guardian(
        self, family: people.Family, name: str, relation: str, school: SchoolInfo, *, main: bool = True
    ) -> int:
        rng = self.rng
        if relation == "61":  # a grandparent looks after a left-behind child
            name = people.adult_name(rng, family.ethnicity, "1")
        sex = "2" if relation in {"52", "62", "64"} else "1"
        birth = dt.date(self.today.year - rng.randint(28, 48) - (25 if relation == "61" else 0), 1, 1)
        birth += dt.timedelta(days=rng.randrange(365))
        # The main contact's ID number and address; the other guardian's name and phone.
        number = self.ids.number(family.county, birth, sex) if main else ""
        address = family.address if main else ""
        phone = self.phones.next()
        gid = self.guardian_ids.take()
        jobs = RURAL_JOBS if school.rural else URBAN_JOBS
        self.guardians.add(
            (
                gid,
                name,
                self.sealer.encrypt(phone, context="registry.guardian.phone"),
                self.sealer.lookup_hash(phone, kind="phone"),
                mask_phone(phone),
                self.sealer.encrypt(number, context="registry.guardian.id_number"),
                self.sealer.lookup_hash(number, kind="id") if number else None,
                self.sealer.encrypt(address, context="registry.guardian.address"),
                rng.choice(jobs),
                self.demo,
            )
        )
        return gid

    # --- staff ---------------------------------------------------------------
    def _staff(self, school: SchoolInfo, spec: TypeSpec, stats: SchoolStats) -> None:
        rng = self.rng
        ratio = rng.uniform(*spec.pupils_per_teacher)
        teachers = max(1, round(stats.students / ratio))
        stats.teachers = teachers
        others = [
            ("2", max(1, teachers // 12)),
            ("3", teachers // 20),
            ("4", teachers // 15 + 2 * (stats.boarders > 0)),
        ]
        subjects = SUBJECTS.get(school.school_type) or (
            PRIMARY_SUBJECTS if spec.grades[0].startswith("1") else SECONDARY_SUBJECTS
        )
        female_share = 0.85 if school.school_type in {"111", "211", "218"} else 0.62
        mix = people.ETHNIC_MIX.get(school.prefecture, ((people.HAN, 1),))
        n = 0
        for post, count in (("1", teachers), *others):
            for _ in range(count):
                n += 1
                sex = "2" if rng.random() < female_share else "1"
                ethnicity = people.HAN if rng.random() < 0.4 else people.weighted_pick(rng, mix)
                age = rng.randint(23, 58)
                birth = dt.date(self.today.year - age, 1, 1) + dt.timedelta(days=rng.randrange(365))
                county = rng.choice(school.counties)
                number = self.ids.number(county, birth, sex)
                employed = dt.date(birth.year + rng.randint(21, 24), 9, 1)
                if employed > self.today:
                    employed = dt.date(self.year_start.year, 9, 1)
                if post == "1":
                    subject = _pick(rng, subjects)
                    title = _pick(rng, TITLES) if age > 27 else "90"
                    education = _pick(
                        rng, KINDERGARTEN_EDUCATION if school.school_type == "111" else TEACHER_EDUCATION
                    )
                    self.cert_seq += 1
                    cert = f"{employed.year - 1}65{county[2:6]}{spec.cert_level}{self.cert_seq:06d}"
                    lessons = rng.randint(10, 18)
                else:
                    subject, title, cert, lessons = "", "", "", None
                    education = _pick(rng, OTHER_EDUCATION)
                self.staff.add(
                    (
                        school.id,
                        people.adult_name(rng, ethnicity, sex),
                        "1",
                        self.sealer.encrypt(number, context="registry.staffmember.id_number"),
                        self.sealer.lookup_hash(number, kind="id"),
                        mask_id_number(number),
                        sex,
                        ethnicity,
                        birth,
                        "CHN",
                        f"{school.code[-6:]}{n:04d}",
                        post,
                        subject,
                        title,
                        cert,
                        education,
                        employed,
                        "",
                        lessons,
                        self.demo,
                    )
                )

    # --- buildings and assets ------------------------------------------------
    def _premises(self, school: SchoolInfo, spec: TypeSpec, stats: SchoolStats) -> None:
        rng = self.rng
        classes = max(1, len(stats.classes))
        plan: list[tuple[str, str, float]] = []  # type, name, floor area
        per_block = 24 if classes > 24 else classes
        for n in range(math.ceil(classes / per_block)):
            plan.append(("11", f"{n + 1}号教学楼", per_block * rng.uniform(95, 125)))
        if spec.grades[0] >= "2":
            plan.append(("12", "实验楼", rng.uniform(600, 2400)))
        if stats.students >= 200:
            plan.append(("13", "图书馆", rng.uniform(150, 900)))
            plan.append(("20", "综合楼", rng.uniform(400, 1600)))
        if spec.grades[0] >= "3" and stats.students > 1000:
            plan.append(("16", "体育馆", rng.uniform(1200, 3000)))
        if stats.boarders:
            plan.append(("31", "学生宿舍楼", stats.boarders * rng.uniform(5.5, 8.0)))
        if stats.boarders or stats.students > 300:
            plan.append(("32", "学生食堂", max(150.0, stats.students * rng.uniform(0.9, 1.4))))
        plan.append(("33", "厕所", rng.uniform(40, 220)))
        if school.rural or rng.random() < 0.3:
            plan.append(("34", "锅炉房", rng.uniform(60, 220)))
        if school.rural and rng.random() < 0.4:
            plan.append(("35", "教师周转宿舍", rng.uniform(300, 1200)))
        ids: dict[str, int] = {}
        for n, (kind, name, area) in enumerate(plan, start=1):
            year = int(min(2024, max(1978, rng.triangular(1980, 2024, 2014))))
            structure = "2" if year >= 2005 or rng.random() < 0.4 else ("3" if rng.random() < 0.85 else "4")
            rating = "A" if year >= 2008 else ("B" if rng.random() < 0.8 else "A")
            if year < 1998 and rng.random() < 0.08:
                rating = "C" if rng.random() < 0.75 else "D"
            bid = self.building_ids.take()
            ids.setdefault(kind, bid)
            floors = 1 if kind in {"33", "34"} else rng.randint(2, 5)
            self.buildings.add(
                (
                    bid,
                    school.id,
                    f"JZ{n:02d}",
                    name,
                    kind,
                    _money(area),
                    floors,
                    year,
                    structure,
                    rating,
                    self.today - dt.timedelta(days=rng.randint(30, 700)),
                    "停用" if rating == "D" else "",
                    self.demo,
                )
            )
        for n, (name, category, quantity, low, high, kind) in enumerate(
            self._asset_plan(school, stats), start=1
        ):
            if quantity <= 0:
                continue
            acquired = dt.date(rng.randint(2012, self.today.year - 1), rng.randint(1, 12), rng.randint(1, 28))
            status = "1" if acquired.year >= 2016 or rng.random() < 0.7 else rng.choice("24")
            self.assets.add(
                (
                    school.id,
                    f"ZC{acquired.year}{n:04d}",
                    name,
                    category,
                    quantity,
                    _money(rng.uniform(low, high)),
                    {"11": "教学楼", "12": "实验楼", "13": "图书馆", "32": "食堂", "34": "锅炉房"}.get(
                        kind, "校园"
                    ),
                    ids.get(kind),
                    acquired,
                    status,
                    self.demo,
                )
            )

    def _asset_plan(self, school: SchoolInfo, stats: SchoolStats) -> list[tuple]:
        classes = len(stats.classes)
        pupils = stats.students
        plan = [
            ("交互式多媒体教学一体机", "2", classes, 9000, 16000, "11"),
            ("学生课桌椅", "6", pupils, 280, 460, "11"),
            ("教师用笔记本电脑", "2", max(1, stats.teachers // 3), 4500, 6800, "20"),
            ("校园安防监控系统", "2", 1, 60000, 180000, ""),
            ("体育器材", "3", max(5, classes), 600, 2800, ""),
        ]
        if school.school_type == "111":
            plan.append(("幼儿玩教具", "3", classes * 10, 150, 900, "11"))
        else:
            plan.append(("图书", "5", pupils * 25, 22, 38, "13"))
            plan.append(("学生计算机", "2", min(60, max(20, pupils // 20)), 3800, 5600, "12"))
        if school.school_type in {"311", "312", "341", "342", "365"}:
            plan.append(("理化生实验仪器", "3", max(10, classes * 2), 1500, 7800, "12"))
        if stats.boarders or pupils > 300:
            plan.append(("厨房设备", "3", 1, 80000, 260000, "32"))
        return plan

    # --- finance -------------------------------------------------------------
    def _finance(self, school: SchoolInfo, spec: TypeSpec, stats: SchoolStats) -> None:
        rng = self.rng
        staff = stats.teachers * 1.2 + 1
        norm = {"111": 900, "211": 1050, "218": 1050, "312": 1200, "311": 1350, "514": 6000}.get(
            school.school_type, 1600
        )
        for year in (2024, 2025, 2026):
            growth = 1.04 ** (year - 2024)
            public = staff * rng.uniform(95000, 120000) * growth
            running = stats.students * norm * growth
            aid = stats.aid * rng.uniform(1000, 2000)
            budget = public + running + aid
            income = [("11", budget * rng.uniform(0.97, 1.03))]
            if school.school_type == "111" and school.prefecture not in SOUTH:
                income.append(("40", stats.students * rng.uniform(1200, 2400)))
            if rng.random() < 0.15:
                income.append(("30", rng.uniform(5000, 80000)))
            expenditure = [
                ("11", public * rng.uniform(0.96, 1.0)),
                ("12", running * rng.uniform(0.9, 1.0)),
                ("14", rng.uniform(20000, 300000)),
                ("15", aid),
                ("16", rng.uniform(0, 400000) if rng.random() < 0.4 else 0),
            ]
            note = "预算数" if year == self.today.year else ""
            for direction, items in (
                (FinanceDirection.INCOME, income),
                (FinanceDirection.EXPENDITURE, expenditure),
            ):
                for category, amount in items:
                    if amount > 0:
                        self.finance.add(
                            (school.id, year, direction, category, _money(amount), note, self.demo)
                        )

    # --- end -----------------------------------------------------------------
    def writers(self) -> list[Writer]:
        return [
            self.profiles,
            self.students,
            self.enrolments,
            self.changes,
            self.guardians,
            self.links,
            self.staff,
            self.buildings,
            self.assets,
            self.finance,
        ]

    def flush(self, *, force: bool = False) -> int:
        return flush_all(self.writers(), at_least=0 if force else self.batch)

    def close(self) -> dict[str, int]:
        self.flush(force=True)
        return {w.model._meta.model_name: w.count for w in self.writers()}
