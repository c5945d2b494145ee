"""``manage.py import_registry``: the same import from the command line, with exit statuses."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from edugov.platform.testing.fixtures import make_user
from edugov.registry.models import Building, Student
from edugov.registry.tests.test_imports import csv_bytes, student_row

pytestmark = pytest.mark.django_db


def test_valid_file_imports_and_exits_zero(tree, tmp_path, capsys):
    path = tmp_path / "students.csv"
    path.write_bytes(csv_bytes([student_row(1), student_row(2)]))
    call_command("import_registry", str(path), kind="students", unit="2165000001")
    assert Student.objects.count() == 2
    assert "created 2" in capsys.readouterr().out
    # Again: nothing changes.
    call_command("import_registry", str(path), kind="students", unit="2165000001")
    assert "unchanged 2" in capsys.readouterr().out
    assert Student.objects.count() == 2


def test_invalid_rows_exit_non_zero_write_nothing_and_write_the_report(tree, tmp_path):
    path = tmp_path / "students.csv"
    path.write_bytes(csv_bytes([student_row(1), student_row(2, 性别="X")]))
    report = tmp_path / "out.xlsx"
    with pytest.raises(CommandError) as caught:
        call_command("import_registry", str(path), kind="students", unit="2165000001", report=str(report))
    assert caught.value.returncode == 1
    assert Student.objects.count() == 0
    sheet = load_workbook(report).worksheets[0]
    assert sheet.max_row == 2
    assert sheet.cell(row=2, column=1).value == 3


def test_valid_rows_only_writes_the_valid_ones_but_still_exits_non_zero(tree, tmp_path):
    path = tmp_path / "students.csv"
    path.write_bytes(csv_bytes([student_row(1), student_row(2, 性别="X")]))
    with pytest.raises(CommandError) as caught:
        call_command("import_registry", str(path), kind="students", unit="2165000001", valid_rows_only=True)
    assert caught.value.returncode == 1
    assert Student.objects.count() == 1
    assert (tmp_path / "students.csv.report.xlsx").exists()
    assert (tmp_path / "students.csv.rejects.xlsx").exists()


def test_unreadable_file_and_unknown_unit_exit_with_two(tree, tmp_path):
    path = tmp_path / "students.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(CommandError) as caught:
        call_command("import_registry", str(path), kind="students", unit="2165000001")
    assert caught.value.returncode == 2
    csv_path = tmp_path / "s.csv"
    csv_path.write_bytes(csv_bytes([student_row(1)]))
    with pytest.raises(CommandError) as caught:
        call_command("import_registry", str(csv_path), kind="students", unit="9999999999")
    assert caught.value.returncode == 2


def test_user_grants_apply(tree, tmp_path):
    make_user("kashi", unit=tree.school_kashi, role="registrar")
    path = tmp_path / "s.csv"
    path.write_bytes(csv_bytes([student_row(1)]))
    with pytest.raises(CommandError) as caught:
        call_command("import_registry", str(path), kind="students", unit="2165000001", user="kashi")
    assert caught.value.returncode == 2
    assert Student.objects.count() == 0


def test_buildings_by_unit_id(tree, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(
        "建筑物编号,建筑物名称,校舍类型,建筑面积,建成年份,结构类型\nJX-01,1号教学楼,普通教室,2400.5,2005,钢筋混凝土结构\n"
    )
    call_command("import_registry", str(path), kind="buildings", unit=str(tree.school_tianshan.pk))
    building = Building.objects.get()
    assert (building.code, building.building_type, building.structure) == ("JX-01", "11", "2")
