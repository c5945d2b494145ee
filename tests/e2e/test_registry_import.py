"""A registrar imports students in the browser (DB-7): downloads the template, uploads a file
with a mistake, sees the row and column of the problem, fixes it, uploads again and finds
the students created.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edugov.core.validators import id_check_char
from edugov.platform.testing.fixtures import PASSWORD, build_tree, make_user
from edugov.registry.models import Student

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + reverse("workspace:home"))


def id_number(birth: dt.date, seq: int) -> str:
    body = f"650102{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def upload(page, base: str, path) -> None:
    page.goto(base + reverse("registry:import_new"))
    page.set_input_files("#id_file", str(path))
    page.get_by_test_id("upload").click()
    page.wait_for_url("**/registry/imports/*/")


def test_registrar_imports_fixes_and_reimports(live_server, page, no_mfa, tmp_path):
    tree = build_tree()
    make_user("registrar", unit=tree.school_tianshan, role="registrar")
    base = live_server.url
    sign_in(page, base, "registrar")

    page.goto(base + reverse("registry:import_list"))
    page.get_by_test_id("new-import").click()
    with page.expect_download() as download:
        page.get_by_test_id("template-students").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    book = load_workbook(template)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["姓名", "身份证件类型", "身份证件号", "性别"]

    def row(name: str, sex: str, seq: int) -> list[str]:
        birth = dt.date(2016, 5, 4)
        values = {
            "姓名": name,
            "身份证件号": id_number(birth, seq),
            "性别": sex,
            "民族": "维吾尔族",
            "出生日期": "2016/5/4",
            "学校标识码": "2165000001",
            "年级": "三年级",
            "班级": "2班",
            "入学日期": "20220901",
            "监护人姓名": "买买提",
            "监护人关系": "父亲",
            "监护人电话": "13800001111",
        }
        return [values.get(h, "") for h in headers]

    sheet.append(row("阿依古丽", "女", 2))
    sheet.append(row("艾力", "X", 1))  # a sex code that does not exist
    first = tmp_path / "students.xlsx"
    book.save(first)

    upload(page, base, first)
    assert page.get_by_test_id("count-errors").inner_text() == "1"
    assert page.get_by_test_id("count-created").inner_text() == "0"
    problem = page.get_by_test_id("problem-row")
    assert problem.count() == 1
    cells = problem.locator("td").all_inner_texts()
    assert cells[0] == "3"
    assert cells[1] == "性别"
    assert cells[2] == "X"
    assert Student.objects.count() == 0
    assert page.get_by_test_id("download-report").is_visible()

    sheet.cell(row=3, column=headers.index("性别") + 1, value="男")
    fixed = tmp_path / "students-fixed.xlsx"
    book.save(fixed)
    upload(page, base, fixed)
    assert page.get_by_test_id("count-created").inner_text() == "2"
    assert page.get_by_test_id("count-errors").inner_text() == "0"
    assert page.get_by_test_id("problem-row").count() == 0

    page.goto(base + reverse("registry:student_list"))
    table = page.get_by_test_id("student-table").inner_text()
    assert "阿依古丽" in table
    assert "艾力" in table

    page.goto(base + reverse("registry:import_list"))
    assert page.get_by_test_id("import-row").count() == 2
