"""The shipped code tables: content checks against design/STANDARDS.md §4 and loader behaviour."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from edugov.core.codes.loader import desired_code_tables, load_code_tables, read_data_file
from edugov.core.models import Code, CodeTable

# Design notes live next to the checkout (../shared); tests may read them, product code never does.
DESIGN_DIR = Path(__file__).resolve().parents[4] / "shared" / "design"
needs_design = pytest.mark.skipif(not DESIGN_DIR.is_dir(), reason="../shared/design is not available")

EXPECTED_TABLES = {
    "sex",
    "ethnicity",
    "political_status",
    "education_level",
    "school_type",
    "school_sponsor",
    "school_category",
    "id_document_type",
    "student_status",
    "study_mode",
    "nationality",
    "grade",
    "stage",
    "family_relation",
    "disability",
    "status_change_kind",
    "staff_post",
    "subject",
    "professional_title",
    "building_type",
    "building_structure",
    "building_safety",
    "asset_category",
    "asset_status",
    "finance_income",
    "finance_expenditure",
}


def _codes(slug: str) -> dict[str, Code]:
    return {code.code: code for code in Code.objects.filter(table_id=slug)}


@pytest.mark.django_db
def test_all_tables_are_loaded_after_migrate():
    assert set(CodeTable.objects.values_list("slug", flat=True)) >= EXPECTED_TABLES
    for table in CodeTable.objects.filter(slug__in=EXPECTED_TABLES):
        assert table.standard
        assert table.note, f"{table.slug} needs a provenance note"
        assert table.codes.exists()


def test_every_table_file_has_a_header_and_unique_codes():
    for row in read_data_file("tables.csv"):
        codes = [code_row["code"] for code_row in read_data_file(f"{row['slug']}.csv")]
        assert codes
        assert len(codes) == len(set(codes)), row["slug"]


@pytest.mark.django_db
def test_sex_codes_5_and_6_are_stored_but_not_selectable():
    codes = _codes("sex")
    assert set(codes) == {"0", "1", "2", "5", "6", "9"}
    assert {code for code, row in codes.items() if row.is_selectable} == {"0", "1", "2", "9"}
    assert codes["1"].name == "男性"
    assert codes["2"].name == "女性"


@pytest.mark.django_db
def test_ethnicity_has_56_standard_codes_and_two_extensions():
    codes = _codes("ethnicity")
    standard = {code for code, row in codes.items() if not row.extra.get("extension")}
    assert standard == {f"{n:02d}" for n in range(1, 57)}
    assert codes["97"].name == "其他"
    assert codes["98"].name == "外国血统中国籍人士"
    assert codes["97"].extra == {"extension": True}
    assert codes["98"].extra == {"extension": True}
    assert codes["05"].name == "维吾尔族"
    assert codes["05"].abbreviation == "UG"
    assert codes["05"].extra["roman"] == "Uygur"
    assert codes["20"].name == "傈僳族"
    assert codes["36"].name == "毛南族"
    assert codes["46"].name == "德昂族"


@needs_design
@pytest.mark.django_db
def test_ethnicity_matches_the_design_table():
    lines = (DESIGN_DIR / "ethnic-codes.md").read_text(encoding="utf-8").splitlines()[2:]
    rows = [line.strip().strip("|").split("|") for line in lines]
    codes = _codes("ethnicity")
    for cells in rows:
        code, name, roman, letter = (cell.strip() for cell in cells[:4])
        assert (codes[code].name, codes[code].extra["roman"], codes[code].abbreviation) == (
            name,
            roman,
            letter,
        )


@pytest.mark.django_db
def test_political_status_has_abbreviations():
    codes = _codes("political_status")
    assert len(codes) == 13
    assert codes["01"].abbreviation == "中共党员"
    assert codes["03"].abbreviation == "共青团员"
    assert codes["13"].name == "群众"


@pytest.mark.django_db
def test_education_level_category_rows():
    codes = _codes("education_level")
    categories = {code for code, row in codes.items() if row.is_category}
    assert categories == {"10", "20", "30", "40", "60", "70", "80"}
    assert not any(codes[code].is_selectable for code in categories)
    assert codes["73"].name == "初中肄业"
    assert codes["73"].parent_code == "70"
    assert "72" not in codes
    assert codes["90"].is_selectable


@pytest.mark.django_db
def test_school_type_corrections_and_hierarchy():
    codes = _codes("school_type")
    assert codes["341"].name == "完全中学"
    assert codes["342"].name == "高级中学"
    assert codes["365"].name == "职业高中学校"
    assert codes["36"].name == "中等职业学校"
    assert codes["36"].is_category
    assert not codes["36"].is_selectable
    for code, row in codes.items():
        if len(code) > 1:
            assert row.parent_code == code[:-1], code
            assert row.parent_code in codes
        assert row.is_category == (len(code) < 3), code
        assert row.is_selectable == (len(code) == 3), code


@pytest.mark.django_db
def test_school_category_codes_match_school_type_categories():
    categories = set(_codes("school_category"))
    assert categories == {
        "11",
        "21",
        "22",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "51",
        "91",
        "92",
        "93",
    }
    school_type_categories = {code for code in _codes("school_type") if len(code) == 2}
    assert categories == school_type_categories


@pytest.mark.django_db
def test_small_jyt_tables():
    assert set(_codes("school_sponsor")) == {"10", "11", "12", "19", "20", "21", "22", "23", "29"}
    assert _codes("school_sponsor")["21"].parent_code == "20"
    assert _codes("id_document_type")["1"].name == "居民身份证"
    assert _codes("id_document_type")["A"].name == "护照"
    assert _codes("student_status")["01"].name == "在读"
    assert len(_codes("student_status")) == 16
    assert set(_codes("study_mode")) == {"1", "2", "3", "9"}


@pytest.mark.django_db
def test_loader_is_idempotent_and_fast_when_nothing_changed():
    before = list(Code.objects.order_by("table_id", "code").values())
    started = time.perf_counter()
    result = load_code_tables()
    elapsed = time.perf_counter() - started
    assert result.changed == 0
    assert list(Code.objects.order_by("table_id", "code").values()) == before
    assert elapsed < 0.5  # measured ~2 ms; generous bound for slow CI machines


@pytest.mark.django_db
def test_loader_repairs_changed_rows_and_recreates_missing_ones():
    Code.objects.filter(table_id="sex", code="1").update(name="changed", is_selectable=False)
    Code.objects.filter(table_id="sex", code="2").delete()
    result = load_code_tables()
    assert (result.created, result.updated) == (1, 1)
    codes = _codes("sex")
    assert codes["1"].name == "男性"
    assert codes["1"].is_selectable
    assert codes["2"].name == "女性"


@pytest.mark.django_db
def test_first_load_into_empty_tables():
    Code.objects.all().delete()
    CodeTable.objects.all().delete()
    result = load_code_tables()
    _, codes = desired_code_tables()
    assert result.created == len(codes) + len(EXPECTED_TABLES)
    assert Code.objects.count() == len(codes)
