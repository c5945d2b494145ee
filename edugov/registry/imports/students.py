"""Importing students: identity, enrolment at a school, guardians (学籍批量导入).

The checking pass validates each row in a tight loop (cached code lookups, check digits
without a query per row), then per chunk looks up who already exists: one query for
the people, one for their active enrolments, one for their guardians. The writing pass
inserts people, enrolments, status changes and guardians with COPY (PostgreSQL) or
executemany (SQLite), with primary keys reserved up front so no row needs a round trip.
"""

from __future__ import annotations

import datetime as dt
import operator
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edugov.core import crypto
from edugov.core.validators import (
    ID_CHECK_MAP,
    ID_MIN_YEAR,
    ID_WEIGHTS,
    parse_id_number,
    validate_student_number,
)
from edugov.platform.privacy import mask_id_number, mask_middle, mask_phone
from edugov.registry import rules
from edugov.registry.actions.students import ENROL_KIND, flag_duplicate_suspects
from edugov.registry.choices import EnrolmentState, Source
from edugov.registry.identity import (
    RESIDENT_ID_CARD,
    STUDENT_NUMBER_CONTEXT,
    mask_student_number,
    normalise_student_number,
)
from edugov.registry.imports import cells
from edugov.registry.imports.cells import CellError
from edugov.registry.imports.columns import STUDENTS
from edugov.registry.imports.engine import Checked, ImportContext, Row, Table, db_datetime
from edugov.registry.lineage import diff, record_change
from edugov.registry.models import Enrolment, Guardian, GuardianLink, StatusChange, Student

# Fields compared with an existing record; a re-import with equal values changes nothing.
STUDENT_COMPARED = (
    "name",
    "id_type",
    "sex",
    "ethnicity",
    "birth_date",
    "nationality",
    "household_region",
    "address",
    "left_behind",
    "migrant",
    "disability",
    "aid_eligible",
)
ENROLMENT_COMPARED = ("grade", "class_name", "entry_date", "study_mode")
# The columns of a new enrolment row, in the order ``_stage_enrolments`` gives their values.
ENROLMENT_ROW = (
    "id",
    "student_id",
    "school_id",
    "grade",
    "class_name",
    "entry_date",
    "study_mode",
    "started_on",
)
# The columns of a new student row, in the order ``_op`` gives their values.
STUDENT_ROW = (
    "name",
    "id_type",
    "id_number",
    "id_hash",
    "id_masked",
    "sex",
    "ethnicity",
    "birth_date",
    "nationality",
    "student_number",
    "student_number_hash",
    "student_number_masked",
    "household_region",
    "address",
    "left_behind",
    "migrant",
    "disability",
    "aid_eligible",
)
MAX_NAME = 50
MAX_ADDRESS = 200
MAX_CLASS = 20
ENTRY_AHEAD_DAYS = 366

_CHECK_CHARS = frozenset("0123456789X")
_ID_CTX = "registry.student.id_number"
_ADDRESS_CTX = "registry.student.address"
_PHONE_CTX = "registry.guardian.phone"


def _any_region(code: str) -> bool:
    # Unknown address codes only ever produce warnings; skip the query per row.
    return True


