"""Office documents marked 主动公开 become draft catalogue items when distributed, and wait in the
staff to-do list (with the 第二十六条 due date) until a reviewer publishes them (PUB-3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import WorkflowState

from edugov.core.calendar import add_working_days
from edugov.core.models import Grant, Role, User
from edugov.office.actions import documents as office_actions
from edugov.office.tests import conftest as office_conftest
from edugov.office.tests.conftest import open_task
from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.catalogue import do_mark_for_disclosure
from edugov.portal.models import DisclosureCandidate, DisclosureItemPage
from edugov.portal.models.catalogue import DisclosureAttribute, DisclosureCategory
from edugov.portal.tests.test_catalogue_pages import add_catalogue

pytestmark = pytest.mark.django_db

office = office_conftest.office  # the office app's fixture: a bureau, its people and a number series

TODO_URL = "/portal/disclosure/catalogue/"


def draft_document(office: Any) -> Any:
    return office_actions.do_create_draft(
        organization=office.tree.province,
        doc_type="notice",
        title="关于做好2026年义务教育招生入学工作的通知",
        body_text="各州、市（地）教育局：\n一、总体要求\n做好招生入学工作。",
        acting_user=office.drafter,
        series=office.series,
        recipient_units=[office.tree.urumqi],
    )


def sign_off(office: Any, document: Any) -> None:
    office_actions.do_act(open_task(document, "draft"), acting_user=office.drafter, outcome="submit")
    office_actions.do_act(open_task(document, "review"), acting_user=office.clerk, outcome="pass")
    office_actions.do_act(open_task(document, "signoff"), acting_user=office.leader, outcome="approve")


def distribute(office: Any, document: Any, capture: Any) -> None:
    with capture(execute=True):
        office_actions.do_act(open_task(document, "dispatch"), acting_user=office.clerk, outcome="done")


def site_editor(username: str, unit: Any) -> Any:
    """A site editor of ``unit`` who also sees the unit's documents in the office."""
    user = make_user(username, unit=unit, role="site_editor")
    Grant.objects.create(user=user, role=Role.objects.get(code="bureau_staff"), organization=unit)
    return user


def test_document_marked_proactive_becomes_a_draft_item_on_distribution(
    office: Any, sites: Any, django_capture_on_commit_callbacks: Any, client: Any
) -> None:
    catalogue = add_catalogue(sites.province)
    document = draft_document(office)
    editor = site_editor("editor", office.tree.province)
    candidate = do_mark_for_disclosure(
        document,
        attribute=DisclosureAttribute.PROACTIVE,
        category=DisclosureCategory.ADMISSIONS,
        acting_user=editor,
    )
    assert candidate.item is None
    sign_off(office, document)
    distribute(office, document, django_capture_on_commit_callbacks)

    candidate.refresh_from_db()
    document.refresh_from_db()
    item = candidate.item
    assert item is not None
    assert item.get_parent().pk == catalogue.pk
    assert not item.live  # documents marked for disclosure appear after review
    assert item.index_number == ""
    assert item.title == document.title
    assert item.document_number == document.doc_number
    assert item.issued_on == document.written_on
    assert item.category == DisclosureCategory.ADMISSIONS
    assert "做好招生入学工作" in str(item.body)
    attachment = item.attachments[0].value
    assert attachment.file.read()[:5] == b"%PDF-"
    assert attachment.collection == sites.province.collection
    # Handed to the site's review workflow.
    assert WorkflowState.objects.filter(object_id=str(item.pk), status="in_progress").exists()

    # Staff see it in the to-do list with its due date until it is published.
    client.force_login(User.objects.get(username="editor"))
    response = client.get(TODO_URL)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["candidate"].pk for r in rows] == [candidate.pk]
    assert rows[0]["due_on"] == add_working_days(document.written_on, 20).result
    assert rows[0]["overdue"] is False

    item.save_revision().publish()
    item.refresh_from_db()
    assert item.index_number
    response = client.get(TODO_URL)
    assert response.context["rows"] == []


