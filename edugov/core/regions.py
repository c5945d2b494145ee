"""GB/T 2260 administrative regions: loading, lookup and paths.

The national list, withdrawn codes included (ID numbers keep the code of first
registration forever), comes from python-stdnum's ``stdnum/cn/loc.dat``; the Xinjiang
list shipped in ``edugov/core/codes/data/regions_xinjiang.csv`` (state of 2024-12-31)
is laid over it and wins on every field it sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from django.db import connections, transaction

from edugov.core.choices import RegionLevel
from edugov.core.codes.loader import LoadResult, read_data_file

if TYPE_CHECKING:
    from edugov.core.models import Region

LOC_PACKAGE = "stdnum.cn"
LOC_FILE = "loc.dat"
LOC_SOURCE = "python-stdnum cn/loc.dat"
XINJIANG_FILE = "regions_xinjiang.csv"
XINJIANG_SOURCE = "edugov regions_xinjiang.csv"
# Address codes of residence permits for Hong Kong, Macao and Taiwan residents (GB 11643 structure).
RESIDENCE_PERMIT_CODES = frozenset({"810000", "820000", "830000"})

REGION_FIELDS = ("name", "level", "parent_id", "valid_from", "valid_until", "source")
_PROVINCE_RE = re.compile(r'^(\d{2}) province="(.*)"$')
_COUNTY_RE = re.compile(r'^\s+(\d{4}) county="(.*)"$')
_SEGMENT_RE = re.compile(r"^(?:\[(\d*)-(\d*)\])?(.*)$")
_LEVEL_ORDER = {RegionLevel.PROVINCE: 0, RegionLevel.PREFECTURE: 1, RegionLevel.COUNTY: 2}


@dataclass(frozen=True)
class RegionRow:
    """One region as it should be stored."""

    code: str
    name: str
    level: str
    parent: str | None
    valid_from: int | None
    valid_until: int | None
    source: str

    def values(self) -> tuple[object, ...]:
        return (self.name, self.level, self.parent, self.valid_from, self.valid_until, self.source)


def level_for_code(code: str) -> str:
    """Province for XX0000, prefecture for XXXX00, county otherwise."""
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.PREFECTURE
    return RegionLevel.COUNTY


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def parse_loc_entry(spec: str) -> tuple[str, int | None, int | None]:
    """Parse a loc.dat name such as ``[1983-1998]南山矿区,[2002-]达坂城区``.

    Returns the latest name, the first year in use and the last year in use (None = open).
    """
    segments = [_SEGMENT_RE.fullmatch(part) for part in spec.split(",")]
    first, last = segments[0], segments[-1]
    if first is None or last is None:
        raise ValueError(f"unreadable loc.dat entry: {spec!r}")
    return last.group(3), _year(first.group(1)), _year(last.group(2))


def parse_loc_dat(text: str) -> dict[str, tuple[str, int | None, int | None]]:
    """Map every code in loc.dat to (name, valid_from, valid_until)."""
    entries: dict[str, tuple[str, int | None, int | None]] = {}
    province = ""
    for line in text.splitlines():
        if match := _PROVINCE_RE.match(line):
            province = match.group(1)
            entries.setdefault(province + "0000", (match.group(2), None, None))
        elif (match := _COUNTY_RE.match(line)) and province:
            entries[province + match.group(1)] = parse_loc_entry(match.group(2))
    return entries


def _parent_code(code: str, codes: set[str]) -> str | None:
    level = level_for_code(code)
    if level == RegionLevel.PROVINCE:
        return None
    prefecture = code[:4] + "00"
    if level == RegionLevel.COUNTY and prefecture in codes:
        return prefecture
    province = code[:2] + "0000"
    return province if province in codes else None


def _xinjiang_rows() -> dict[str, RegionRow]:
    rows = {}
    for row in read_data_file(XINJIANG_FILE):
        code = row["code"].strip()
        rows[code] = RegionRow(
            code=code,
            name=row["name"].strip(),
            level=row["level"].strip(),
            parent=row["parent"].strip() or None,
            valid_from=_year(row["valid_from"].strip()),
            valid_until=_year(row["valid_until"].strip()),
            source=XINJIANG_SOURCE,
        )
    return rows


@lru_cache(maxsize=1)
def desired_regions() -> dict[str, RegionRow]:
    """Every region as it should be stored: loc.dat with the Xinjiang overlay applied."""
    loc_text = resources.files(LOC_PACKAGE).joinpath(LOC_FILE).read_text(encoding="utf-8")
    loc = parse_loc_dat(loc_text)
    codes = set(loc)
    rows = {
        code: RegionRow(code, name, level_for_code(code), _parent_code(code, codes), start, end, LOC_SOURCE)
        for code, (name, start, end) in loc.items()
    }
    rows.update(_xinjiang_rows())
    return rows


def _region(row: RegionRow) -> Region:
    from edugov.core.models import Region

    return Region(code=row.code, **dict(zip(REGION_FIELDS, row.values(), strict=True)))


def _insert_regions(rows: list[RegionRow], *, using: str) -> None:
    """Insert new regions with one ``executemany``, several times faster than ``bulk_create``.

    The first load (and every reload after a test-database flush) writes ~7,000 rows, where
    model instantiation dominates ``bulk_create``. Regions have no signals or computed defaults.
    """
    from edugov.core.models import Region

    if not rows:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ["code", *(Region._meta.get_field(name).column for name in REGION_FIELDS)]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (identifiers from model metadata)
        quote(Region._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(row.code, *row.values()) for row in rows])


def load_regions(*, using: str = "default") -> LoadResult:
    """Create or update the GB/T 2260 region table (idempotent; only differing rows are written)."""
    from edugov.core.models import Region

    wanted = desired_regions()
    with transaction.atomic(using=using):
        existing = {
            row[0]: row[1:] for row in Region.objects.using(using).values_list("code", *REGION_FIELDS)
        }
        ordered = sorted(wanted.values(), key=lambda row: (_LEVEL_ORDER[row.level], row.code))
        new = [row for row in ordered if row.code not in existing]
        changed = [
            _region(row) for row in ordered if row.code in existing and existing[row.code] != row.values()
        ]
        _insert_regions(new, using=using)
        Region.objects.using(using).bulk_update(changed, REGION_FIELDS, batch_size=500)
    return LoadResult(created=len(new), updated=len(changed), details={"regions": len(wanted)})


def region_exists(code: str) -> bool:
    """Whether ``code`` is a known region code, withdrawn codes and HK/Macao/Taiwan permit codes included."""
    from edugov.core.models import Region

    return code in RESIDENCE_PERMIT_CODES or Region.objects.filter(code=code).exists()


def region_path(code: str) -> list[Region]:
    """The region and its ancestors, province first; empty if the code is unknown (one query)."""
    from edugov.core.models import Region

    candidates = {code, code[:2] + "0000", code[:4] + "00"}
    by_code = {region.code: region for region in Region.objects.filter(code__in=candidates)}
    path: list[Region] = []
    current = by_code.get(code)
    while current is not None:
        path.append(current)
        current = by_code.get(current.parent_id) if current.parent_id else None
    return path[::-1]
