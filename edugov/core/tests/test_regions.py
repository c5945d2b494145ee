"""GB/T 2260 regions: loc.dat parsing, the Xinjiang overlay, loader behaviour and helpers."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from edugov.core.choices import RegionLevel
from edugov.core.models import Region
from edugov.core.regions import (
    desired_regions,
    level_for_code,
    load_regions,
    parse_loc_dat,
    parse_loc_entry,
    region_exists,
    region_path,
)

DESIGN_DIR = Path(__file__).resolve().parents[4] / "shared" / "design"
needs_design = pytest.mark.skipif(not DESIGN_DIR.is_dir(), reason="../shared/design is not available")

XINJIANG_PREFECTURES = {
    "650100", "650200", "650400", "650500", "652300", "652700", "652800",
    "652900", "653000", "653100", "653200", "654000", "654200", "654300",
}  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param("乌鲁木齐县", ("乌鲁木齐县", None, None), id="always_case"),
        pytest.param("[2024-]和康县", ("和康县", 2024, None), id="new_case"),
        pytest.param("[-2019]库车县", ("库车县", None, 2019), id="withdrawn_case"),
        pytest.param("[1984-2001]伊犁地区", ("伊犁地区", 1984, 2001), id="range_case"),
        pytest.param(
            "[1983-1998]南山矿区,[1999-2001]南泉区,[2002-]达坂城区",
            ("达坂城区", 1983, None),
            id="renamed_case",
        ),
    ],
)
def test_parse_loc_entry(spec, expected):
    assert parse_loc_entry(spec) == expected


def test_parse_loc_dat_lines():
    text = (
        '# comment\n65 province="新疆维吾尔自治区"\n'
        '  0000 county="新疆维吾尔自治区"\n  2923 county="[-2019]库车县"\n'
    )
    assert parse_loc_dat(text) == {
        "650000": ("新疆维吾尔自治区", None, None),
        "652923": ("库车县", None, 2019),
    }


@pytest.mark.parametrize(
    ("code", "level"),
    [("650000", RegionLevel.PROVINCE), ("653000", RegionLevel.PREFECTURE), ("653001", RegionLevel.COUNTY)],
)
def test_level_for_code(code, level):
    assert level_for_code(code) == level


@pytest.mark.django_db
def test_national_list_is_loaded_with_withdrawn_codes():
    assert Region.objects.filter(level=RegionLevel.PROVINCE, valid_until__isnull=True).count() == 34
    assert Region.objects.count() > 6000
    chongwen = Region.objects.get(code="110103")
    assert (chongwen.name, chongwen.valid_until, chongwen.parent_id) == ("崇文区", 2010, "110100")
    chaoyang = Region.objects.get(code="440524")  # 原潮阳县, used by the GB 11643 sample number
    assert chaoyang.parent_id == "440500"


@pytest.mark.django_db
def test_xinjiang_current_structure():
    xinjiang = Region.objects.get(code="650000")
    assert xinjiang.level == RegionLevel.PROVINCE
    current_prefectures = set(
        Region.objects.filter(parent_id="650000", level=RegionLevel.PREFECTURE, valid_until__isnull=True)
        .exclude(code="659000")
        .values_list("code", flat=True)
    )
    assert current_prefectures == XINJIANG_PREFECTURES
    kizilsu = Region.objects.get(code="653000")
    assert kizilsu.name == "克孜勒苏柯尔克孜自治州"
    assert set(kizilsu.children.filter(valid_until__isnull=True).values_list("code", flat=True)) == {
        "653001", "653022", "653023", "653024",
    }  # fmt: skip


@pytest.mark.django_db
def test_xinjiang_directly_administered_cities_hang_under_659000():
    grouping = Region.objects.get(code="659000")
    assert grouping.name == "自治区直辖县级行政区划"
    assert grouping.parent_id == "650000"
    children = set(grouping.children.values_list("code", flat=True))
    assert children == {f"6590{n:02d}" for n in range(1, 13)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "valid_until"),
    [
        ("652100", "吐鲁番地区", 2015),
        ("652101", "吐鲁番市", 2015),
        ("652200", "哈密地区", 2016),
        ("652201", "哈密市", 2016),
        ("652400", "伊犁哈萨克自治州", 1984),
        ("654100", "伊犁地区", 2001),
        ("652923", "库车县", 2019),
        ("654223", "沙湾县", 2021),
    ],
)
def test_withdrawn_xinjiang_codes_keep_their_years(code, name, valid_until):
    region = Region.objects.get(code=code)
    assert (region.name, region.valid_until) == (name, valid_until)
    assert not region.is_current


@pytest.mark.django_db
def test_new_2024_counties_are_current():
    assert Region.objects.get(code="653228").name == "和康县"
    assert Region.objects.get(code="653229").valid_from == 2024
    assert Region.objects.get(code="653229").is_current


@needs_design
@pytest.mark.django_db
def test_every_code_in_the_xinjiang_design_note_is_loaded():
    text = (DESIGN_DIR / "xinjiang-regions.md").read_text(encoding="utf-8")
    expected = dict(re.findall(r"(65\d{4})\*? (?:\| )?([^；|\s]+)", text))
    assert len(expected) == 126  # province, 14 prefectures, 659000 and 110 county-level units
    loaded = dict(Region.objects.filter(code__in=expected).values_list("code", "name"))
    assert loaded == expected
    assert not Region.objects.filter(code__in=expected, valid_until__isnull=False).exists()


@pytest.mark.django_db
def test_parents_follow_the_code_structure():
    regions = dict(Region.objects.values_list("code", "parent_id"))
    for code, parent in regions.items():
        if code.endswith("0000"):
            assert parent is None, code
        elif code.endswith("00"):
            assert parent == code[:2] + "0000", code
        else:
            expected = code[:4] + "00" if code[:4] + "00" in regions else code[:2] + "0000"
            assert parent == expected, code


@pytest.mark.django_db
def test_loader_is_idempotent_and_fast_when_nothing_changed():
    load_regions()
    started = time.perf_counter()
    result = load_regions()
    elapsed = time.perf_counter() - started
    assert result.changed == 0
    assert elapsed < 1.0  # measured ~25 ms; generous bound for slow CI machines


@pytest.mark.django_db
def test_loader_repairs_changed_rows():
    Region.objects.filter(code="653001").update(name="changed", valid_until=1999)
    result = load_regions()
    assert (result.created, result.updated) == (0, 1)
    assert Region.objects.get(code="653001").name == "阿图什市"
    assert Region.objects.get(code="653001").valid_until is None


@pytest.mark.django_db
def test_first_load_into_an_empty_table():
    for level in (RegionLevel.COUNTY, RegionLevel.PREFECTURE, RegionLevel.PROVINCE):
        Region.objects.filter(level=level).delete()
    assert not Region.objects.exists()
    result = load_regions()
    assert result.created == Region.objects.count() == len(desired_regions())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "exists"),
    [
        ("650102", True),
        ("652923", True),  # withdrawn, still valid in ID numbers
        ("810000", True),
        ("820000", True),
        ("830000", True),  # Taiwan residence permits; not a GB/T 2260 row
        ("659999", False),
        ("000000", False),
    ],
)
def test_region_exists(code, exists):
    assert region_exists(code) is exists


@pytest.mark.django_db
def test_region_path(django_assert_num_queries):
    with django_assert_num_queries(1):
        path = region_path("659001")
    assert [region.code for region in path] == ["650000", "659000", "659001"]
    assert [region.code for region in region_path("653000")] == ["650000", "653000"]
    assert region_path("659999") == []