def test_document_marked_after_distribution_is_drafted_at_once(
    office: Any, sites: Any, django_capture_on_commit_callbacks: Any
) -> None:
    add_catalogue(sites.province)
    document = draft_document(office)
    sign_off(office, document)
    distribute(office, document, django_capture_on_commit_callbacks)
    assert not DisclosureItemPage.objects.exists()  # not marked: nothing drafted
    editor = site_editor("editor", office.tree.province)
    candidate = do_mark_for_disclosure(document, attribute=DisclosureAttribute.PROACTIVE, acting_user=editor)
    assert candidate.item is not None
    assert not candidate.item.live


def test_no_catalogue_is_recorded_instead_of_failing(
    office: Any, sites: Any, django_capture_on_commit_callbacks: Any
) -> None:
    document = draft_document(office)
    editor = site_editor("editor", office.tree.province)
    do_mark_for_disclosure(document, attribute=DisclosureAttribute.PROACTIVE, acting_user=editor)
    sign_off(office, document)
    distribute(office, document, django_capture_on_commit_callbacks)
    document.refresh_from_db()
    assert document.status == "archived"  # the distribution went through
    candidate = DisclosureCandidate.objects.get(document=document)
    assert candidate.item is None
    assert candidate.problem
    # The 20 working days still run from the document's formation.
    assert candidate.formed_on == document.written_on
    assert candidate.due_on() == add_working_days(document.written_on, 20).result


def test_not_proactive_needs_a_reason_and_drafts_nothing(
    office: Any, sites: Any, django_capture_on_commit_callbacks: Any
) -> None:
    add_catalogue(sites.province)
    document = draft_document(office)
    editor = site_editor("editor", office.tree.province)
    with pytest.raises(ValidationError) as error:
        do_mark_for_disclosure(document, attribute=DisclosureAttribute.NOT_PUBLIC, acting_user=editor)
    assert error.value.code == "reason_required"
    do_mark_for_disclosure(
        document, attribute=DisclosureAttribute.NOT_PUBLIC, reason="第十六条 内部事务信息", acting_user=editor
    )
    sign_off(office, document)
    distribute(office, document, django_capture_on_commit_callbacks)
    assert not DisclosureItemPage.objects.exists()


def test_overdue_flag_after_twenty_working_days(office: Any, sites: Any, client: Any) -> None:
    document = draft_document(office)
    editor = site_editor("editor", office.tree.province)
    candidate = do_mark_for_disclosure(document, attribute=DisclosureAttribute.PROACTIVE, acting_user=editor)
    DisclosureCandidate.objects.filter(pk=candidate.pk).update(
        formed_on=timezone.localdate() - dt.timedelta(days=60)
    )
    client.force_login(User.objects.get(username="editor"))
    response = client.get(TODO_URL)
    assert response.context["rows"][0]["overdue"] is True
    assert 'data-testid="overdue"' in response.content.decode()


def test_mark_page_is_scoped_to_the_documents_unit(office: Any, sites: Any, client: Any) -> None:
    document = draft_document(office)
    site_editor("editor", office.tree.province)
    site_editor("u_editor", office.tree.urumqi)
    make_user("plain", unit=office.tree.province)
    url = f"/portal/disclosure/catalogue/mark/{document.pk}/"
    data = {"attribute": "proactive", "category": "admissions", "reason": ""}

    assert client.get(url).status_code == 302  # anonymous: to sign-in
    for username in ("plain", "u_editor"):
        client.force_login(User.objects.get(username=username))
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
        assert client.get(TODO_URL).status_code in (200, 404)
    assert not DisclosureCandidate.objects.exists()
    client.force_login(User.objects.get(username="u_editor"))
    assert client.get(TODO_URL).context["rows"] == []

    client.force_login(User.objects.get(username="editor"))
    assert client.get(url).status_code == 200
    response = client.post(url, {**data, "attribute": "not_public"})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["reason"][0].code == "reason_required"
    assert client.post(url, data).status_code == 302
    candidate = DisclosureCandidate.objects.get(document=document)
    assert candidate.attribute == "proactive"
    assert candidate.unit == office.tree.province
    # The other unit's editor does not see the province's to-do rows.
    client.force_login(User.objects.get(username="u_editor"))
    assert client.get(TODO_URL).context["rows"] == []
