"""Student export: scoped, masked unless the personal-data grant covers it all, audited (DB-9)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.registry.exports import write_xlsx
from edugov.registry.tests.factories import enrol

pytestmark = pytest.mark.django_db


def _rows(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def pupils(tree):
    return (
        enrol(tree.school_tianshan, name="古丽", enrolment={"grade": "15"}).student,
        enrol(tree.school_shayibake, name="阿曼").student,
        enrol(tree.school_kashi, name="喀什娃").student,
    )


def test_export_four_callers(client, tree, pupils, no_mfa):
    url = reverse("registry:student_export")
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(make_user("teacher", unit=tree.school_tianshan, role="teacher"))  # view, no export
    assert client.get(url).status_code == 404
    client.force_login(make_user("kashi_reg", unit=tree.school_kashi, role="registrar"))
    names = [row[1] for row in _rows(client.get(url))[1:]]
    assert names == ["喀什娃"]
    client.force_login(make_user("urumqi", unit=tree.urumqi, role="bureau_staff"))
    names = {row[1] for row in _rows(client.get(url))[1:]}
    assert names == {"古丽", "阿曼"}


def test_export_is_masked_without_the_personal_grant_and_audited(client, tree, pupils, no_mfa):
    client.force_login(make_user("urumqi", unit=tree.urumqi, role="bureau_staff"))
    response = client.get(reverse("registry:student_export"), {"grade": "15"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _rows(response)
    assert len(rows) == 2
    assert rows[1][3] == pupils[0].id_masked
    flat = " ".join(str(v) for row in rows for v in row)
    assert pupils[0].id_number not in flat
    assert "解放北路" not in flat
    entry = AuditEntry.objects.get(event_type="registry.exported")
    assert entry.extra_data["rows"] == 1
    assert entry.extra_data["unmasked"] is False
    assert entry.extra_data["filters"] == {"grade": "15"}
    assert entry.extra_data["kind"] == "students"


def test_export_in_full_when_every_unit_is_covered(client, tree, pupils, no_mfa):
    client.force_login(make_user("ts_reg", unit=tree.school_tianshan, role="registrar"))
    rows = _rows(client.get(reverse("registry:student_export")))
    assert rows[1][0] == pupils[0].student_number
    assert rows[1][3] == pupils[0].id_number
    assert "解放北路" in " ".join(str(v) for v in rows[1])
    assert AuditEntry.objects.get(event_type="registry.exported").extra_data["unmasked"] is True


def test_export_follows_the_list_filters(client, tree, pupils, no_mfa):
    client.force_login(make_user("urumqi", unit=tree.urumqi, role="bureau_staff"))
    search = client.post(reverse("registry:student_list"), {"id_number": pupils[1].id_number})
    query = search["Location"].split("?", 1)[1]
    rows = _rows(client.get(reverse("registry:student_export") + "?" + query))
    assert [row[1] for row in rows[1:]] == ["阿曼"]
    rows = _rows(client.get(reverse("registry:student_export"), {"unit": tree.shayibake.pk}))
    assert [row[1] for row in rows[1:]] == ["阿曼"]


def test_write_xlsx_keeps_formulas_as_text_and_types_values():
    import datetime as dt
    import decimal

    from python_calamine import CalamineWorkbook

    buffer = io.BytesIO()
    rows = [
        ["=1+1", "@SUM(A1)", "a\x01b <&>", " 前后空格 "],
        [1, decimal.Decimal("2.50"), True, None],
        [dt.date(2015, 3, 1), dt.datetime(2026, 1, 2, 8, 30), "", 3.5],
    ]
    count = write_xlsx(buffer, ["甲", "乙", "丙", "丁"], rows, title="学生[2026]")
    assert count == 3
    buffer.seek(0)
    book = load_workbook(buffer)
    sheet = book.active
    assert sheet.title == "学生 2026"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "甲"
    assert sheet["A1"].font.b
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == "@SUM(A1)"
    assert sheet["C2"].value == "ab <&>"
    assert sheet["D2"].value == " 前后空格 "
    assert (sheet["A3"].value, sheet["B3"].value, sheet["C3"].value, sheet["D3"].value) == (
        1,
        2.5,
        True,
        None,
    )
    assert sheet["A4"].value == dt.datetime(2015, 3, 1)
    assert sheet["A4"].number_format == "yyyy-mm-dd"
    assert sheet["B4"].value == dt.datetime(2026, 1, 2, 8, 30)
    read = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0).to_python()
    assert read[0] == ["甲", "乙", "丙", "丁"]
    assert read[1][0] == "=1+1"
    assert read[3][0] == dt.date(2015, 3, 1)


def test_write_xlsx_many_rows_many_columns():
    buffer = io.BytesIO()
    headers = [f"h{i}" for i in range(30)]
    assert write_xlsx(buffer, headers, ([n] * 30 for n in range(3000))) == 3000
    buffer.seek(0)
    sheet = load_workbook(buffer, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3001
    assert rows[-1][29] == 2999
    assert rows[0][27] == "h27"
