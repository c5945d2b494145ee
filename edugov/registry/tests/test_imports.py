"""Bulk import (DB-7): reading, checking every cell, writing all or nothing, idempotence."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from edugov.core.models import AuditEntry
from edugov.core.validators import id_check_char
from edugov.platform.testing.fixtures import make_user
from edugov.registry.imports import ImportFileError, create_import_job, run_import, template_bytes
from edugov.registry.imports.columns import STUDENTS
from edugov.registry.imports.students import StudentImporter
from edugov.registry.models import (
    ChangeRecord,
    Enrolment,
    Guardian,
    GuardianLink,
    ImportProblem,
    StatusChange,
    Student,
)
from edugov.registry.tests.factories import enrol

pytestmark = pytest.mark.django_db

HEADERS = STUDENTS.headers


def id_number(i: int, *, sex: str = "1") -> tuple[str, dt.date]:
    """A valid, distinct ID number for each ``i`` (and its birth date)."""
    birth = dt.date(2014, 9, 1) + dt.timedelta(days=i % 360)
    seq = (i // 360) * 2 + (1 if sex == "1" else 0)
    body = f"650102{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body), birth


def student_row(i: int = 0, **overrides: str) -> dict[str, str]:
    sex = "2" if overrides.get("性别") == "女" else "1"
    number, birth = id_number(i, sex=sex)
    values = {
        "姓名": f"学生{i}",
        "身份证件类型": "1",
        "身份证件号": number,
        "性别": "男",
        "民族": "汉族",
        "出生日期": birth.isoformat(),
        "国籍": "中国",
        "户口所在地区划": "650102",
        "家庭住址": "乌鲁木齐市天山区解放北路1号",
        "留守儿童": "否",
        "随迁子女": "否",
        "残疾类别": "",
        "资助对象": "否",
        "学籍号": "",
        "学校标识码": "2165000001",
        "年级": "四年级",
        "班级": "1班",
        "入学日期": "2021-09-01",
        "就读方式": "走读",
        "监护人姓名": "张大山",
        "监护人关系": "父亲",
        "监护人电话": "13912345678",
    }
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict], *, encoding: str = "utf-8", headers: list[str] = HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], *, headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def registrar(tree):
    return make_user("registrar", unit=tree.school_tianshan, role="registrar")


def make_job(tree, user, content, *, name="students.csv", mode="all", unit=None, kind="students"):
    return create_import_job(
        kind=kind,
        organization=unit or tree.school_tianshan,
        uploaded_file_or_path=SimpleUploadedFile(name, content),
        mode=mode,
        acting_user=user,
    )


def run(tree, user, content, **options):
    return run_import(make_job(tree, user, content, **options))


def problems(job) -> list[tuple[int, str, str]]:
    return list(ImportProblem.objects.filter(job=job).values_list("row", "column", "message"))


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_csv_in_each_encoding_imports(tree, registrar, encoding, detected):
    job = run(tree, registrar, csv_bytes([student_row(1), student_row(2)], encoding=encoding))
    assert job.status == "done", job.message
    assert job.encoding == detected
    assert sorted(Student.objects.values_list("name", flat=True)) == ["学生1", "学生2"]
    assert Student.objects.get(name="学生1").address == "乌鲁木齐市天山区解放北路1号"


def test_xlsx_with_excel_dates_numbers_and_full_width_headers(tree, registrar):
    headers = [h if h != "姓名" else "　姓 名＊" for h in HEADERS]  # full-width space and star
    row = student_row(3)
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    values = [row[h] for h in HEADERS]
    values[HEADERS.index("出生日期")] = dt.date.fromisoformat(row["出生日期"])  # a real date cell
    values[HEADERS.index("入学日期")] = 44440.0  # an Excel serial number: 2021-09-01
    values[HEADERS.index("民族")] = 1  # Excel dropped the leading zero of 01
    values[HEADERS.index("监护人电话")] = 13912345678
    sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    job = run(tree, registrar, buffer.getvalue(), name="学生.xlsx")
    assert job.status == "done", (job.message, problems(job))
    student = Student.objects.get()
    assert student.ethnicity == "01"
    assert Enrolment.objects.get().entry_date == dt.date(2021, 9, 1)
    assert Guardian.objects.get().phone == "13912345678"


def test_english_header_aliases_and_codes_are_accepted(tree, registrar):
    english = {
        "姓名": "name",
        "身份证件号": "ID number",
        "性别": "sex",
        "年级": "grade",
        "入学日期": "entry_date",
    }
    headers = [english.get(h, h) for h in HEADERS]
    row = {english.get(k, k): v for k, v in student_row(4, 性别="1", 年级="14").items()}
    job = run(tree, registrar, csv_bytes([row], headers=headers))
    assert job.status == "done", problems(job)
    assert Enrolment.objects.get().grade == "14"


def test_id_number_stored_as_a_number_is_refused(tree, registrar):
    row = student_row(5)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    values = [row[h] for h in HEADERS]
    values[HEADERS.index("身份证件号")] = float(row["身份证件号"][:17] + "0")
    sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    job = run(tree, registrar, buffer.getvalue(), name="s.xlsx")
    assert job.status == "invalid"
    [(row_number, column, message)] = problems(job)
    assert (row_number, column) == (2, "身份证件号")
    assert "text" in message or "文本" in message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("students.pdf", b"%PDF-1.4", "不能导入"),
        ("students.csv", b"", "文件为空"),
        ("students.xlsx", b"not a workbook at all", "不是 Excel"),
    ],
    ids=["unsupported_case", "empty_case", "fake_xlsx_case"],
)
def test_files_refused_before_reading(tree, registrar, name, content, expected):
    try:
        job = make_job(tree, registrar, content, name=name)
    except ImportFileError as error:
        message = error.message
    else:
        run_import(job)
        assert job.status == "failed"
        message = job.message
    assert expected in message
    assert Student.objects.count() == 0


def test_too_large_file_names_size_and_limit(tree, registrar, settings):
    settings.EDUGOV_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ImportFileError) as caught:
        make_job(tree, registrar, b"x" * 2048)
    assert "2.0 KB" in caught.value.message
    assert "1000 B" in caught.value.message


def test_wrong_headers_are_named(tree, registrar):
    headers = [h for h in HEADERS if h not in {"性别", "年级"}] + ["爱好"]
    job = run(tree, registrar, csv_bytes([student_row(6)], headers=headers))
    assert job.status == "failed"
    assert "性别" in job.message
    assert "年级" in job.message
    assert "爱好" in job.message
    assert Student.objects.count() == 0


def test_foreign_file_is_not_mistaken_for_a_template(tree, registrar):
    job = run(tree, registrar, "商品,价格\n苹果,3\n".encode())
    assert job.status == "failed"
    assert "商品" in job.message


def test_a_title_row_above_the_headers_is_skipped(tree, registrar):
    content = "天山区第一小学 2024 年新生名单\n".encode() + csv_bytes([student_row(7)])
    job = run(tree, registrar, content)
    assert job.status == "done", job.message
    assert Enrolment.objects.get().student.name == "学生7"


def test_headers_only_is_reported_as_empty(tree, registrar):
    job = run(tree, registrar, csv_bytes([]))
    assert job.status == "failed"
    assert "没有数据行" in job.message


# --- checking every cell -------------------------------------------------------------------------


def bad_rows() -> list[dict[str, str]]:
    """1,000 rows with exactly one problem each, of ten different kinds."""
    rows = []
    for i in range(1000):
        kind = i % 10
        row = student_row(i)
        if kind == 0:
            row["姓名"] = ""
        elif kind == 1:
            number = row["身份证件号"]
            row["身份证件号"] = number[:17] + ("0" if number[17] != "0" else "1")
        elif kind == 2:
            row["性别"] = "X"
        elif kind == 3:
            row["出生日期"] = "2015-13-45"
        elif kind == 4:
            row["年级"] = "九十年级"
        elif kind == 5:
            row["学校标识码"] = "2165000003"  # a school in another prefecture
        elif kind == 6:
            birth = dt.date.fromisoformat(row["出生日期"])
            row["出生日期"] = (birth + dt.timedelta(days=1)).isoformat()
        elif kind == 7:
            row["年级"] = "高三"
        elif kind == 8:
            row["身份证件号"] = rows[i - 6]["身份证件号"]  # the ID of the row with the bad sex code
            row["出生日期"] = rows[i - 6]["出生日期"]
        else:
            row["监护人电话"] = "12ab"
        rows.append(row)
    return rows


def test_a_thousand_bad_rows_of_ten_kinds_are_all_reported_and_nothing_written(tree, registrar):
    job = run(tree, registrar, csv_bytes(bad_rows()))
    assert job.status == "invalid"
    assert job.error_rows == 1000
    found = problems(job)
    assert len(found) == 1000
    assert {row for row, _column, _message in found} == set(range(2, 1002))
    columns = {column for _row, column, _message in found}
    assert columns == {"姓名", "身份证件号", "性别", "出生日期", "年级", "学校标识码", "监护人电话"}
    by_row = {row: (column, message) for row, column, message in found}
    assert by_row[2 + 8][0] == "身份证件号"
    assert str(2 + 2) in by_row[2 + 8][1]  # names the row holding the same ID first
    assert by_row[2 + 5][0] == "学校标识码"
    # Values of personal-data columns are masked in the stored problem list.
    bad_id = ImportProblem.objects.get(job=job, row=3)
    assert bad_id.column == "身份证件号"
    assert "*" in bad_id.value
    assert bad_id.value[:6] == "650102"
    # The upload itself (personal data in clear) is not kept once the job has finished.
    assert not job.file
    assert Student.objects.count() == 0
    assert Enrolment.objects.count() == 0
    assert Guardian.objects.count() == 0
    entry = AuditEntry.objects.get(event_type="registry.import_finished")
    assert entry.success is False
    # The report marks the bad cells red, with the message as a comment.
    report = load_workbook(io.BytesIO(job.report.open("rb").read()))
    sheet = report.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[0] == "原行号"
    assert sheet.max_row == 1001
    name_cell = sheet.cell(row=2, column=header.index("姓名") + 1)
    assert name_cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert name_cell.comment is not None
    assert len(list(report.worksheets[1].iter_rows(min_row=2))) == 1000


def test_cross_field_rules(tree, registrar):
    number, birth = id_number(10, sex="1")
    rows = [
        student_row(10, 性别="女", 身份证件号=number),  # sex against the ID number
        student_row(11, 入学日期="2010-09-01"),  # entry before birth
        student_row(12, 监护人姓名="", 监护人关系="", 监护人电话="13900000000"),  # phone without name
        student_row(13, 身份证件类型="Z", 身份证件号="", 出生日期=""),  # no ID, no birth date
    ]
    job = run(tree, registrar, csv_bytes(rows))
    found = {(row, column) for row, column, _m in problems(job)}
    assert found == {(2, "性别"), (3, "入学日期"), (4, "监护人姓名"), (4, "监护人关系"), (5, "出生日期")}


# --- writing -------------------------------------------------------------------------------------


def test_valid_rows_only_writes_the_valid_ones_and_returns_the_rest(tree, registrar):
    rows = [student_row(20), student_row(21, 性别="X"), student_row(22), student_row(23, 年级="")]
    job = run(tree, registrar, csv_bytes(rows), mode="valid")
    assert job.status == "done"
    assert (job.created_count, job.error_rows) == (2, 2)
    assert sorted(Student.objects.values_list("name", flat=True)) == ["学生20", "学生22"]
    rejects = load_workbook(io.BytesIO(job.rejects.open("rb").read())).worksheets[0]
    header = [c.value for c in rejects[1]]
    assert header[: len(HEADERS)] == HEADERS
    assert header[-1] == "错误说明"
    assert [r[0].value for r in rejects.iter_rows(min_row=2)] == ["学生21", "学生23"]
    # Fix the rejects file and upload it again: the error column is ignored.
    rejects.cell(row=2, column=HEADERS.index("性别") + 1, value="男")
    rejects.cell(row=3, column=HEADERS.index("年级") + 1, value="四年级")
    buffer = io.BytesIO()
    rejects.parent.save(buffer)
    again = run(tree, registrar, buffer.getvalue(), name="fixed.xlsx")
    assert again.status == "done", problems(again)
    assert again.created_count == 2
    assert Student.objects.count() == 4


def test_reimport_changes_nothing_and_changed_rows_update_with_lineage(tree, registrar):
    rows = [student_row(30), student_row(31)]
    first = run(tree, registrar, csv_bytes(rows))
    assert first.created_count == 2
    counts = (
        Student.objects.count(),
        Enrolment.objects.count(),
        Guardian.objects.count(),
        GuardianLink.objects.count(),
    )
    second = run(tree, registrar, csv_bytes(rows))
    assert second.status == "done"
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 2)
    assert counts == (
        Student.objects.count(),
        Enrolment.objects.count(),
        Guardian.objects.count(),
        GuardianLink.objects.count(),
    )
    assert ChangeRecord.objects.count() == 0
    rows[1]["班级"] = "2班"
    rows[1]["家庭住址"] = "新地址"
    third = run(tree, registrar, csv_bytes(rows))
    assert (third.created_count, third.updated_count, third.unchanged_count) == (0, 1, 1)
    student = Student.objects.get(name="学生31")
    assert student.address == "新地址"
    assert Enrolment.objects.get(student=student).class_name == "2班"
    records = ChangeRecord.objects.filter(source="import", source_ref=str(third.pk))
    assert {r.record_type for r in records} == {"registry.student", "registry.enrolment"}
    assert "新地址" not in str(records.get(record_type="registry.student").changes)  # masked


def test_person_enrolled_at_another_school_is_a_row_error_offering_transfer(tree, registrar):
    row = student_row(40)
    enrol(
        tree.school_kashi,
        id_number=row["身份证件号"],
        birth_date=dt.date.fromisoformat(row["出生日期"]),
    )
    job = run(tree, registrar, csv_bytes([row, student_row(41)]))
    assert job.status == "invalid"
    [(row_number, column, message)] = problems(job)
    assert (row_number, column) == (2, "身份证件号")
    assert "喀什市第一小学" in message
    assert "transfer" in message or "转学" in message
    assert Student.objects.count() == 1


def test_school_outside_the_job_unit_is_refused(tree):
    county = make_user("county", unit=tree.tianshan, role="registrar")
    rows = [student_row(50), student_row(51, 学校标识码="2165000002"), student_row(52, 学校标识码="")]
    job = run(tree, county, csv_bytes(rows), unit=tree.tianshan)
    found = {(row, column) for row, column, _m in problems(job)}
    assert found == {(3, "学校标识码"), (4, "学校标识码")}


def test_a_crash_while_writing_leaves_nothing_and_the_job_runs_again(tree, registrar, monkeypatch):
    rows = [student_row(60 + i) for i in range(5)]
    job = make_job(tree, registrar, csv_bytes(rows))

    def crash(self, staged):
        self.students.insert(staged["students"])  # the people are in, their enrolments half-way
        self.enrolments.insert(staged["enrolments"][:2])
        raise RuntimeError("worker killed")

    monkeypatch.setattr(StudentImporter, "write", crash)
    run_import(job)
    assert job.status == "failed"
    assert (Student.objects.count(), Enrolment.objects.count(), StatusChange.objects.count()) == (0, 0, 0)
    monkeypatch.undo()
    run_import(job)
    assert job.status == "done"
    assert job.created_count == 5
    assert Student.objects.count() == 5


def test_student_without_id_gets_a_temporary_number_and_reimports_unchanged(tree, registrar):
    row = student_row(70, 身份证件类型="Z", 身份证件号="", 出生日期="2015-05-05")
    first = run(tree, registrar, csv_bytes([row]))
    assert first.created_count == 1, problems(first)
    student = Student.objects.get()
    assert student.student_number.startswith("L650102" + "20150505")
    assert student.id_hash is None
    second = run(tree, registrar, csv_bytes([row]))
    assert (second.created_count, second.unchanged_count) == (0, 1)


def test_template_has_the_headers_and_explains_codes():
    book = load_workbook(io.BytesIO(template_bytes("students")))
    assert [c.value for c in book.worksheets[0][1]] == HEADERS
    assert len(book.worksheets) == 3
    codes_sheet = book.worksheets[2]
    assert ("性别", "1", "男性") in [tuple(c.value for c in row) for row in codes_sheet.iter_rows(min_row=2)]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_writer_commits_all_or_nothing(tree, monkeypatch):
    """Committed for real (PostgreSQL writes in a thread of its own while checking goes on)."""
    registrar = make_user("registrar", unit=tree.school_tianshan, role="registrar")
    good = run(tree, registrar, csv_bytes([student_row(80 + i) for i in range(5)]))
    assert good.status == "done", good.message
    assert (good.created_count, Student.objects.count(), Enrolment.objects.count()) == (5, 5, 5)
    bad = run(tree, registrar, csv_bytes([student_row(90), student_row(91, 性别="X"), student_row(92)]))
    assert bad.status == "invalid"
    assert Student.objects.count() == 5

    def crash(self, staged):
        self.students.insert(staged["students"])
        raise RuntimeError("worker killed")

    monkeypatch.setattr(StudentImporter, "write", crash)
    failed = run(tree, registrar, csv_bytes([student_row(93), student_row(94)]))
    assert failed.status == "failed"
    assert Student.objects.count() == 5
    monkeypatch.undo()
    again = run_import(failed)
    assert again.status == "done"
    assert Student.objects.count() == 7
    assert AuditEntry.objects.filter(event_type="registry.import_finished", success=True).count() == 2


def test_a_person_whose_enrolment_ended_is_enrolled_again_not_duplicated(tree, registrar):
    from edugov.registry.actions.students import do_change_status

    row = student_row(100)
    first = run(tree, registrar, csv_bytes([row]))
    assert first.created_count == 1
    enrolment = Enrolment.objects.get()
    do_change_status(enrolment, kind="06", effective_on=dt.date(2024, 1, 5), acting_user=registrar)
    row["监护人姓名"], row["监护人电话"] = "李梅", "13700000000"
    row["监护人关系"] = "母亲"
    again = run(tree, registrar, csv_bytes([row]))
    assert again.status == "done", problems(again)
    assert (again.created_count, again.updated_count) == (0, 1)
    assert Student.objects.count() == 1
    assert Enrolment.objects.filter(state="active").count() == 1
    assert Enrolment.objects.count() == 2
    assert sorted(GuardianLink.objects.values_list("guardian__name", flat=True)) == ["张大山", "李梅"]


@pytest.mark.django_db(transaction=True)
def test_siblings_in_different_chunks_share_one_guardian(tree, monkeypatch):
    """A guardian created for one chunk is reused by the next (checked and written apart)."""
    from edugov.registry.imports import jobs

    monkeypatch.setattr(jobs, "CHUNK_ROWS", 2)
    registrar = make_user("registrar", unit=tree.school_tianshan, role="registrar")
    job = run(tree, registrar, csv_bytes([student_row(110 + i) for i in range(5)]))
    assert job.status == "done", job.message
    assert (Student.objects.count(), Guardian.objects.count(), GuardianLink.objects.count()) == (5, 1, 5)
    again = run(tree, registrar, csv_bytes([student_row(120)]))  # an earlier job's guardian, committed
    assert again.status == "done", again.message
    assert (Guardian.objects.count(), GuardianLink.objects.count()) == (1, 6)
