"""Internal approvals on configurable forms (IN-8), driven through the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from edugov.office.actions.approvals import clean_values, validate_fields_spec
from edugov.office.errors import OfficeError
from edugov.office.models import ApprovalKind, ApprovalRequest, WorkTask
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def _decide(client: Any, user: Any, request: ApprovalRequest, outcome: str, comment: str = "") -> Any:
    task = WorkTask.objects.get(process=request.process, status="open")
    client.force_login(user)
    return client.post(
        reverse("office:approval_decide", args=[task.pk]),
        {"outcome": outcome, "comment": comment},
        follow=True,
    )


def test_leave_request_through_department_head_and_leader(client: Any, office: Any) -> None:
    client.force_login(office.drafter)
    response = client.post(
        reverse("office:approval_new", args=["leave"]),
        {
            "title": "年休假申请",
            "start": "2026-12-01",
            "end": "2026-12-03",
            "kind": "年休假",
            "reason": "探亲",
        },
    )
    assert response.status_code == 302
    request = ApprovalRequest.objects.get(title="年休假申请")
    assert request.values["kind"] == "年休假"
    # The department head returns it for revision with a reason; the applicant resubmits.
    assert _decide(client, office.head_basic, request, "return", "请写明工作交接人").status_code == 200
    client.force_login(office.drafter)
    task = WorkTask.objects.get(process=request.process, status="open")
    assert task.spec_name == "revise"
    client.post(
        reverse("office:approval_decide", args=[task.pk]),
        {
            "outcome": "submit",
            "title": "年休假申请",
            "start": "2026-12-01",
            "end": "2026-12-03",
            "kind": "年休假",
            "reason": "探亲，工作由张三交接",
        },
    )
    request.refresh_from_db()
    assert "张三" in request.values["reason"]
    _decide(client, office.head_basic, request, "approve")
    _decide(client, office.leader, request, "approve")
    request.refresh_from_db()
    assert request.status == "approved"
    assert list(request.comments.values_list("outcome", flat=True)) == [
        "return",
        "submit",
        "approve",
        "approve",
    ]


def test_outsiders_see_nothing_and_bad_values_are_named(client: Any, office: Any) -> None:
    client.force_login(office.drafter)
    response = client.post(
        reverse("office:approval_new", args=["purchase"]),
        {"title": "采购", "item": "打印机", "amount": "很多"},
    )
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    client.post(
        reverse("office:approval_new", args=["purchase"]),
        {"title": "采购", "item": "打印机", "amount": "3500"},
    )
    request = ApprovalRequest.objects.get(title="采购")
    stranger = make_user("stranger", unit=office.tree.kashgar, role="bureau_staff")
    client.force_login(stranger)
    assert client.get(reverse("office:approval_detail", args=[request.pk])).status_code == 404
    client.force_login(office.head_basic)
    assert client.get(reverse("office:approval_detail", args=[request.pk])).status_code == 200


def test_form_specs_and_values_are_checked() -> None:
    with pytest.raises(OfficeError):
        validate_fields_spec([{"name": "a", "label": "A", "type": "colour"}])
    with pytest.raises(OfficeError):
        validate_fields_spec([{"name": "a", "label": "A"}, {"name": "a", "label": "B"}])
    kind = ApprovalKind(
        code="x", name="x", fields=[{"name": "d", "label": "日期", "type": "date", "required": True}]
    )
    values, errors = clean_values(kind, {"d": "明天"})
    assert not values
    assert "d" in errors
