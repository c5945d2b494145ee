import datetime as dt

import pytest
from django.urls import reverse

from edugov.core.audit import AuditEvent
from edugov.core.models import AuditEntry, CalendarDay, CalendarYear
from edugov.core.tests.test_calendar import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123456789"


@pytest.fixture
def national_day():
    return CalendarDay.objects.get(jurisdiction="CN", date=dt.date(2026, 10, 1))


@pytest.fixture
def viewer_client(client):
    client.force_login(make_user("viewer"))
    return client


@pytest.fixture
def editor(client):
    user = make_user("editor", calendar_editor=True)
    client.force_login(user)
    return user


def calendar_audit_entries():
    return AuditEntry.objects.filter(event_type=AuditEvent.CALENDAR_CHANGED).order_by("seq")


# --- Anonymous ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        pytest.param("workspace:calendar", [], id="calendar_case"),
        pytest.param("workspace:calendar_compute", [], id="compute_case"),
        pytest.param("workspace:calendar_day_add", [], id="add_case"),
        pytest.param("workspace:calendar_day_edit", [1], id="edit_case"),
    ],
)
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_cannot_delete(client, national_day):
    response = client.post(reverse("workspace:calendar_day_delete", args=[national_day.pk]))

    assert response.status_code == 302
    assert CalendarDay.objects.filter(pk=national_day.pk).exists()


# --- Signed in without the permission -----------------------------------------------------


def test_viewer_sees_the_calendar_but_no_edit_buttons(viewer_client):
    response = viewer_client.get(reverse("workspace:calendar"), {"year": 2026, "jurisdiction": "CN"})

    assert response.status_code == 200
    assert "国庆节" in response.text
    assert 'data-testid="calendar-covered"' in response.text
    assert 'data-testid="calendar-add"' not in response.text
    assert 'data-testid="calendar-mark"' not in response.text


def test_uncovered_year_shows_a_warning(viewer_client):
    response = viewer_client.get(reverse("workspace:calendar"), {"year": 2027})

    assert response.status_code == 200
    assert 'data-testid="calendar-uncovered"' in response.text


@pytest.mark.parametrize("year", ["abc", "99999", ""])
def test_calendar_tolerates_bad_query_parameters(viewer_client, year):
    response = viewer_client.get(reverse("workspace:calendar"), {"year": year, "jurisdiction": "xx"})

    assert response.status_code == 200


def test_viewer_gets_404_on_every_edit_page_and_nothing_changes(viewer_client, national_day):
    before = list(CalendarDay.objects.values_list("pk", "kind", "name"))
    day_data = {"jurisdiction": "CN", "date": "2026-10-08", "kind": "holiday", "name": "x"}

    responses = [
        viewer_client.get(reverse("workspace:calendar_day_add")),
        viewer_client.post(reverse("workspace:calendar_day_add"), day_data),
        viewer_client.get(reverse("workspace:calendar_day_edit", args=[national_day.pk])),
        viewer_client.post(
            reverse("workspace:calendar_day_edit", args=[national_day.pk]), {"kind": "workday", "name": "x"}
        ),
        viewer_client.post(reverse("workspace:calendar_day_delete", args=[national_day.pk])),
        viewer_client.post(reverse("workspace:calendar_year_mark"), {"jurisdiction": "CN", "year": 2027}),
    ]

    assert [r.status_code for r in responses] == [404] * 6
    assert list(CalendarDay.objects.values_list("pk", "kind", "name")) == before
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not calendar_audit_entries().exists()


def test_missing_day_looks_the_same_as_forbidden(client, editor):
    assert client.get(reverse("workspace:calendar_day_edit", args=[999999])).status_code == 404
    assert client.post(reverse("workspace:calendar_day_delete", args=[999999])).status_code == 404


# --- Calendar editor ----------------------------------------------------------------------


