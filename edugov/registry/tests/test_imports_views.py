"""Import pages (DB-7): upload, job page, progress, downloads, retry — each for four callers."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.registry.imports import create_import_job, run_import
from edugov.registry.models import ImportJob, Student
from edugov.registry.tests.test_imports import csv_bytes, student_row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

CALLERS = ["anonymous", "no_grant", "other_unit", "this_unit"]


@pytest.fixture
def people(tree):
    return {
        "no_grant": make_user("nobody", unit=tree.school_tianshan),
        "other_unit": make_user("kashi_registrar", unit=tree.school_kashi, role="registrar"),
        "this_unit": make_user("registrar", unit=tree.school_tianshan, role="registrar"),
    }


@pytest.fixture
def job(tree, people):
    """A finished job of the tianshan school with one bad row (so a report and rejects exist)."""
    content = csv_bytes([student_row(1), student_row(2, 性别="X")])
    created = create_import_job(
        kind="students",
        organization=tree.school_tianshan,
        uploaded_file_or_path=SimpleUploadedFile("s.csv", content),
        mode="valid",
        acting_user=people["this_unit"],
    )
    return run_import(created)


def login(client, people, caller):
    if caller != "anonymous":
        client.force_login(people[caller])


def assert_refused(response, caller):
    if caller == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("caller", CALLERS)
def test_job_page(client, people, job, caller):
    login(client, people, caller)
    response = client.get(reverse("registry:import_detail", args=[job.pk]))
    if caller == "this_unit":
        assert response.status_code == 200
        body = response.content.decode()
        assert "s.csv" in body
        assert 'data-testid="problem-row"' in body
        assert "性别" in body
    else:
        assert_refused(response, caller)
        assert b"s.csv" not in response.content


@pytest.mark.parametrize("caller", CALLERS)
def test_progress_fragment(client, people, job, caller):
    login(client, people, caller)
    response = client.get(reverse("registry:import_progress", args=[job.pk]))
    if caller == "this_unit":
        assert response.status_code == 200
        assert response["HX-Refresh"] == "true"
        assert b"<progress" in response.content
    else:
        assert_refused(response, caller)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("which", ["report", "rejects"])
def test_downloads_are_audited_and_scoped(client, people, job, caller, which):
    login(client, people, caller)
    response = client.get(reverse("registry:import_download", args=[job.pk, which]))
    if caller == "this_unit":
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert book.worksheets[0].max_row == 2
        assert AuditEntry.objects.filter(event_type="registry.exported", target_id=str(job.pk)).count() == 1
    else:
        assert_refused(response, caller)
        assert not AuditEntry.objects.filter(event_type="registry.exported").exists()


def test_viewer_without_import_grant_sees_the_job_but_cannot_download(client, tree, job):
    leader = make_user("leader", unit=tree.tianshan, role="bureau_leader")
    client.force_login(leader)
    page = client.get(reverse("registry:import_detail", args=[job.pk]))
    assert page.status_code == 200
    assert page.context["may_download"] is False
    assert ">X<" not in page.content.decode()  # the values of the bad cells are not shown
    assert client.get(reverse("registry:import_download", args=[job.pk, "report"])).status_code == 404


@pytest.mark.parametrize("caller", CALLERS)
def test_retry(client, tree, people, caller, django_capture_on_commit_callbacks):
    job = create_import_job(
        kind="students",
        organization=tree.school_tianshan,
        uploaded_file_or_path=SimpleUploadedFile("s.csv", csv_bytes([student_row(1)])),
        acting_user=people["this_unit"],
    )
    ImportJob.objects.filter(pk=job.pk).update(status="failed", message="boom")
    login(client, people, caller)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:import_retry", args=[job.pk]))
    job.refresh_from_db()
    if caller == "this_unit":
        assert response.status_code == 302
        assert job.status == "done"
    else:
        assert_refused(response, caller)
        assert job.status == "failed"


@pytest.mark.parametrize("caller", CALLERS)
def test_job_list_shows_only_the_callers_scope(client, people, job, caller):
    login(client, people, caller)
    response = client.get(reverse("registry:import_list"))
    if caller in {"anonymous", "no_grant"}:
        assert_refused(response, caller)
    else:
        assert response.status_code == 200
        assert (b"s.csv" in response.content) is (caller == "this_unit")


@pytest.mark.parametrize("caller", CALLERS)
def test_upload_starts_a_job(client, tree, people, caller, django_capture_on_commit_callbacks):
    login(client, people, caller)
    upload = SimpleUploadedFile("new.csv", csv_bytes([student_row(5)]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:import_new"),
            {"kind": "students", "unit": tree.school_tianshan.pk, "mode": "all", "file": upload},
        )
    if caller == "this_unit":
        job = ImportJob.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("registry:import_detail", args=[job.pk])
        assert job.status == "done"
        assert Student.objects.filter(name="学生5").exists()
    elif caller == "other_unit":
        assert response.status_code == 200  # the form again: the unit is not one of theirs
        assert "unit" in response.context["form"].errors
        assert not ImportJob.objects.exists()
    else:
        assert_refused(response, caller)
        assert not ImportJob.objects.exists()


@pytest.mark.parametrize("caller", CALLERS)
def test_template_download(client, people, caller):
    login(client, people, caller)
    response = client.get(reverse("registry:import_template", args=["students"]))
    if caller in {"other_unit", "this_unit"}:
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert book.worksheets[0]["A1"].value == "姓名"
    else:
        assert_refused(response, caller)


def test_upload_over_the_limit_is_refused_with_size_and_limit(client, tree, people, settings):
    settings.EDUGOV_IMPORT_MAX_BYTES = 1000
    client.force_login(people["this_unit"])
    upload = SimpleUploadedFile("big.csv", b"x" * 200_000)
    response = client.post(
        reverse("registry:import_new"),
        {"kind": "students", "unit": tree.school_tianshan.pk, "mode": "all", "file": upload},
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert "KB" in message
    assert "1000 B" in message
    assert not ImportJob.objects.exists()


def test_upload_of_an_unsupported_type_is_refused(client, tree, people):
    client.force_login(people["this_unit"])
    upload = SimpleUploadedFile("students.docx", b"PK\x03\x04whatever")
    response = client.post(
        reverse("registry:import_new"),
        {"kind": "students", "unit": tree.school_tianshan.pk, "mode": "all", "file": upload},
    )
    assert response.status_code == 200
    assert ".docx" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()
