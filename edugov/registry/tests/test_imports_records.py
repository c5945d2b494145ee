"""Importing staff, buildings and assets (DB-7): validation shared with the forms, natural keys."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from edugov.core.validators import id_check_char
from edugov.platform.testing.fixtures import make_user
from edugov.registry.imports import create_import_job, run_import
from edugov.registry.imports.columns import ASSETS, BUILDINGS, STAFF
from edugov.registry.models import Asset, Building, ChangeRecord, ImportProblem, StaffMember
from edugov.registry.tests.test_imports import id_number

pytestmark = pytest.mark.django_db


def table(headers: list[str], rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return buffer.getvalue().encode("utf-8-sig")


def run(unit, user, kind, content, mode="all"):
    job = create_import_job(
        kind=kind,
        organization=unit,
        uploaded_file_or_path=SimpleUploadedFile(f"{kind}.csv", content),
        mode=mode,
        acting_user=user,
    )
    return run_import(job)


def problems(job):
    return list(ImportProblem.objects.filter(job=job).values_list("row", "column", "message"))


@pytest.fixture
def admin(tree):
    return make_user("admin", unit=tree.school_tianshan, role="school_admin")


def staff_row(i: int, **overrides: str) -> dict[str, str]:
    number, birth = id_number(i + 2000)
    birth = birth.replace(year=1985)
    body = number[:6] + f"{birth:%Y%m%d}" + number[14:17]
    values = {
        "姓名": f"教师{i}",
        "身份证件号": body + id_check_char(body),
        "性别": "男",
        "民族": "01",
        "出生日期": birth.isoformat(),
        "岗位类别": "专任教师",
        "任教学科": "数学",
        "专业技术职务": "一级教师",
        "学历": "大学本科毕业",
        "入职日期": "2010-09-01",
        "周课时": "16",
    }
    values.update(overrides)
    return values


def test_staff_import_is_idempotent_and_updates_with_lineage(tree, admin):
    rows = [staff_row(1), staff_row(2)]
    first = run(tree.school_tianshan, admin, "staff", table(STAFF.headers, rows))
    assert first.status == "done", problems(first)
    assert first.created_count == 2
    member = StaffMember.objects.get(name="教师1")
    assert (member.post, member.subject, member.professional_title) == ("1", "02", "30")
    assert member.id_number == rows[0]["身份证件号"]
    assert member.created_source == "import"
    again = run(tree.school_tianshan, admin, "staff", table(STAFF.headers, rows))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    rows[1]["周课时"] = "12"
    third = run(tree.school_tianshan, admin, "staff", table(STAFF.headers, rows))
    assert (third.created_count, third.updated_count, third.unchanged_count) == (0, 1, 1)
    assert StaffMember.objects.get(name="教师2").weekly_lessons == 12
    change = ChangeRecord.objects.get(source="import", source_ref=str(third.pk))
    assert change.changes == {"weekly_lessons": [16, 12]}


def test_staff_rows_are_checked_by_the_shared_rules(tree, admin):
    rows = [
        staff_row(3, 岗位类别=""),
        staff_row(4, 入职日期="1980-01-01"),  # before birth
        staff_row(5, 周课时="99"),
        staff_row(6),
        staff_row(6),  # the same person twice
    ]
    job = run(tree.school_tianshan, admin, "staff", table(STAFF.headers, rows))
    assert job.status == "invalid"
    assert {(r, c) for r, c, _m in problems(job)} == {
        (2, "岗位类别"),
        (3, "入职日期"),
        (4, "周课时"),
        (6, "身份证件号"),
    }
    assert StaffMember.objects.count() == 0


BUILDING = {
    "建筑物编号": "JX-01",
    "建筑物名称": "1号教学楼",
    "校舍类型": "普通教室",
    "建筑面积": "2400.5",
    "层数": "4",
    "建成年份": "2005",
    "结构类型": "钢筋混凝土结构",
}


def test_buildings_and_assets_link_by_number(tree, admin):
    job = run(tree.school_tianshan, admin, "buildings", table(BUILDINGS.headers, [BUILDING]))
    assert job.status == "done", problems(job)
    building = Building.objects.get()
    assert str(building.floor_area) == "2400.50"
    assets = [
        {
            "资产编号": "ZC-1",
            "资产名称": "白板",
            "资产分类": "通用设备",
            "单价": "12800",
            "所在校舍编号": "JX-01",
            "取得日期": "2024/3/15",
        },
        {
            "资产编号": "ZC-2",
            "资产名称": "桌子",
            "资产分类": "6",
            "数量": "40",
            "单价": "300",
            "取得日期": "20240316",
        },
        {
            "资产编号": "ZC-3",
            "资产名称": "柜子",
            "资产分类": "6",
            "单价": "300",
            "所在校舍编号": "NOPE",
            "取得日期": "2024-03-16",
        },
    ]
    job = run(tree.school_tianshan, admin, "assets", table(ASSETS.headers, assets), mode="valid")
    assert (job.created_count, job.error_rows) == (2, 1)
    assert Asset.objects.get(asset_number="ZC-1").building_id == building.pk
    assert Asset.objects.get(asset_number="ZC-2").quantity == 40
    [(row, column, _m)] = problems(job)
    assert (row, column) == (4, "所在校舍编号")
    again = run(tree.school_tianshan, admin, "assets", table(ASSETS.headers, assets[:2]))
    assert again.unchanged_count == 2


def test_a_safety_rating_change_is_refused_for_the_school(tree, admin):
    run(tree.school_tianshan, admin, "buildings", table(BUILDINGS.headers, [BUILDING]))
    # The county bureau, not the school, keeps safety ratings (一数一源).
    rated = dict(BUILDING, 安全等级="C")
    job = run(tree.school_tianshan, admin, "buildings", table(BUILDINGS.headers, [rated]))
    assert job.status == "invalid"
    [(row, column, message)] = problems(job)
    assert (row, column) == (2, "安全等级")
    assert "天山区教育局" in message
    assert Building.objects.get().safety_rating == ""


def test_county_imports_staff_into_its_schools_by_code(tree):
    county_admin = make_user("county_admin", unit=tree.tianshan, role="school_admin")
    rows = [staff_row(7, 学校标识码="2165000001"), staff_row(8, 学校标识码="")]
    job = run(tree.tianshan, county_admin, "staff", table(STAFF.headers, rows))
    assert job.status == "done", problems(job)
    assert StaffMember.objects.get(name="教师7").organization == tree.school_tianshan
    assert StaffMember.objects.get(name="教师8").organization == tree.tianshan