def test_editor_adds_edits_and_deletes_a_day_with_audit_entries(client, editor):
    add = client.post(
        reverse("workspace:calendar_day_add"),
        {"jurisdiction": "65", "date": "2026-05-27", "kind": "holiday", "name": "古尔邦节"},
    )
    day = CalendarDay.objects.get(jurisdiction="65", date=dt.date(2026, 5, 27))
    edit = client.post(
        reverse("workspace:calendar_day_edit", args=[day.pk]), {"kind": "holiday", "name": "古尔邦节假期"}
    )
    day.refresh_from_db()
    delete = client.post(reverse("workspace:calendar_day_delete", args=[day.pk]))

    assert add.status_code == edit.status_code == delete.status_code == 302
    assert add["Location"] == reverse("workspace:calendar") + "?year=2026&jurisdiction=65"
    assert (day.name, day.source, day.updated_by) == ("古尔邦节假期", "manual", editor)
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    entries = list(calendar_audit_entries())
    assert [e.extra_data["operation"] for e in entries] == ["created", "updated", "deleted"]
    assert all(e.acting_user == editor and e.target_id == str(day.pk) for e in entries)
    assert entries[1].extra_data["changes"] == {"name": ["古尔邦节", "古尔邦节假期"]}


def test_editing_a_seeded_day_makes_it_a_manual_edit(client, editor, national_day):
    response = client.post(
        reverse("workspace:calendar_day_edit", args=[national_day.pk]),
        {"kind": "holiday", "name": "国庆节", "jurisdiction": "65", "date": "2030-01-01"},
    )

    national_day.refresh_from_db()
    assert response.status_code == 302
    # The identifying fields are disabled: posted values for them are ignored.
    assert (national_day.jurisdiction, national_day.date) == ("CN", dt.date(2026, 10, 1))
    assert national_day.source == "manual"


def test_add_form_shows_validation_errors(client, editor):
    response = client.post(
        reverse("workspace:calendar_day_add"),
        {"jurisdiction": "CN", "date": "2026-10-01", "kind": "holiday", "name": "国庆节"},
    )
    weekday_workday = client.post(
        reverse("workspace:calendar_day_add"),
        {"jurisdiction": "CN", "date": "2026-11-04", "kind": "workday", "name": "x"},
    )

    assert response.status_code == weekday_workday.status_code == 200
    assert response.context["form"].errors["date"]
    assert weekday_workday.context["form"].errors["kind"]
    assert not calendar_audit_entries().exists()


def test_editor_marks_next_year_as_covered(client, editor):
    response = client.post(
        reverse("workspace:calendar_year_mark"),
        {"jurisdiction": "CN", "year": 2027, "note": "国办发明电〔2026〕x号"},
    )

    assert response.status_code == 302
    row = CalendarYear.objects.get(jurisdiction="CN", year=2027)
    assert (row.source, row.note) == ("manual", "国办发明电〔2026〕x号")
    assert calendar_audit_entries().get().extra_data["operation"] == "year_marked"


def test_calendar_page_shows_edit_controls_to_an_editor(client, editor):
    response = client.get(reverse("workspace:calendar"), {"year": 2027})

    assert 'data-testid="calendar-add"' in response.text
    assert 'data-testid="calendar-mark"' in response.text


def test_delete_needs_post(client, editor, national_day):
    response = client.get(reverse("workspace:calendar_day_delete", args=[national_day.pk]))

    assert response.status_code == 405


# --- Deadline calculator ------------------------------------------------------------------


def test_compute_page_shows_the_result_and_explanation(viewer_client):
    response = viewer_client.get(
        reverse("workspace:calendar_compute"),
        {"start": "2026-09-18", "n": 20, "jurisdiction": "CN"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert response.context["result"].result == dt.date(2026, 10, 22)
    assert "2026-10-22" in response.text
    assert "国庆节" in response.text


def test_compute_page_warns_beyond_coverage(viewer_client):
    response = viewer_client.get(reverse("workspace:calendar_compute"), {"start": "2026-12-20", "n": 20})

    assert response.context["result"].result == dt.date(2027, 1, 15)
    assert response.context["result"].warnings


def test_compute_page_rejects_bad_input(viewer_client):
    response = viewer_client.get(reverse("workspace:calendar_compute"), {"start": "x", "n": -3})

    assert response.status_code == 200
    assert response.context["result"] is None
    assert set(response.context["form"].errors) == {"start", "n"}
