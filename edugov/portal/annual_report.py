"""The annual government-information disclosure report (STANDARDS §6.3, §6.4; 国办公开办函〔2021〕30号).

``build_annual_report(unit, year)`` computes every table from records:

* table 二 第二十条第（一）项 from the unit's live ``DisclosureItemPage`` rows of category 规章
  and 行政规范性文件: issued this year (成文日期 in the year), abolished this year (expired or
  abolished on a date in the year) and in force at the end of the year;
* table 二 第（五）（六）（八）项, table 四 and the text sections 一、五、六 from
  ``AnnualReportFigures`` (entered on the staff form);
* table 三 from the unit's disclosure requests (``Case`` of kind disclosure + ``DisclosureRequest``):

  - a request's *received* date is ``Case.received_on`` (or the day it was submitted);
  - its *finished* date is the earliest of the reply (``DisclosureRequest.replied_at``) and the
    closing of the case (``Case.closed_at``); requests not finished are open;
  - 一 new: received in the year; 二 carried over: received before the year and not finished
    before it; 三 results: received by the end of the year and finished in it, by
    ``DisclosureRequest.result`` (no result recorded counts as （六）3 其他); 四 carried forward:
    counted in 一 or 二 and not finished by the end of the year.

  The check 一 + 二 = 三（七）总计 + 四 holds whenever the dates are consistent; a request
  finished before it was received breaks it, and the report shows a warning row.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edugov.portal.choices import ApplicantType, CaseKind, DisclosureResult
from edugov.portal.models.catalogue import DisclosureCategory, in_force_q

# Table 三's columns: 自然人, the five kinds of 法人或其他组织, 总计.
COLUMNS = [
    (ApplicantType.NATURAL_PERSON, gettext_lazy("Natural persons 自然人")),
    (ApplicantType.BUSINESS, gettext_lazy("Commercial enterprises 商业企业")),
    (ApplicantType.RESEARCH, gettext_lazy("Research institutions 科研机构")),
    (ApplicantType.PUBLIC_WELFARE, gettext_lazy("Public-interest organisations 社会公益组织")),
    (ApplicantType.LEGAL_SERVICE, gettext_lazy("Legal service organisations 法律服务机构")),
    (ApplicantType.OTHER_ORGANISATION, gettext_lazy("Other 其他")),
]
ORGANISATION_COLUMNS = 5

# Table 三's result groups: (key, label, [results]).
R = DisclosureResult
RESULT_GROUPS = [
    ("disclosed", gettext_lazy("(一) Disclosed 予以公开"), [R.DISCLOSED]),
    ("partial", gettext_lazy("(二) Partly disclosed 部分公开"), [R.PARTIAL]),
    (
        "refused",
        gettext_lazy("(三) Not disclosed 不予公开"),
        [
            R.REFUSED_STATE_SECRET,
            R.REFUSED_LAW,
            R.REFUSED_SECURITY,
            R.REFUSED_THIRD_PARTY,
            R.REFUSED_INTERNAL,
            R.REFUSED_PROCESS,
            R.REFUSED_ENFORCEMENT,
            R.REFUSED_QUERY,
        ],
    ),
    (
        "unavailable",
        gettext_lazy("(四) Cannot be provided 无法提供"),
        [R.UNAVAILABLE_NOT_HELD, R.UNAVAILABLE_NEEDS_CREATION, R.UNAVAILABLE_UNCLEAR],
    ),
    (
        "not_handled",
        gettext_lazy("(五) Not handled 不予处理"),
        [
            R.NOT_HANDLED_PETITION,
            R.NOT_HANDLED_REPEAT,
            R.NOT_HANDLED_PUBLICATION,
            R.NOT_HANDLED_EXCESSIVE,
            R.NOT_HANDLED_CONFIRM,
        ],
    ),
    (
        "other_handling",
        gettext_lazy("(六) Other handling 其他处理"),
        [R.OTHER_NO_CORRECTION, R.OTHER_NO_FEE, R.OTHER],
    ),
]

REVIEW_COLUMNS = [
    gettext_lazy("Upheld 结果维持"),
    gettext_lazy("Corrected 结果纠正"),
    gettext_lazy("Other result 其他结果"),
    gettext_lazy("Pending 尚未审结"),
    gettext_lazy("Total 总计"),
]
REVIEW_GROUPS = [
    ("review", gettext_lazy("Administrative review 行政复议")),
    ("litigation_direct", gettext_lazy("Litigation without prior review 未经复议直接起诉")),
    ("litigation_after_review", gettext_lazy("Litigation after review 复议后起诉")),
]


@dataclass
class DocumentRow:
    label: str
    issued: int
    abolished: int
    in_force: int


@dataclass
class FigureRow:
    label: str
    value: Any


@dataclass
class CountRow:
    """One row of table 三: seven counts (six applicant columns and the total)."""

    key: str
    label: str
    counts: list[int]
    # "main" (一、二、四), "group" (a result group with no sub-items), "sub" (a sub-item),
    # "subtotal", "total" (（七）总计), "heading" (三 and groups with sub-items).
    level: str = "main"

    @property
    def total(self) -> int:
        return self.counts[-1]


@dataclass
class AnnualReport:
    unit: Any
    year: int
    generated_at: dt.datetime
    deadline: dt.date
    documents: list[DocumentRow]
    licensing: list[FigureRow]
    penalties: list[FigureRow]
    fees: list[FigureRow]
    columns: list[str]
    requests: list[CountRow]
    review_columns: list[str]
    review_groups: list[tuple[str, list[int]]]
    overview: str = ""
    problems: str = ""
    other_matters: str = ""
    balance: dict[str, list[int]] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        """一 + 二 = 三（七）总计 + 四, in every column."""
        return self.balance["received"] == self.balance["settled"]

    def row(self, key: str) -> CountRow:
        return next(r for r in self.requests if r.key == key)


def report_deadline(year: int) -> dt.date:
    """The publication deadline of ``year``'s report (第五十条: 31 January for a bureau; configurable)."""
    month, day = getattr(settings, "EDUGOV_PORTAL_ANNUAL_REPORT_DEADLINE", (1, 31))
    return dt.date(year + 1, month, day)