class StudentImporter:
    spec = STUDENTS

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.id_types = ctx.lookup("id_document_type")
        self.sexes = ctx.lookup("sex")
        self.ethnicities = ctx.lookup("ethnicity")
        self.nationalities = ctx.lookup("nationality")
        self.disabilities = ctx.lookup("disability")
        self.grades = ctx.lookup("grade")
        self.study_modes = ctx.lookup("study_mode")
        self.relations = ctx.lookup("family_relation")
        self.seen_ids: dict[str, int] = {}
        self.seen_people: dict[tuple[int, str, dt.date], int] = {}
        self.seen_numbers: dict[str, int] = {}
        self.latest_entry = ctx.today + dt.timedelta(days=ENTRY_AHEAD_DAYS)
        self.students = self.enrolments = self.changes = self.guardians = self.links = None
        self.sealer = crypto.Sealer()

    # --- checking ---------------------------------------------------------------------------

    def check(self, rows: list[tuple[int, list[Any]]]) -> Checked:
        parsed = [self.parse(number, cells_) for number, cells_ in rows]
        self._in_file_duplicates(parsed)
        result = Checked()
        valid = [row for row in parsed if not row.problems]
        self._decide(valid, result)
        result.rejects = [row for row in parsed if row.problems]
        return result

    def parse(self, number: int, row_cells: list[Any]) -> Row:
        raw = self.ctx.raw(row_cells)
        row = Row(number, row_cells, {})
        v = row.values
        get = raw.get

        def code(key: str, lookup: Any, default: str = "", required: bool = False) -> str:
            try:
                value = lookup(get(key))
            except CellError as error:
                row.problem(key, error.message)
                return ""
            if not value:
                if required:
                    row.problem(key, _("Required."))
                return default
            return value

        name = cells.text(get("name"))
        if not name:
            row.problem("name", _("Required."))
        elif len(name) > MAX_NAME:
            row.problem("name", _("At most %(max)s characters.") % {"max": MAX_NAME})
        v["name"] = name
        id_type = v["id_type"] = code("id_type", self.id_types, RESIDENT_ID_CARD)
        v["id_hash"] = v["id_masked"] = None
        v["id_number"] = ""
        id_birth = id_sex = None
        try:
            number_text = cells.document_number(get("id_number"))
            if id_type == RESIDENT_ID_CARD:
                if not number_text:
                    row.problem(
                        "id_number",
                        _(
                            "Required for a resident ID card. For a person without one, choose another "
                            "document type (for example Z 其他)."
                        ),
                    )
                else:
                    normalized, id_birth, id_sex = self._resident_id(number_text)
                    v["id_number"] = normalized
                    v["id_hash"] = self.sealer.lookup_hash(normalized, kind="id")
                    v["id_masked"] = mask_id_number(normalized)
            elif number_text and id_type:
                if len(number_text) > 30:
                    row.problem("id_number", _("At most %(max)s characters.") % {"max": 30})
                else:
                    v["id_number"] = number_text
                    v["id_hash"] = self.sealer.lookup_hash(f"{id_type}:{number_text}", kind="id")
                    v["id_masked"] = mask_middle(number_text, keep_start=2, keep_end=2)
        except CellError as error:
            row.problem("id_number", error.message)
        except ValidationError as error:
            row.problem("id_number", error.messages[0])

        sex = v["sex"] = code("sex", self.sexes, required=True)
        if sex and id_sex and sex in {"1", "2"} and sex != id_sex:
            row.problem(
                "sex", _("Does not match the ID number (%(sex)s).") % {"sex": "男" if id_sex == "1" else "女"}
            )
        try:
            birth = cells.date(get("birth_date"))
        except CellError as error:
            row.problem("birth_date", error.message)
            birth = id_birth
        else:
            if birth is None:
                birth = id_birth
                if birth is None:
                    row.problem("birth_date", _("Required (or give a resident ID number)."))
            elif id_birth is not None and birth != id_birth:
                row.problem(
                    "birth_date",
                    _("Does not match the ID number (%(date)s).") % {"date": id_birth.isoformat()},
                )
            elif birth > self.ctx.today:
                row.problem("birth_date", _("Cannot be in the future."))
        v["birth_date"] = birth
        v["ethnicity"] = code("ethnicity", self.ethnicities)
        v["nationality"] = code("nationality", self.nationalities, "CHN")
        region = cells.text(get("household_region"))
        if region and (len(region) != 6 or not region.isdigit()):
            row.problem("household_region", _("Must be a six-digit region code, like 650102."))
        v["household_region"] = region
        address = cells.text(get("address"))
        if len(address) > MAX_ADDRESS:
            row.problem("address", _("At most %(max)s characters.") % {"max": MAX_ADDRESS})
        v["address"] = address
        for key in ("left_behind", "migrant", "aid_eligible"):
            try:
                v[key] = cells.boolean(get(key))
            except CellError as error:
                row.problem(key, error.message)
        v["disability"] = code("disability", self.disabilities)
        self._student_number(row, cells.text(get("student_number")).upper())

        school = self.ctx.unit_for(cells.text(get("school_code")))
        if isinstance(school, str):
            row.problem("school_code", school)
            school = None
        v["school"] = school
        grade = v["grade"] = code("grade", self.grades, required=True)
        if grade and school is not None and school.grades and grade not in school.grades:
            row.problem("grade", _("%(school)s does not offer this grade.") % {"school": school.name})
        elif grade and birth is not None:
            problem = rules.age_grade_problem(birth, grade, on=self.ctx.today)
            if problem:
                row.problem("grade", problem)
        class_name = cells.text(get("class_name"))
        if len(class_name) > MAX_CLASS:
            row.problem("class_name", _("At most %(max)s characters.") % {"max": MAX_CLASS})
        v["class_name"] = class_name
        try:
            entry = cells.date(get("entry_date"))
        except CellError as error:
            row.problem("entry_date", error.message)
            entry = None
        else:
            if entry is None:
                row.problem("entry_date", _("Required."))
            elif entry > self.latest_entry:
                row.problem("entry_date", _("Lies more than a year ahead."))
            elif birth is not None and entry <= birth:
                row.problem("entry_date", _("Lies before the date of birth."))
        v["entry_date"] = entry
        v["study_mode"] = code("study_mode", self.study_modes, "1")
        self._guardian(row, get)
        return row

    def _resident_id(self, number: str) -> tuple[str, dt.date, str]:
        """(normalised number, birth date, sex code) of a resident ID number (GB 11643).

        The common case — 18 ASCII characters with a correct check character and a real
        birth date — is decided here in a few microseconds; anything else goes through
        ``parse_id_number``, which upgrades 15-digit numbers and words the problem.
        """
        if len(number) == 18 and number.isascii() and number[:17].isdigit() and number[17] in _CHECK_CHARS:
            if ID_CHECK_MAP[sum(map(operator.mul, map(int, number[:17]), ID_WEIGHTS)) % 11] == number[17]:
                try:
                    born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                except ValueError:
                    born = None
                if born is not None and ID_MIN_YEAR <= born.year and born <= self.ctx.today:
                    return number, born, "1" if int(number[16]) % 2 else "2"
        parsed = parse_id_number(number, today=self.ctx.today, region_exists=_any_region)
        return parsed.normalized, parsed.birth_date, parsed.sex_code

    def _student_number(self, row: Row, supplied: str) -> None:
        v = row.values
        v["student_number"] = None
        if v["id_type"] == RESIDENT_ID_CARD and v["id_number"]:
            expected = "G" + v["id_number"]
            if supplied and supplied != expected:
                row.problem(
                    "student_number",
                    _("For a resident ID card holder the student number is G + the ID number (%(number)s).")
                    % {"number": expected},
                )
            v["student_number"] = expected
        elif supplied:
            try:
                v["student_number"] = validate_student_number(supplied, today=self.ctx.today)
            except ValidationError as error:
                row.problem("student_number", error.messages[0])

    def _guardian(self, row: Row, get: Any) -> None:
        name = cells.text(get("guardian_name"))
        try:
            relation = self.relations(get("guardian_relation"))
        except CellError as error:
            row.problem("guardian_relation", error.message)
            relation = "?"
        try:
            phone = cells.phone(get("guardian_phone"))
        except CellError as error:
            row.problem("guardian_phone", error.message)
            phone = ""
        if not (name or relation or phone):
            row.values["guardian"] = None
            return
        if not name:
            row.problem("guardian_name", _("Required when a guardian's relation or phone is given."))
        elif len(name) > MAX_NAME:
            row.problem("guardian_name", _("At most %(max)s characters.") % {"max": MAX_NAME})
        if not relation:
            row.problem("guardian_relation", _("Required when a guardian is given."))
        row.values["guardian"] = (name, relation, phone)

    def _in_file_duplicates(self, rows: list[Row]) -> None:
        for row in rows:
            v = row.values
            if v["id_hash"]:
                key = v["id_hash"][:20]
                first = self.seen_ids.setdefault(key, row.number)
                if first != row.number:
                    row.problem(
                        "id_number", _("The same ID number is already on row %(row)s.") % {"row": first}
                    )
                    continue
            elif (
                v["school"] is not None
                and v["birth_date"] is not None
                and v["name"]
                and not v["student_number"]
            ):
                person = (v["school"].id, v["name"], v["birth_date"])
                first = self.seen_people.setdefault(person, row.number)
                if first != row.number:
                    row.problem(
                        "name",
                        _(
                            "Row %(row)s has a student of the same name and date of birth, and neither "
                            "has an ID number or student number to tell them apart."
                        )
                        % {"row": first},
                    )
            number = v["student_number"]
            if number and not v["id_hash"]:
                first = self.seen_numbers.setdefault(number, row.number)
                if first != row.number:
                    row.problem(
                        "student_number",
                        _("The same student number is already on row %(row)s.") % {"row": first},
                    )

    # --- deciding what to write ---------------------------------------------------------------

    def _decide(self, rows: list[Row], result: Checked) -> None:
        existing = self._existing(rows)
        active = self._active_enrolments([s["id"] for s in existing.values()])
        linked = self._linked_guardians([s["id"] for s in existing.values()])
        new_without_number: list[Row] = []
        for row in rows:
            v = row.values
            student = existing.get(row.number)
            if student is None:
                if v["student_number"] is None:
                    new_without_number.append(row)
                result.ops.append(("new", row))
                continue
            if student["merged_into_id"]:
                row.problem(
                    "id_number",
                    _("This person's record was merged into another record; ask the registrar to check it."),
                )
                continue
            enrolment = active.get(student["id"])
            if enrolment is not None and enrolment["school_id"] != v["school"].id:
                row.problem(
                    "id_number",
                    _(
                        "Already enrolled at %(school)s (student number %(number)s). A person can hold only "
                        "one enrolment: apply for a transfer instead."
                    )
                    % {
                        "school": enrolment["school__name"],
                        "number": student["student_number_masked"] or "—",
                    },
                )
                continue
            self._decide_existing(row, student, enrolment, linked.get(student["id"], set()), result)
        self._allocate_temporary_numbers(new_without_number)
        # Rows refused by the database checks join the rejects; their ops are dropped.
        result.ops = [self._op(kind, row, *rest) for kind, row, *rest in result.ops if not row.problems]

    def _decide_existing(
        self, row: Row, student: dict, enrolment: dict | None, linked: set, result: Checked
    ) -> None:
        v = row.values
        student_changes = {f: v[f] for f in STUDENT_COMPARED if student[f] != v[f]}
        enrolment_changes = (
            {f: v[f] for f in ENROLMENT_COMPARED if enrolment[f] != v[f]} if enrolment is not None else {}
        )
        guardian = v["guardian"]
        new_link = guardian is not None and (guardian[0], self._phone_hash(guardian[2])) not in linked
        if enrolment is not None and not student_changes and not enrolment_changes and not new_link:
            result.unchanged += 1
            return
        school = v["school"]
        for model_label, changed in (
            ("registry.student", student_changes),
            ("registry.enrolment", enrolment_changes),
        ):
            refusal = changed and self.ctx.refused_fields(model_label, changed, school)
            if refusal:
                key = next(iter(changed))
                row.problem(key, refusal)
                return
        if enrolment is None:
            result.ops.append(("reenrol", row, student, student_changes, new_link))
        else:
            result.ops.append(
                ("update", row, student, student_changes, enrolment, enrolment_changes, new_link)
            )

    def _existing(self, rows: list[Row]) -> dict[int, dict[str, Any]]:
        """Existing people by row number: by ID hash, else by student number, else by name at the school."""
        fields = ("id", "id_hash", "student_number_hash", "student_number_masked", "merged_into_id")
        fields += STUDENT_COMPARED
        by_hash = {r.values["id_hash"]: r.number for r in rows if r.values["id_hash"]}
        by_number = {
            self._number_hash(r.values["student_number"]): r.number
            for r in rows
            if not r.values["id_hash"] and r.values["student_number"]
        }
        by_person = {
            (r.values["school"].id, r.values["name"], r.values["birth_date"]): r.number
            for r in rows
            if not r.values["id_hash"] and not r.values["student_number"]
        }
        found: dict[int, dict[str, Any]] = {}
        if by_hash:
            for student in Student.objects.filter(id_hash__any=list(by_hash)).values(*fields):
                found[by_hash[student["id_hash"]]] = student
        if by_number:
            for student in Student.objects.filter(student_number_hash__any=list(by_number)).values(*fields):
                row_number = by_number[student["student_number_hash"]]
                if student["id_hash"]:
                    # The number belongs to someone with an ID number: not this person.
                    self._problem(
                        rows,
                        row_number,
                        "student_number",
                        _("This student number belongs to another student."),
                    )
                else:
                    found[row_number] = student
        if by_person:
            names = {name for _school, name, _birth in by_person}
            schools = {school for school, _name, _birth in by_person}
            hits = Enrolment.objects.filter(
                state=EnrolmentState.ACTIVE,
                school_id__in=schools,
                student__name__in=names,
                student__id_hash__isnull=True,
            ).values("school_id", *(f"student__{f}" for f in fields))
            for hit in hits:
                student = {f: hit[f"student__{f}"] for f in fields}
                row_number = by_person.get((hit["school_id"], student["name"], student["birth_date"]))
                if row_number is not None:
                    found[row_number] = student
        return found

    @staticmethod
    def _problem(rows: list[Row], number: int, key: str, message: str) -> None:
        for row in rows:
            if row.number == number:
                row.problem(key, message)

    @staticmethod
    def _active_enrolments(student_ids: list[int]) -> dict[int, dict[str, Any]]:
        if not student_ids:
            return {}
        rows = Enrolment.objects.filter(student_id__in=student_ids, state=EnrolmentState.ACTIVE).values(
            "id", "student_id", "school_id", "school__name", *ENROLMENT_COMPARED
        )
        return {e["student_id"]: e for e in rows}

    @staticmethod
    def _linked_guardians(student_ids: list[int]) -> dict[int, set[tuple[str, str]]]:
        linked: dict[int, set[tuple[str, str]]] = {}
        if student_ids:
            for student_id, name, phone_hash in GuardianLink.objects.filter(
                student_id__in=student_ids
            ).values_list("student_id", "guardian__name", "guardian__phone_hash"):
                linked.setdefault(student_id, set()).add((name, phone_hash))
        return linked

    def _allocate_temporary_numbers(self, rows: list[Row]) -> None:
        """Temporary L numbers (region + birth date + 4 digits) for people with neither ID nor number."""
        pending = [r for r in rows if not r.problems]
        for _attempt in range(5):
            if not pending:
                return
            candidates = {}
            for row in pending:
                v = row.values
                region = (v["school"].region_code or "000000")[:6]
                number = f"L{region}{v['birth_date']:%Y%m%d}{secrets.randbelow(10000):04d}"
                if number not in self.seen_numbers and number not in candidates:
                    candidates[number] = row
            hashes = {number: self._number_hash(number) for number in candidates}
            taken = set(
                Student.objects.filter(student_number_hash__any=list(hashes.values())).values_list(
                    "student_number_hash", flat=True
                )
            )
            for number, row in candidates.items():
                if hashes[number] not in taken:
                    row.values["student_number"] = number
                    self.seen_numbers[number] = row.number
            pending = [r for r in pending if r.values["student_number"] is None]
        for row in pending:
            row.problem(
                "student_number", _("Could not allocate a temporary student number; import the file again.")
            )

    def _number_hash(self, number: str | None) -> str | None:
        normalised = normalise_student_number(number)
        return self.sealer.lookup_hash(normalised, kind="student_number") if normalised else None

    def _phone_hash(self, phone: str) -> str:
        return self.sealer.lookup_hash(phone, kind="phone") if phone else ""

    def _guardian_values(self, guardian: tuple[str, str, str] | None) -> dict[str, Any] | None:
        if guardian is None:
            return None
        name, relation, phone = guardian
        return {
            "name": name,
            "relation": relation,
            "phone": self.sealer.encrypt(phone, context=_PHONE_CTX),
            "phone_hash": self._phone_hash(phone),
            "phone_masked": mask_phone(phone) if phone else "",
        }

    def _op(self, kind: str, row: Row, *rest: Any) -> dict[str, Any]:
        """What the writing pass needs, in database form (personal data already encrypted)."""
        v = row.values
        op: dict[str, Any] = {
            "op": kind,
            "row": row.number,
            "school_id": v["school"].id,
            "grade": v["grade"],
            "class_name": v["class_name"],
            "entry_date": v["entry_date"].isoformat(),
            "study_mode": v["study_mode"],
            "guardian": self._guardian_values(v["guardian"]),
        }
        if kind == "new":
            number = v["student_number"]
            seal = self.sealer.encrypt
            # The student row's values in STUDENT_ROW order (a tuple: cheap to spill and to stage).
            op["student"] = (
                v["name"],
                v["id_type"],
                seal(v["id_number"], context=_ID_CTX),
                v["id_hash"],
                v["id_masked"] or "",
                v["sex"],
                v["ethnicity"],
                v["birth_date"].isoformat(),
                v["nationality"],
                seal(number or "", context=STUDENT_NUMBER_CONTEXT),
                self._number_hash(number),
                mask_student_number(number),
                v["household_region"],
                seal(v["address"], context=_ADDRESS_CTX),
                v["left_behind"],
                v["migrant"],
                v["disability"],
                v["aid_eligible"],
            )
            op["has_id"] = bool(v["id_hash"])
            return op
        student, student_changes = rest[0], rest[1]
        op["student_id"] = student["id"]
        op["student_values"] = student_changes
        op["student_old"] = {f: student[f] for f in student_changes}
        if kind == "update":
            enrolment, enrolment_changes = rest[2], rest[3]
            op["enrolment_id"] = enrolment["id"]
            op["enrolment_values"] = enrolment_changes
            op["enrolment_old"] = {f: enrolment[f] for f in enrolment_changes}
        op["link_guardian"] = rest[-1]
        return op

    # --- writing ------------------------------------------------------------------------------

    def stage(self, ops: list[dict[str, Any]]) -> dict[str, Any]:
        """Turn one chunk of decided rows into table rows, primary keys reserved.

        On PostgreSQL this runs on the checking side (sequences hand out keys outside any
        transaction), so the writer thread only streams rows into COPY while the next
        chunk is being checked; elsewhere it runs inside the job's transaction, just
        before ``write``.
        """
        if self.students is None:
            self.students, self.enrolments = Table(Student), Table(Enrolment)
            self.changes, self.guardians = Table(StatusChange, with_id=False), Table(Guardian)
            self.links = Table(GuardianLink, with_id=False)
            self.job_guardians: dict[tuple[str, str], int] = {}
        ctx = self.ctx
        stamp = db_datetime(ctx.now)
        lineage = {
            "created_at": stamp,
            "updated_at": stamp,
            "created_by_id": ctx.actor_id,
            "created_source": Source.IMPORT,
            "created_ref": ctx.source_ref,
        }
        news = [op for op in ops if op["op"] == "new"]
        for op, pk in zip(news, self.students.allocate_ids(len(news)), strict=True):
            op["student_id"] = pk
        make = self.students.maker((*STUDENT_ROW, "id"), lineage)
        staged: dict[str, Any] = {
            "students": [make((*op["student"], op["student_id"])) for op in news],
            "updates": [op for op in ops if op["op"] != "new"],
            "suspects": [op for op in news if not op["has_id"]],
        }
        enrolling = [op for op in ops if op["op"] in {"new", "reenrol"}]
        staged["enrolments"], staged["changes"] = self._stage_enrolments(enrolling, lineage, stamp)
        staged["guardians"], staged["links"] = self._stage_guardians(ops, lineage)
        return staged

    def write(self, staged: dict[str, Any]) -> tuple[int, int]:
        """Write one staged chunk (inside the job's transaction); returns (created, updated)."""
        self.students.insert(staged["students"])
        self.enrolments.insert(staged["enrolments"])
        self.changes.insert(staged["changes"])
        self.guardians.insert(staged["guardians"])
        self.links.insert(staged["links"])
        for op in staged["updates"]:
            self._write_changes(op)
        self._flag_suspects(staged["suspects"])
        return len(staged["students"]), len(staged["updates"])

    def _stage_enrolments(
        self, ops: list[dict[str, Any]], lineage: dict[str, Any], stamp: Any
    ) -> tuple[list[tuple], list[tuple]]:
        ids = self.enrolments.allocate_ids(len(ops))
        enrolment_rows, change_rows = [], []
        enrolment = self.enrolments.maker(
            ENROLMENT_ROW,
            lineage,
            {"status": "01", "state": EnrolmentState.ACTIVE.value},
        )
        change = self.changes.maker(
            ("student_id", "enrolment_id", "effective_on"),
            {"kind": ENROL_KIND, "to_status": "01", "created_at": stamp, "created_by_id": self.ctx.actor_id},
        )
        for op, pk in zip(ops, ids, strict=True):
            entry = op["entry_date"]
            enrolment_rows.append(
                enrolment(
                    (
                        pk,
                        op["student_id"],
                        op["school_id"],
                        op["grade"],
                        op["class_name"],
                        entry,
                        op["study_mode"],
                        entry,
                    )
                )
            )
            change_rows.append(change((op["student_id"], pk, entry)))
        return enrolment_rows, change_rows

    def _stage_guardians(
        self, ops: list[dict[str, Any]], lineage: dict[str, Any]
    ) -> tuple[list[tuple], list[tuple]]:
        """Guardian and link rows, reusing the same person (same name and phone) across children:
        one already in the database, or one this job created in an earlier chunk."""
        wanted = [op for op in ops if op["guardian"] and (op["op"] == "new" or op.get("link_guardian"))]
        if not wanted:
            return [], []
        hashes = {op["guardian"]["phone_hash"] for op in wanted if op["guardian"]["phone_hash"]}
        known: dict[tuple[str, str], int] = {}
        if hashes:
            for pk, name, phone_hash in Guardian.objects.filter(phone_hash__any=list(hashes)).values_list(
                "id", "name", "phone_hash"
            ):
                known.setdefault((name, phone_hash), pk)
        new_guardians: list[dict[str, Any]] = []
        pending: dict[tuple[str, str], int] = {}
        refs: list[tuple[bool, int]] = []  # (is new, guardian id or index into new_guardians)
        for op in wanted:
            g = op["guardian"]
            key = (g["name"], g["phone_hash"])
            if g["phone_hash"]:
                found = known.get(key) or self.job_guardians.get(key)
                if found:
                    refs.append((False, found))
                    continue
                if key in pending:
                    refs.append((True, pending[key]))
                    continue
                pending[key] = len(new_guardians)
            refs.append((True, len(new_guardians)))
            new_guardians.append(g)
        ids = self.guardians.allocate_ids(len(new_guardians))
        guardian = self.guardians.maker(("id", "name", "phone", "phone_hash", "phone_masked"), lineage)
        guardian_rows = []
        for g, pk in zip(new_guardians, ids, strict=True):
            if g["phone_hash"]:
                self.job_guardians[(g["name"], g["phone_hash"])] = pk
            guardian_rows.append(guardian((pk, g["name"], g["phone"], g["phone_hash"], g["phone_masked"])))
        link = self.links.maker(("student_id", "guardian_id", "relation", "is_primary"))
        link_rows = [
            link(
                (
                    op["student_id"],
                    ids[ref] if is_new else ref,
                    op["guardian"]["relation"],
                    op["op"] == "new",
                )
            )
            for op, (is_new, ref) in zip(wanted, refs, strict=True)
        ]
        return guardian_rows, link_rows

    def _write_changes(self, op: dict[str, Any]) -> None:
        ctx = self.ctx
        if op["student_values"]:
            student = Student(pk=op["student_id"], **op["student_old"])
            changes = diff(student, op["student_values"])
            Student.objects.filter(pk=op["student_id"]).update(**op["student_values"], updated_at=ctx.now)
            record_change(
                student,
                organization=ctx.unit_object(op["school_id"]),
                action="update",
                changes=changes,
                source=Source.IMPORT,
                source_ref=ctx.source_ref,
                acting_user=ctx.user,
            )
        if op["op"] == "update" and op["enrolment_values"]:
            enrolment = Enrolment(pk=op["enrolment_id"], **op["enrolment_old"])
            changes = diff(enrolment, op["enrolment_values"])
            Enrolment.objects.filter(pk=op["enrolment_id"]).update(
                **op["enrolment_values"], updated_at=ctx.now
            )
            record_change(
                enrolment,
                organization=ctx.unit_object(op["school_id"]),
                action="update",
                changes=changes,
                source=Source.IMPORT,
                source_ref=ctx.source_ref,
                acting_user=ctx.user,
            )

    def _flag_suspects(self, news: list[dict[str, Any]]) -> None:
        """People without an ID number who resemble an existing record become duplicate suspects."""
        for op in news:
            s = dict(zip(STUDENT_ROW, op["student"], strict=True))
            person = Student(
                pk=op["student_id"], name=s["name"], birth_date=dt.date.fromisoformat(s["birth_date"])
            )
            flag_duplicate_suspects(person, self.ctx.unit_object(op["school_id"]))
