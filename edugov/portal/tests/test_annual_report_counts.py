"""The annual disclosure report computed from records (STANDARDS §6.4): table 二 from the catalogue,
table 三 from the unit's disclosure requests, the 一 + 二 = 三 + 四 check and the XLSX export."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from edugov.portal.annual_report import build_annual_report, report_to_xlsx
from edugov.portal.choices import ApplicantType, CaseKind, CaseStatus, DisclosureResult
from edugov.portal.models import Case, DisclosureRequest
from edugov.portal.models.catalogue import DisclosureCategory, Validity
from edugov.portal.tests.test_catalogue_pages import add_catalogue, add_item

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NATURAL, BUSINESS, RESEARCH, WELFARE, LEGAL, OTHER = range(6)
TOTAL = 6


def at(day: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI) if day else None


def request(
    unit: Any,
    applicant: str,
    received: str,
    *,
    closed: str | None = None,
    replied: str | None = None,
    result: str = "",
) -> Case:
    case = Case.objects.create(
        number=f"YSQ{secrets.randbelow(10**9):09d}",
        kind=CaseKind.DISCLOSURE,
        status=CaseStatus.CLOSED if closed else (CaseStatus.REPLIED if replied else CaseStatus.ACCEPTED),
        handling_unit=unit,
        subject="申请公开",
        content="申请公开某文件",
        tracking_token=secrets.token_urlsafe(32),
        received_on=dt.date.fromisoformat(received),
        closed_at=at(closed),
    )
    DisclosureRequest.objects.create(
        case=case, applicant_type=applicant, description="某文件", result=result, replied_at=at(replied)
    )
    return case


@pytest.fixture
def requests_2025(tree: Any) -> None:
    unit = tree.urumqi
    # Carried over from 2024: one settled in January, one still open.
    request(
        unit,
        ApplicantType.NATURAL_PERSON,
        "2024-12-20",
        closed="2025-01-10",
        result=DisclosureResult.DISCLOSED,
    )
    request(unit, ApplicantType.BUSINESS, "2024-11-01")
    # New in 2025.
    request(
        unit,
        ApplicantType.NATURAL_PERSON,
        "2025-03-01",
        replied="2025-03-15",
        result=DisclosureResult.PARTIAL,
    )
    request(
        unit,
        ApplicantType.RESEARCH,
        "2025-05-01",
        closed="2025-05-20",
        result=DisclosureResult.REFUSED_PROCESS,
    )
    request(
        unit,
        ApplicantType.PUBLIC_WELFARE,
        "2025-12-20",
        closed="2026-01-05",
        result=DisclosureResult.DISCLOSED,
    )
    request(unit, ApplicantType.NATURAL_PERSON, "2025-06-01", closed="2025-06-10")  # no result: （六）3
    request(
        unit,
        ApplicantType.OTHER_ORGANISATION,
        "2025-02-01",
        closed="2025-02-05",
        result=DisclosureResult.NOT_HANDLED_REPEAT,
    )
    # Not in the 2025 report: settled in 2024, received in 2026, another unit.
    request(
        unit,
        ApplicantType.NATURAL_PERSON,
        "2024-05-01",
        closed="2024-06-01",
        result=DisclosureResult.DISCLOSED,
    )
    request(unit, ApplicantType.LEGAL_SERVICE, "2026-01-02")
    request(tree.kashgar, ApplicantType.NATURAL_PERSON, "2025-03-01")


def test_table_three_counts_by_applicant_and_result(tree: Any, requests_2025: None) -> None:
    report = build_annual_report(tree.urumqi, 2025)
    new, carried = report.row("new").counts, report.row("carried_over").counts
    assert new == [2, 0, 1, 1, 0, 1, 5]
    assert carried == [1, 1, 0, 0, 0, 0, 2]
    assert report.row("disclosed").counts == [1, 0, 0, 0, 0, 0, 1]
    assert report.row("partial").counts == [1, 0, 0, 0, 0, 0, 1]
    assert report.row(DisclosureResult.REFUSED_PROCESS).counts == [0, 0, 1, 0, 0, 0, 1]
    assert report.row("refused_subtotal").counts == [0, 0, 1, 0, 0, 0, 1]
    assert report.row(DisclosureResult.NOT_HANDLED_REPEAT).counts == [0, 0, 0, 0, 0, 1, 1]
    assert report.row(DisclosureResult.OTHER).counts == [1, 0, 0, 0, 0, 0, 1]
    assert report.row("results_total").counts == [3, 0, 1, 0, 0, 1, 5]
    assert report.row("carried_forward").counts == [0, 1, 0, 1, 0, 0, 2]
    # 一 + 二 = 三（七）总计 + 四, column by column.
    assert report.balanced
    assert report.balance["received"] == report.balance["settled"] == [3, 1, 1, 1, 0, 1, 7]


def test_carried_forward_is_next_years_carried_over(tree: Any, requests_2025: None) -> None:
    this_year = build_annual_report(tree.urumqi, 2025)
    next_year = build_annual_report(tree.urumqi, 2026)
    assert next_year.row("carried_over").counts == this_year.row("carried_forward").counts
    assert next_year.row("new").counts[TOTAL] == 1
    assert next_year.row("disclosed").counts[WELFARE] == 1
    assert next_year.balanced


def test_inconsistent_dates_break_the_check_and_show_a_warning(tree: Any, requests_2025: None) -> None:
    # Closed before it was received: counted as new, but neither settled in the year nor open.
    request(
        tree.urumqi,
        ApplicantType.BUSINESS,
        "2025-04-01",
        closed="2024-12-01",
        result=DisclosureResult.DISCLOSED,
    )
    report = build_annual_report(tree.urumqi, 2025)
    assert not report.balanced
    from django.template.loader import render_to_string

    html = render_to_string("portal/catalogue/annual_report_tables.html", {"report": report})
    assert 'data-testid="report-balance-warning"' in html


def test_table_two_counts_rules_and_normative_documents(tree: Any, sites: Any) -> None:
    index = add_catalogue(sites.urumqi)
    add_item(index, "规章甲", category=DisclosureCategory.RULES, issued_on=dt.date(2025, 3, 1))
    add_item(index, "规范性文件甲", category=DisclosureCategory.NORMATIVE, issued_on=dt.date(2025, 2, 1))
    add_item(
        index,
        "规范性文件乙",
        category=DisclosureCategory.NORMATIVE,
        issued_on=dt.date(2023, 1, 1),
        validity=Validity.ABOLISHED,
        abolished_on=dt.date(2025, 7, 1),
    )
    add_item(
        index,
        "规范性文件丙",
        category=DisclosureCategory.NORMATIVE,
        issued_on=dt.date(2024, 1, 1),
        validity=Validity.EXPIRED,
        abolished_on=dt.date(2026, 3, 1),  # still in force at the end of 2025
    )
    add_item(
        index, "未发布", category=DisclosureCategory.NORMATIVE, issued_on=dt.date(2025, 4, 1), publish=False
    )
    add_item(index, "其他文件", category=DisclosureCategory.OTHER_DOCUMENTS, issued_on=dt.date(2025, 4, 1))
    other = add_catalogue(sites.kashgar)
    add_item(other, "喀什规章", category=DisclosureCategory.RULES, issued_on=dt.date(2025, 3, 1))

    rules, normative = build_annual_report(tree.urumqi, 2025).documents
    assert (rules.issued, rules.abolished, rules.in_force) == (1, 0, 1)
    assert (normative.issued, normative.abolished, normative.in_force) == (1, 1, 2)


def test_xlsx_has_the_same_numbers(tree: Any, requests_2025: None) -> None:
    from openpyxl import load_workbook

    report = build_annual_report(tree.urumqi, 2025)
    book = load_workbook(io.BytesIO(report_to_xlsx(report)))
    sheet = book["三 依申请公开"]
    sheet_rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    # Same rows, same order, same numbers (heading rows carry no numbers).
    assert [r[0] for r in sheet_rows] == [row.label for row in report.requests]
    for sheet_row, row in zip(sheet_rows, report.requests, strict=True):
        assert [v for v in sheet_row[1:] if v is not None] == row.counts, row.key
    assert sheet_rows[0][1:] == [2, 0, 1, 1, 0, 1, 5]
    assert book["二 主动公开"]["A3"].value == report.documents[0].label