def _documents_table(unit: Any, year: int) -> list[DocumentRow]:
    from edugov.portal.models import DisclosureItemPage

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    items = DisclosureItemPage.objects.live().filter(unit=unit)
    rows = []
    for category, label in (
        (DisclosureCategory.RULES, _("Rules 规章")),
        (DisclosureCategory.NORMATIVE, _("Administrative normative documents 行政规范性文件")),
    ):
        of_kind = items.filter(category=category)
        rows.append(
            DocumentRow(
                label=label,
                issued=of_kind.filter(issued_on__range=(start, end)).count(),
                abolished=of_kind.filter(abolished_on__range=(start, end)).count(),
                in_force=of_kind.filter(in_force_q(end)).exclude(issued_on__gt=end).count(),
            )
        )
    return rows


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def _requests_table(unit: Any, year: int) -> tuple[list[CountRow], dict[str, list[int]]]:
    from edugov.portal.models import Case

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    width = len(COLUMNS) + 1
    column_of = {value: i for i, (value, _label) in enumerate(COLUMNS)}
    new, carried, forward = [0] * width, [0] * width, [0] * width
    by_result: dict[str, list[int]] = {r: [0] * width for r in DisclosureResult.values}

    cases = (
        Case.objects.filter(kind=CaseKind.DISCLOSURE, handling_unit=unit)
        .select_related("disclosure")
        .only(
            "received_on",
            "created_at",
            "closed_at",
            "disclosure__applicant_type",
            "disclosure__result",
            "disclosure__replied_at",
        )
    )
    for case in cases.iterator():
        disclosure = getattr(case, "disclosure", None)
        received = case.received_on or _local_date(case.created_at)
        if received is None or received > end:
            continue
        ends = [
            d
            for d in (_local_date(disclosure.replied_at if disclosure else None), _local_date(case.closed_at))
            if d
        ]
        finished = min(ends) if ends else None
        if received < start and finished is not None and finished < start:
            continue  # settled in an earlier year
        column = column_of.get(
            disclosure.applicant_type if disclosure else "", column_of[ApplicantType.OTHER_ORGANISATION]
        )
        counted_in = new if received >= start else carried
        counted_in[column] += 1
        if finished is None or finished > end:
            forward[column] += 1
        elif finished >= start:
            result = (disclosure.result if disclosure else "") or DisclosureResult.OTHER
            by_result[result][column] += 1
    for row in (new, carried, forward, *by_result.values()):
        row[-1] = sum(row[:-1])

    rows = [
        CountRow("new", _("一、New requests this year 本年新收政府信息公开申请数量"), new),
        CountRow("carried_over", _("二、Carried over from last year 上年结转政府信息公开申请数量"), carried),
        CountRow("results", _("三、Results this year 本年度办理结果"), [], level="heading"),
    ]
    grand = [0] * width
    for key, label, results in RESULT_GROUPS:
        subtotal = [sum(by_result[r][i] for r in results) for i in range(width)]
        grand = [a + b for a, b in zip(grand, subtotal, strict=True)]
        if len(results) == 1:
            rows.append(CountRow(key, str(label), subtotal, level="group"))
            continue
        rows.append(CountRow(key, str(label), [], level="heading"))
        for result in results:
            rows.append(
                CountRow(str(result), str(DisclosureResult(result).label), by_result[result], level="sub")
            )
        rows.append(CountRow(f"{key}_subtotal", _("Subtotal 小计"), subtotal, level="subtotal"))
    rows.append(CountRow("results_total", _("(七) Total 总计"), grand, level="total"))
    rows.append(
        CountRow("carried_forward", _("四、Carried forward to next year 结转下年度继续办理"), forward)
    )
    balance = {
        "received": [a + b for a, b in zip(new, carried, strict=True)],
        "settled": [a + b for a, b in zip(grand, forward, strict=True)],
    }
    return rows, balance


