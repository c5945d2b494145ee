"""Duplicate suspects through the UI: compare, merge, undo, dismiss (DB-2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from edugov.platform.testing.fixtures import make_user
from edugov.registry.actions.students import do_change_status
from edugov.registry.models import DuplicateSuspect, Student, StudentMerge
from edugov.registry.tests.factories import enrol

pytestmark = pytest.mark.django_db

GUARDIAN = {"name": "热合曼", "relation": "51", "phone": "13900001111"}


@pytest.fixture
def registrar(tree):
    return make_user("ts_reg", unit=tree.school_tianshan, role="registrar")


@pytest.fixture
def suspect(tree, registrar):
    """Two records without an ID number: same name, birth date and guardian; one ended."""
    enrol(tree.school_tianshan, user=registrar, id_number="", name="艾力", guardians=[GUARDIAN])
    second = enrol(tree.school_tianshan, user=registrar, id_number="", name="艾力", guardians=[GUARDIAN])
    do_change_status(second, kind="06", effective_on=second.started_on, acting_user=registrar)
    return DuplicateSuspect.objects.get()


def test_duplicate_pages_four_callers(client, tree, suspect, no_mfa):
    list_url = reverse("registry:duplicate_list")
    merge_url = reverse("registry:duplicate_merge", args=[suspect.pk])
    post = {"kept": "first", "decision": "merge"}
    assert client.get(list_url)["Location"].startswith(reverse("account_login"))
    assert client.post(merge_url, post)["Location"].startswith(reverse("account_login"))
    for user in (
        make_user("plain", unit=tree.school_tianshan),
        make_user("kashi_reg", unit=tree.school_kashi, role="registrar"),
        make_user("ts_staff", unit=tree.tianshan, role="bureau_staff"),  # views students, may not merge
    ):
        client.force_login(user)
        body = client.get(list_url).content.decode()
        assert "艾力" not in body
        assert client.get(merge_url).status_code == 404
        assert client.post(merge_url, post).status_code == 404
    assert not StudentMerge.objects.exists()
    client.force_login(make_user("ts_reg2", unit=tree.school_tianshan, role="registrar"))
    assert "艾力" in client.get(list_url).content.decode()
    assert client.get(merge_url).status_code == 200


def test_merge_then_undo_through_the_views(client, tree, registrar, suspect, no_mfa):
    client.force_login(registrar)
    merge_url = reverse("registry:duplicate_merge", args=[suspect.pk])
    body = client.get(merge_url).content.decode()
    assert "13900001111" not in body
    assert "139****1111" in body
    response = client.post(merge_url, {"decision": "merge"})
    assert response.context["form"].errors["kept"]
    response = client.post(merge_url, {"kept": "first", "decision": "merge", "reason": "同一人"})
    assert response["Location"] == reverse("registry:student_detail", args=[suspect.first_id])
    merged = Student.objects.get(pk=suspect.second_id)
    assert merged.merged_into_id == suspect.first_id
    assert Student.objects.get(pk=suspect.first_id).enrolments.count() == 2
    suspect.refresh_from_db()
    assert suspect.status == "merged"
    merge = StudentMerge.objects.get()
    listing = client.get(reverse("registry:duplicate_list")).content.decode()
    assert reverse("registry:merge_revert", args=[merge.pk]) in listing

    assert client.get(reverse("registry:merge_revert", args=[merge.pk])).status_code == 405
    response = client.post(reverse("registry:merge_revert", args=[merge.pk]), {"reason": "误合并"})
    assert response.status_code == 302
    merge.refresh_from_db()
    assert merge.reverted_at is not None
    assert Student.objects.get(pk=suspect.second_id).merged_into_id is None
    assert Student.objects.get(pk=suspect.first_id).enrolments.count() == 1
    suspect.refresh_from_db()
    assert suspect.status == "open"


def test_merge_revert_from_another_unit_is_not_found(client, tree, registrar, suspect, no_mfa):
    client.force_login(registrar)
    client.post(
        reverse("registry:duplicate_merge", args=[suspect.pk]), {"kept": "first", "decision": "merge"}
    )
    merge = StudentMerge.objects.get()
    client.force_login(make_user("kashi_reg", unit=tree.school_kashi, role="registrar"))
    assert client.post(reverse("registry:merge_revert", args=[merge.pk])).status_code == 404
    merge.refresh_from_db()
    assert merge.reverted_at is None


def test_merge_refused_when_both_records_are_active(client, tree, registrar, no_mfa):
    enrol(tree.school_tianshan, user=registrar, id_number="", name="艾力", guardians=[GUARDIAN])
    enrol(tree.school_tianshan, user=registrar, id_number="", name="艾力", guardians=[GUARDIAN])
    suspect = DuplicateSuspect.objects.get()
    client.force_login(registrar)
    url = reverse("registry:duplicate_merge", args=[suspect.pk])
    response = client.post(url, {"kept": "second", "decision": "merge"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not StudentMerge.objects.exists()


def test_dismiss_marks_two_people(client, tree, registrar, suspect, no_mfa):
    client.force_login(registrar)
    url = reverse("registry:duplicate_merge", args=[suspect.pk])
    assert client.post(url, {"decision": "dismiss", "reason": "双胞胎"}).status_code == 302
    suspect.refresh_from_db()
    assert suspect.status == "dismissed"
    assert "艾力" not in client.get(reverse("registry:duplicate_list")).content.decode()
    response = client.post(url, {"kept": "first", "decision": "merge"})
    assert response.context["form"].non_field_errors()
    assert not StudentMerge.objects.exists()
