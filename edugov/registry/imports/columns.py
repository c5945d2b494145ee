"""The columns of each import kind: Chinese headers (a data format), aliases, rules.

The headers are the file format the templates define, so they are constants, not UI
text; what the template's second sheet says about them goes through gettext. A header
in a user's file matches when it equals the header or one of its aliases after
normalising (full-width → half-width, spaces, a required-marker ``*`` and a note in
brackets removed, case ignored).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from edugov.registry.choices import ImportKind


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    table: str = ""  # code table the values come from
    example: str = ""
    note: Any = ""
    text_format: bool = False  # the template formats the column as text (IDs, codes, phones)
    width: int = 14


@dataclass(frozen=True)
class KindSpec:
    kind: str
    title: Any
    model_label: str  # app_label.model_name, for the permission ``registry.<model>.import``
    columns: tuple[Column, ...]
    notes: tuple[Any, ...] = field(default=())

    @property
    def permission(self) -> str:
        return f"{self.model_label}.import"

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


SCHOOL_CODE_NOTE = _(
    "The 10-digit school code (学校标识码) of a school in the unit you import into; may be left "
    "empty when you import into a school."
)
# The school column of the staff, building and asset templates (one definition, three kinds).
UNIT_SCHOOL_CODE = Column(
    "school_code",
    "学校标识码",
    ("school_code", "单位标识码", "学校代码", "school code"),
    note=SCHOOL_CODE_NOTE,
    text_format=True,
)

_PERSON = (
    Column(
        "name",
        "姓名",
        ("name", "学生姓名", "教职工姓名", "full name"),
        True,
        example="张小明",
        note=_("Full name."),
    ),
    Column(
        "id_type",
        "身份证件类型",
        ("id_type", "证件类型", "身份证件类型码", "id document type"),
        table="id_document_type",
        example="1",
        note=_("Code or name; empty means 1 (resident ID card)."),
        text_format=True,
    ),
    Column(
        "id_number",
        "身份证件号",
        ("id_number", "身份证件号码", "身份证号", "身份证号码", "证件号码", "证件号", "id number"),
        example="650102201503010012",
        note=_(
            "18-character resident ID number (check digit verified), or the number of the other document."
        ),
        text_format=True,
        width=22,
    ),
    Column(
        "sex",
        "性别",
        ("sex", "gender", "性别码"),
        True,
        table="sex",
        example="男",
        note=_("男 or 女 (or code 1/2); must match the ID number."),
        text_format=True,
        width=8,
    ),
    Column(
        "ethnicity",
        "民族",
        ("ethnicity", "民族码", "nation"),
        table="ethnicity",
        example="汉族",
        note=_("Name or two-digit code (GB/T 3304)."),
        text_format=True,
        width=10,
    ),
    Column(
        "birth_date",
        "出生日期",
        ("birth_date", "出生年月日", "出生年月", "date of birth", "birthday"),
        example="2015-03-01",
        note=_("2015-03-01, 2015/3/1 or 20150301; may be empty when the ID number gives it."),
        text_format=True,
        width=12,
    ),
    Column(
        "nationality",
        "国籍",
        ("nationality", "国籍/地区", "国籍码", "country"),
        table="nationality",
        example="中国",
        note=_("Name or code (GB/T 2659); empty means 中国."),
        text_format=True,
        width=10,
    ),
)

STUDENTS = KindSpec(
    ImportKind.STUDENTS,
    _("Students"),
    "registry.student",
    (
        *_PERSON,
        Column(
            "household_region",
            "户口所在地区划",
            (
                "household_region",
                "户口所在地",
                "户籍所在地",
                "户口所在地行政区划",
                "户籍地区划",
                "household region",
            ),
            example="650102",
            note=_("Six-digit region code (GB/T 2260)."),
            text_format=True,
        ),
        Column(
            "address",
            "家庭住址",
            ("address", "现住址", "家庭地址", "home address"),
            example="乌鲁木齐市天山区解放北路1号",
            width=30,
        ),
        Column(
            "left_behind",
            "留守儿童",
            ("left_behind", "是否留守儿童", "left-behind child"),
            example="否",
            width=10,
        ),
        Column(
            "migrant",
            "随迁子女",
            ("migrant", "是否随迁子女", "进城务工人员随迁子女", "migrant child"),
            example="否",
            width=10,
        ),
        Column(
            "disability",
            "残疾类别",
            ("disability", "残疾人类型", "残疾类型", "disability category"),
            table="disability",
            example="",
            note=_("Empty when none; otherwise name or code."),
            text_format=True,
            width=10,
        ),
        Column(
            "aid_eligible",
            "资助对象",
            ("aid_eligible", "是否资助对象", "是否需要资助", "financial aid"),
            example="否",
            width=10,
        ),
        Column(
            "student_number",
            "学籍号",
            ("student_number", "全国学籍号", "学籍辅号", "student number"),
            note=_(
                "Optional. Holders of a resident ID card get G + ID number; others keep the number given "
                "here or receive a temporary L number."
            ),
            text_format=True,
            width=22,
        ),
        Column(
            "school_code",
            "学校标识码",
            ("school_code", "学校代码", "学校识别码", "学校标识", "school code"),
            example="2165000001",
            note=SCHOOL_CODE_NOTE,
            text_format=True,
        ),
        Column(
            "grade",
            "年级",
            ("grade", "年级码", "当前年级"),
            True,
            table="grade",
            example="一年级",
            note=_("Name (一年级, 初一 …) or code (11, 21 …)."),
            text_format=True,
            width=10,
        ),
        Column("class_name", "班级", ("class_name", "class", "班级名称", "班号"), example="1班", width=10),
        Column(
            "entry_date",
            "入学日期",
            ("entry_date", "入学年月", "入学时间", "entry date"),
            True,
            example="2021-09-01",
            text_format=True,
            width=12,
        ),
        Column(
            "study_mode",
            "就读方式",
            ("study_mode", "就读方式码", "study mode"),
            table="study_mode",
            example="走读",
            note=_("走读, 住校 … or code; empty means 走读."),
            text_format=True,
            width=10,
        ),
        Column(
            "guardian_name",
            "监护人姓名",
            ("guardian_name", "监护人", "家长姓名", "guardian name"),
            example="张大山",
        ),
        Column(
            "guardian_relation",
            "监护人关系",
            ("guardian_relation", "关系", "与学生关系", "监护人与学生关系", "relation"),
            table="family_relation",
            example="父亲",
            note=_("父亲, 母亲 … or code (GB/T 4761); required when a guardian is given."),
            text_format=True,
            width=10,
        ),
        Column(
            "guardian_phone",
            "监护人电话",
            ("guardian_phone", "监护人联系电话", "联系电话", "家长电话", "guardian phone"),
            example="13912345678",
            text_format=True,
        ),
    ),
    (
        _("One row per student. The first row holds the headers; do not change them."),
        _(
            "A student already enrolled at the school is updated; one enrolled at another school is "
            "refused (apply for a transfer instead)."
        ),
    ),
)

STAFF = KindSpec(
    ImportKind.STAFF,
    _("Staff"),
    "registry.staffmember",
    (
        *_PERSON,
        UNIT_SCHOOL_CODE,
        Column("staff_number", "教职工号", ("staff_number", "工号", "staff number"), text_format=True),
        Column(
            "post",
            "岗位类别",
            ("post", "岗位", "岗位类别码"),
            True,
            table="staff_post",
            example="专任教师",
            text_format=True,
        ),
        Column(
            "subject",
            "任教学科",
            ("subject", "学科", "任教学科码"),
            table="subject",
            example="语文",
            text_format=True,
        ),
        Column(
            "professional_title",
            "专业技术职务",
            ("professional_title", "职称", "专业技术职务码"),
            table="professional_title",
            example="一级教师",
            text_format=True,
        ),
        Column(
            "qualification_cert_number",
            "教师资格证号",
            ("qualification_cert_number", "教师资格证书号", "教师资格证书编号"),
            text_format=True,
            width=22,
        ),
        Column(
            "education_level",
            "学历",
            ("education_level", "最高学历", "学历码"),
            table="education_level",
            example="大学本科毕业",
            text_format=True,
        ),
        Column(
            "employed_from",
            "入职日期",
            ("employed_from", "参加工作日期", "来校日期", "入职时间"),
            True,
            example="2010-09-01",
            text_format=True,
            width=12,
        ),
        Column("employed_until", "离职日期", ("employed_until", "离校日期"), text_format=True, width=12),
        Column("phone", "办公电话", ("phone", "联系电话", "电话"), text_format=True),
        Column("weekly_lessons", "周课时", ("weekly_lessons", "周课时数"), example="16", width=8),
    ),
    (_("One row per staff member; the ID number identifies the person within the unit."),),
)

BUILDINGS = KindSpec(
    ImportKind.BUILDINGS,
    _("Buildings"),
    "registry.building",
    (
        UNIT_SCHOOL_CODE,
        Column(
            "code",
            "建筑物编号",
            ("code", "校舍编号", "建筑物代码", "building number"),
            True,
            example="JX-01",
            text_format=True,
        ),
        Column("name", "建筑物名称", ("name", "校舍名称", "名称"), True, example="1号教学楼", width=20),
        Column(
            "building_type",
            "校舍类型",
            ("building_type", "校舍用途类型", "类型"),
            True,
            table="building_type",
            example="普通教室",
            text_format=True,
        ),
        Column(
            "floor_area",
            "建筑面积",
            ("floor_area", "建筑面积（平方米）", "面积"),
            True,
            example="2400.5",
            note=_("Square metres."),
        ),
        Column("floors", "层数", ("floors", "楼层数"), example="4", width=8),
        Column(
            "year_built", "建成年份", ("year_built", "建成年度", "建筑年份"), True, example="2005", width=10
        ),
        Column(
            "structure",
            "结构类型",
            ("structure", "建筑结构"),
            True,
            table="building_structure",
            example="钢筋混凝土结构",
            text_format=True,
        ),
        Column(
            "safety_rating",
            "安全等级",
            ("safety_rating", "鉴定等级", "安全鉴定等级"),
            table="building_safety",
            example="A",
            text_format=True,
            width=10,
        ),
        Column(
            "safety_assessed_on",
            "鉴定日期",
            ("safety_assessed_on", "安全鉴定日期"),
            text_format=True,
            width=12,
        ),
        Column("use", "当前用途", ("use", "用途", "使用情况"), width=20),
    ),
    (_("One row per building; the building number identifies it within the unit."),),
)

ASSETS = KindSpec(
    ImportKind.ASSETS,
    _("Assets"),
    "registry.asset",
    (
        UNIT_SCHOOL_CODE,
        Column(
            "asset_number",
            "资产编号",
            ("asset_number", "资产编码", "asset number"),
            True,
            example="ZC-2024-0001",
            text_format=True,
        ),
        Column("name", "资产名称", ("name", "名称", "设备名称"), True, example="交互式白板", width=20),
        Column(
            "category",
            "资产分类",
            ("category", "资产类别", "分类"),
            True,
            table="asset_category",
            example="通用设备",
            text_format=True,
        ),
        Column("quantity", "数量", ("quantity",), example="1", width=8, note=_("Empty means 1.")),
        Column(
            "unit_value",
            "单价",
            ("unit_value", "单价（元）", "价值", "原值"),
            True,
            example="12800.00",
            note=_("Yuan."),
        ),
        Column("location", "存放地点", ("location", "存放位置", "使用地点"), width=20),
        Column(
            "building",
            "所在校舍编号",
            ("building", "校舍编号", "建筑物编号"),
            text_format=True,
            note=_("The number of one of the unit's buildings."),
        ),
        Column(
            "acquired_on",
            "取得日期",
            ("acquired_on", "购置日期", "取得时间"),
            True,
            example="2024-03-15",
            text_format=True,
            width=12,
        ),
        Column(
            "status",
            "资产状态",
            ("status", "使用状况", "状态"),
            table="asset_status",
            example="在用",
            text_format=True,
            width=10,
        ),
    ),
    (_("One row per asset; the asset number identifies it within the unit."),),
)

KINDS: dict[str, KindSpec] = {spec.kind: spec for spec in (STUDENTS, STAFF, BUILDINGS, ASSETS)}

# Columns our own report and rejects files add; they are ignored on upload.
ROW_HEADER = "原行号"
ERROR_HEADER = "错误说明"
IGNORED_HEADERS = frozenset({ROW_HEADER, ERROR_HEADER})

_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")


def normalise_header(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = _BRACKETS.sub("", text)
    return re.sub(r"[\s*＊:：_\-]+", "", text).lower()


def header_index(spec: KindSpec) -> dict[str, str]:
    """``{normalised header or alias: column key}``."""
    index: dict[str, str] = {}
    for column in spec.columns:
        for name in (column.header, column.key, *column.aliases):
            index.setdefault(normalise_header(name), column.key)
    return index