def build_annual_report(unit: Any, year: int) -> AnnualReport:
    from edugov.portal.models import AnnualReportFigures

    figures = AnnualReportFigures.objects.filter(unit=unit, year=year).first()
    requests, balance = _requests_table(unit, year)
    table_four = (figures.review_litigation if figures else None) or {}
    return AnnualReport(
        unit=unit,
        year=year,
        generated_at=timezone.now(),
        deadline=report_deadline(year),
        documents=_documents_table(unit, year),
        licensing=[FigureRow(_("Administrative licensing 行政许可"), figures.licensing if figures else 0)],
        penalties=[
            FigureRow(_("Administrative penalties 行政处罚"), figures.penalties if figures else 0),
            FigureRow(_("Administrative coercion 行政强制"), figures.coercion if figures else 0),
        ],
        fees=[
            FigureRow(
                _("Administrative fees 行政事业性收费"), figures.fees_10k_yuan if figures else Decimal("0")
            )
        ],
        columns=[str(label) for _value, label in COLUMNS] + [_("Total 总计")],
        requests=requests,
        review_columns=[str(c) for c in REVIEW_COLUMNS],
        review_groups=[(str(label), list(table_four.get(key, [0] * 5))) for key, label in REVIEW_GROUPS],
        overview=figures.overview if figures else "",
        problems=figures.problems if figures else "",
        other_matters=figures.other_matters if figures else "",
        balance=balance,
    )


# --- XLSX -----------------------------------------------------------------------------------------


def report_to_xlsx(report: AnnualReport) -> bytes:
    """The report's tables in one workbook: sheet 二, 三 and 四, same rows and numbers as the page."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "二 主动公开"
    sheet.append([f"{report.unit.name} {report.year}"])
    sheet.append([_("Article 20 (1) 第二十条第（一）项"), _("Issued this year 本年制发件数"),
                  _("Abolished this year 本年废止件数"), _("In force 现行有效件数")])  # fmt: skip
    for row in report.documents:
        sheet.append([row.label, row.issued, row.abolished, row.in_force])
    sheet.append([])
    sheet.append([_("Article 20 (5) 第二十条第（五）项"), _("Decisions this year 本年处理决定数量")])
    for row in report.licensing:
        sheet.append([row.label, row.value])
    sheet.append([_("Article 20 (6) 第二十条第（六）项"), _("Decisions this year 本年处理决定数量")])
    for row in report.penalties:
        sheet.append([row.label, row.value])
    sheet.append(
        [_("Article 20 (8) 第二十条第（八）项"), _("Fees collected (10,000 yuan) 本年收费金额（单位：万元）")]
    )
    for row in report.fees:
        sheet.append([row.label, float(row.value)])

    sheet = book.create_sheet("三 依申请公开")
    sheet.append([_("Item"), *report.columns])
    for row in report.requests:
        sheet.append([row.label, *row.counts])
        if row.level in ("heading", "total", "subtotal") or row.level == "main":
            sheet.cell(row=sheet.max_row, column=1).font = bold
    if not report.balanced:
        sheet.append([_("Warning: 一 + 二 does not equal 三 total + 四.")])

    sheet = book.create_sheet("四 复议诉讼")
    sheet.append(["", *[label for label, _row in report.review_groups for _ in range(5)]])
    sheet.append(["", *(report.review_columns * len(report.review_groups))])
    sheet.append(["", *[value for _label, row in report.review_groups for value in row]])
    for sheet in book.worksheets:
        sheet.column_dimensions["A"].width = 60
        for cell in sheet["A"]:
            cell.alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
