"""Document and task pages: who may open what, and the steps driven through the views."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from edugov.office.actions import documents as actions
from edugov.office.models import Document, WorkTask
from edugov.office.tests.conftest import open_task
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def _draft(office: Any) -> Document:
    return actions.do_create_draft(
        organization=office.tree.province,
        doc_type="notice",
        title="关于开展校园安全大检查的通知",
        body_text="一、检查范围\n全区各级各类学校。",
        acting_user=office.drafter,
        series=office.series,
        recipient_units=[office.tree.urumqi],
    )


def test_pages_answer_by_grant(client: Any, office: Any) -> None:
    document = _draft(office)
    detail = reverse("office:document_detail", args=[document.pk])
    # Anonymous → sign-in.
    response = client.get(detail)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    # Signed in without any grant → 404.
    nobody = make_user("nobody", unit=office.tree.urumqi)
    client.force_login(nobody)
    assert client.get(detail).status_code == 404
    assert client.get(reverse("office:outgoing_list")).status_code == 404
    # A clerk of another unit → 404, and cannot act on the document's task.
    client.force_login(office.u_clerk)
    assert client.get(detail).status_code == 404
    task = open_task(document, "draft")
    response = client.post(reverse("office:task_act", args=[task.pk]), {f"t{task.pk}-outcome": "submit"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == "open"
    # The drafter (routed to it) and the bureau's clerk (grant on the unit) → 200.
    client.force_login(office.drafter)
    assert client.get(detail).status_code == 200
    client.force_login(office.clerk)
    page = client.get(reverse("office:outgoing_list"))
    assert page.status_code == 200
    assert "关于开展校园安全大检查的通知" in page.content.decode()


def test_draft_through_the_form_and_submit(client: Any, office: Any) -> None:
    client.force_login(office.drafter)
    response = client.post(
        reverse("office:document_new"),
        {
            "organization": office.tree.province.pk,
            "doc_type": "notice",
            "title": "关于报送2026年教育统计数据的通知",
            "body": "一、报送内容\n各校基础数据。",
            "series": office.series.pk,
            "countersign_units": [office.dept_finance.pk],
            "recipient_units": [office.tree.urumqi.pk],
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(title="关于报送2026年教育统计数据的通知")
    assert list(document.countersign_units.all()) == [office.dept_finance]
    task = open_task(document, "draft", office.drafter)
    response = client.post(reverse("office:task_act", args=[task.pk]), {f"t{task.pk}-outcome": "submit"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == "review"
    # The clerk's to-do list shows it; the drafter's 已办 lists the submission.
    client.force_login(office.clerk)
    assert "关于报送2026年教育统计数据的通知" in client.get(reverse("office:task_list")).content.decode()
    client.force_login(office.drafter)
    assert "关于报送2026年教育统计数据的通知" in client.get(reverse("office:done_list")).content.decode()


def test_classified_draft_is_refused_with_a_message(client: Any, office: Any) -> None:
    client.force_login(office.drafter)
    response = client.post(
        reverse("office:document_new"),
        {
            "organization": office.tree.province.pk,
            "doc_type": "notice",
            "title": "涉密通知",
            "body": "正文",
            "secrecy": "机密",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert not Document.objects.filter(title="涉密通知").exists()
    assert response.context["form"].errors


def test_second_click_on_a_taken_task_is_told_clearly(client: Any, office: Any) -> None:
    document = _draft(office)
    actions.do_act(open_task(document, "draft"), acting_user=office.drafter, outcome="submit")
    clerk2 = make_user("clerk2", unit=office.tree.province, role="office_clerk")
    task = open_task(document, "review")
    # Both clerks were shown the step; the first one passes it on.
    from edugov.office.models import TaskCandidate

    TaskCandidate.objects.get_or_create(task=task, user=clerk2)
    client.force_login(office.clerk)
    client.post(reverse("office:task_act", args=[task.pk]), {f"t{task.pk}-outcome": "pass"})
    client.force_login(clerk2)
    response = client.post(
        reverse("office:task_act", args=[task.pk]), {f"t{task.pk}-outcome": "pass"}, follow=True
    )
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert texts, "the second clerk is told what happened"
    assert WorkTask.objects.get(pk=task.pk).completed_by == office.clerk


def test_task_list_queries_do_not_grow(client: Any, office: Any, django_assert_max_num_queries: Any) -> None:
    for n in range(12):
        actions.do_create_draft(
            organization=office.tree.province,
            doc_type="notice",
            title=f"通知{n}",
            body_text="正文",
            acting_user=office.drafter,
        )
    client.force_login(office.drafter)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("office:task_list"))
    assert response.status_code == 200
    assert response.context["total"] == 12


def test_signed_pdf_is_served(client: Any, office: Any) -> None:
    document = _draft(office)
    actions.do_act(open_task(document, "draft"), acting_user=office.drafter, outcome="submit")
    actions.do_act(open_task(document, "review"), acting_user=office.clerk, outcome="pass")
    actions.do_act(open_task(document, "signoff"), acting_user=office.leader, outcome="approve")
    client.force_login(office.leader)
    response = client.get(reverse("office:document_pdf", args=[document.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:5] == b"%PDF-"
    assert b"/ByteRange" in body  # a signature dictionary
    document.refresh_from_db()
    assert document.doc_number == f"新教发〔{timezone.localdate().year}〕1号"
