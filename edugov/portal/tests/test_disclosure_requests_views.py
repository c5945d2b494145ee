"""Disclosure request pages: the citizen's form and correction, the staff pages, who sees what.

Every staff URL gets the four-caller matrix (anonymous, no grant, another unit, this unit);
citizens see only their own cases.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from edugov.platform.testing.fixtures import PASSWORD, make_user
from edugov.portal.actions.disclosure_requests import (
    do_accept_request,
    do_request_correction,
    do_request_extension,
    reply_template,
)
from edugov.portal.choices import ApplicantType, CaseStatus, ClockEventKind, DisclosureResult, ReplyType
from edugov.portal.models import Case, CaseAttachment
from edugov.portal.testing.citizens import make_citizen, submit_request
from edugov.portal.testing.fixtures import URUMQI_HOST

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def png_bytes() -> bytes:
    """A real 1×1 PNG: uploads are decoded, not only sniffed."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = png_bytes()


def at(year: int, month: int, day: int):
    return time_machine.travel(dt.datetime(year, month, day, 10, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


@pytest.fixture
def staff(tree, no_mfa):
    class Staff:
        handler = make_user("u_handler", unit=tree.urumqi, role="case_handler")
        supervisor = make_user("u_supervisor", unit=tree.urumqi, role="case_supervisor")
        province = make_user("p_supervisor", unit=tree.province, role="case_supervisor")
        outsider = make_user("k_supervisor", unit=tree.kashgar, role="case_supervisor")
        nobody = make_user("no_grant", unit=tree.urumqi)

    return Staff


@pytest.fixture
def citizen(db):
    return make_citizen("13900000001", serial=1)


def snapshot(case: Case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (
        case.status,
        case.due_on,
        case.events.count(),
        case.clock_events.count(),
        case.disclosure.extension_days,
    )


# --- the four-caller matrix over every staff URL ----------------------------------------------

STAFF_URLS = [
    ("get", "portal:disclosure_detail", {}),
    ("get", "portal:disclosure_reply", {}),
    ("post", "portal:disclosure_accept", {"on": "2026-03-02"}),
    ("post", "portal:disclosure_correction", {"text": "请补充年份"}),
    ("post", "portal:disclosure_close_no_correction", {}),
    ("post", "portal:disclosure_consult", {"third_party": "某公司", "reason": "涉及商业秘密"}),
    ("post", "portal:disclosure_opinion", {"opinion": "同意", "on": "2026-03-02"}),
    ("post", "portal:disclosure_extension", {"days": "5", "reason": "材料多"}),
    ("post", "portal:disclosure_extension_decide", {"decision": "approve", "note": ""}),
    (
        "post",
        "portal:disclosure_reply",
        {
            "reply_type": ReplyType.NOT_EXIST,
            "result": DisclosureResult.UNAVAILABLE_NOT_HELD,
            "text": "不存在。",
        },
    ),
]


@pytest.mark.parametrize(("method", "name", "data"), STAFF_URLS, ids=[u[1] for u in STAFF_URLS])
def test_every_staff_url_answers_only_staff_of_the_unit_or_above(
    client, tree, staff, citizen, method, name, data
):
    with at(2026, 3, 2):
        case, _code = submit_request(citizen, tree.urumqi)
        url = reverse(name, kwargs={"case_id": case.pk})
        before = snapshot(case)

        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url

        for intruder in (staff.nobody, staff.outsider, citizen):
            client.force_login(intruder)
            assert getattr(client, method)(url, data).status_code == 404, intruder
            assert snapshot(case) == before

        for allowed in (staff.supervisor, staff.province):  # this unit, and the unit above
            client.force_login(allowed)
            response = getattr(client, method)(url, data)
            assert response.status_code in (200, 302)
            if response.status_code == 302:
                assert response.url == reverse("portal:disclosure_detail", kwargs={"case_id": case.pk})
        assert Case.objects.get(pk=case.pk).status != "missing"


def test_the_list_shows_only_the_units_in_scope_and_filters_by_deadline(client, tree, staff, citizen):
    with at(2026, 3, 2):
        mine, _ = submit_request(citizen, tree.urumqi, description="乌鲁木齐的请求")
        theirs, _ = submit_request(citizen, tree.kashgar, description="喀什的请求")
        do_accept_request(mine, acting_user=staff.handler)
    client.force_login(staff.handler)
    with at(2026, 3, 2):
        page = client.get(reverse("portal:disclosure_list")).content.decode()
    assert mine.number in page
    assert theirs.number not in page
    with at(2026, 3, 27):  # due Monday 30 March: within 3 working days
        client.force_login(staff.handler)  # sessions expire: sign in again at the new date
        assert mine.number in client.get(reverse("portal:disclosure_list"), {"due": "soon"}).content.decode()
        assert (
            mine.number
            not in client.get(reverse("portal:disclosure_list"), {"due": "overdue"}).content.decode()
        )
    with at(2026, 3, 31):
        client.force_login(staff.handler)
        assert (
            mine.number in client.get(reverse("portal:disclosure_list"), {"due": "overdue"}).content.decode()
        )
    client.force_login(staff.nobody)
    assert client.get(reverse("portal:disclosure_list")).status_code == 404


def test_the_detail_explains_the_deadline_day_by_day(client, tree, staff, citizen):
    with at(2026, 9, 18):
        case, _ = submit_request(citizen, tree.urumqi)
        client.force_login(staff.handler)
        response = client.post(
            reverse("portal:disclosure_accept", kwargs={"case_id": case.pk}), {"on": "2026-09-18"}
        )
        assert response.status_code == 302
        page = client.get(
            reverse("portal:disclosure_detail", kwargs={"case_id": case.pk}), HTTP_ACCEPT_LANGUAGE="en"
        )
    html = page.content.decode()
    assert "2026-10-22" in html
    assert "2026-10-01" in html  # the holiday is listed as not counted
    assert html.count("<details") >= 2  # the deadline and the correction window both expand


def test_a_handler_without_approval_cannot_extend(client, tree, staff, citizen):
    with at(2026, 3, 2):
        case, _ = submit_request(citizen, tree.urumqi)
        do_accept_request(case, acting_user=staff.handler)
        do_request_extension(case, acting_user=staff.handler, days=10, reason="材料多")
        before = snapshot(case)
        client.force_login(staff.handler)
        url = reverse("portal:disclosure_extension_decide", kwargs={"case_id": case.pk})
        assert client.post(url, {"decision": "approve"}).status_code == 404
        assert snapshot(case) == before
        client.force_login(staff.supervisor)
        assert client.post(url, {"decision": "approve"}).status_code == 302
    case.refresh_from_db()
    assert case.clock_events.filter(
        kind=ClockEventKind.EXTEND, days=10, approved_by=staff.supervisor
    ).exists()


def test_the_reply_page_prefills_the_letter_and_the_reply_reaches_the_requester(client, tree, staff, citizen):
    with at(2026, 3, 2):
        case, _ = submit_request(citizen, tree.urumqi)
        do_accept_request(case, acting_user=staff.handler)
    client.force_login(staff.handler)
    url = reverse("portal:disclosure_reply", kwargs={"case_id": case.pk})
    with at(2026, 3, 10):
        client.force_login(staff.handler)
        page = client.get(url, {"reply_type": ReplyType.NOT_EXIST}).content.decode()
        assert "经检索，本机关没有您所申请的政府信息" in page
        text = reply_template(case, ReplyType.NOT_EXIST)
        upload = SimpleUploadedFile("答复.png", PNG, content_type="image/png")
        response = client.post(
            url,
            {
                "reply_type": ReplyType.NOT_EXIST,
                "result": DisclosureResult.UNAVAILABLE_NOT_HELD,
                "text": text,
                "attachments": [upload],
            },
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED
    assert CaseAttachment.objects.get(case=case, from_requester=False).public
    client.force_login(citizen)
    mine = client.get(reverse("portal_public:account")).content.decode()
    assert case.number in mine
    assert "经检索，本机关没有您所申请的政府信息" in mine
    # The generic status page shows the disclosure part and the reply once.
    status = client.get(f"/services/cases/{case.tracking_token}/").content.decode()
    assert 'data-testid="disclosure-part"' in status
    assert status.count("经检索，本机关没有您所申请的政府信息") == 1
    assert "答复.png" in status


# --- the citizen's side ---------------------------------------------------------------------


def test_a_citizen_applies_on_the_units_site_and_sees_the_number_and_query_code_once(client, sites, citizen):
    client.force_login(citizen)
    apply_url = reverse("portal_public:disclosure_apply")
    form = client.get(apply_url, HTTP_HOST=URUMQI_HOST)
    assert form.status_code == 200
    assert form.context["form"]["handling_unit"].value() == sites.urumqi.organization_id
    assert 'data-testid="receipt-rule"' in form.content.decode()
    upload = SimpleUploadedFile("身份证明.png", PNG, content_type="image/png")
    response = client.post(
        apply_url,
        {
            "handling_unit": sites.urumqi.organization_id,
            "applicant_type": ApplicantType.NATURAL_PERSON,
            "description": "2025年乌鲁木齐市义务教育阶段招生计划",
            "purpose": "",
            "delivery": "online",
            "attachments": [upload],
        },
        HTTP_HOST=URUMQI_HOST,
    )
    assert response.status_code == 302
    case = Case.objects.get(requester=citizen)
    assert case.site == sites.urumqi
    assert case.disclosure.description == "2025年乌鲁木齐市义务教育阶段招生计划"
    assert case.attachments.get().original_name == "身份证明.png"
    assert case.statutory_days == 20
    assert case.due_on is None
    page = client.get(response.url, HTTP_HOST=URUMQI_HOST).content.decode()
    assert case.number in page
    code = re.search(r'data-testid="query-code">(\w+)<', page).group(1)
    assert len(code) == 8
    assert f"/services/cases/{case.tracking_token}/" in page
    again = client.get(response.url, HTTP_HOST=URUMQI_HOST).content.decode()
    assert code not in again  # shown once


def test_an_organisation_gives_a_valid_credit_code_and_another_unit_may_be_chosen(client, sites, citizen):
    client.force_login(citizen)
    data = {
        "handling_unit": sites.kashgar.organization_id,
        "applicant_type": ApplicantType.RESEARCH,
        "organisation_name": "新疆教育研究院",
        "organisation_code": "91350100M000100Y44",
        "description": "2025年喀什地区教育经费统计",
        "delivery": "online",
    }
    refused = client.post(reverse("portal_public:disclosure_apply"), data, HTTP_HOST=URUMQI_HOST)
    assert refused.status_code == 200
    assert refused.context["form"].errors.as_data()["organisation_code"][0].code == "credit_code_check_digit"
    data["organisation_code"] = "91350100M000100Y43"
    assert (
        client.post(reverse("portal_public:disclosure_apply"), data, HTTP_HOST=URUMQI_HOST).status_code == 302
    )
    case = Case.objects.get(requester=citizen)
    assert case.handling_unit == sites.kashgar.organization
    assert case.requester_name == "新疆教育研究院"


def test_the_form_needs_a_citizen_account(client, tree, sites, staff):
    assert client.get(reverse("portal_public:disclosure_apply")).status_code == 302  # sign in first
    client.force_login(staff.handler)
    assert client.get(reverse("portal_public:disclosure_apply"), HTTP_HOST=URUMQI_HOST).status_code == 403


def test_citizens_see_and_correct_only_their_own_requests(client, tree, staff, citizen):
    other = make_citizen("13900000002", serial=2, real_name="李四")
    with at(2026, 3, 2):
        case, _ = submit_request(citizen, tree.urumqi, description="我的请求")
        theirs, _ = submit_request(other, tree.urumqi, description="别人的请求")
        do_accept_request(case, acting_user=staff.handler)
        do_request_correction(case, acting_user=staff.handler, text="请写明年份")
        client.force_login(other)
        page = client.get(reverse("portal_public:account")).content.decode()
        assert theirs.number in page
        assert case.number not in page
        correct_url = reverse("portal_public:disclosure_correct", kwargs={"token": case.tracking_token})
        assert client.get(correct_url).status_code == 404
        assert client.post(correct_url, {"text": "冒充"}).status_code == 404
        submitted_url = reverse("portal_public:disclosure_submitted", kwargs={"token": case.tracking_token})
        assert client.get(submitted_url).status_code == 404
        assert Case.objects.get(pk=case.pk).status == CaseStatus.AWAITING_REQUESTER

        client.force_login(citizen)
        form = client.get(correct_url)
        assert form.status_code == 200
        assert "请写明年份" in form.content.decode()
    with at(2026, 3, 5):
        client.force_login(citizen)
        assert client.post(correct_url, {"text": "2025年的招生计划"}).status_code == 302
        # Nothing to correct any more: back to the status page.
        done = client.get(correct_url)
        assert done.status_code == 302
        assert done.url == f"/services/cases/{case.tracking_token}/"
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.clock_events.filter(kind=ClockEventKind.RESTART, on=dt.date(2026, 3, 5)).exists()


def test_citizen_signs_in_with_the_phone_number(client, citizen):
    response = client.post("/accounts/login/", {"login": "13900000001", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("portal_public:account")
