"""Archive pages (IN-5): the four-caller matrix for every page, lists in scope and bounded,
the paper form's refusal of classified records, and the watermarked digital loan view."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from edugov.core.models import AuditEntry
from edugov.office.actions.archives import (
    do_archive_document,
    do_decide_loan,
    do_lend_loan,
    do_register_paper_record,
    do_request_loan,
)
from edugov.office.models import (
    ArchiveLoan,
    ArchiveRecord,
    Attachment,
    BodyBlob,
    BodyVersion,
    Document,
    Opinion,
)
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def paper(unit, user, title="2019年度教职工花名册", **kwargs):
    return do_register_paper_record(
        organization=unit,
        title=title,
        year=kwargs.pop("year", 2019),
        retention=kwargs.pop("retention", "permanent"),
        location="A-01-03",
        acting_user=user,
        **kwargs,
    )


def loan_of(record, borrower, *, kind="paper", days=5):
    return do_request_loan(record, kind=kind, purpose="核对", requested_days=days, acting_user=borrower)


@pytest.fixture
def objects(tree):
    archivist = make_user("ts_archivist", unit=tree.tianshan, role="archivist")
    staff = make_user("ts_staff", unit=tree.tianshan, role="bureau_staff")
    record = paper(tree.tianshan, archivist)
    requested = loan_of(record, staff)
    approved = loan_of(paper(tree.tianshan, archivist, title="二"), staff)
    do_decide_loan(approved, approve=True, acting_user=archivist)
    lent = loan_of(paper(tree.tianshan, archivist, title="三"), staff)
    do_decide_loan(lent, approve=True, acting_user=archivist)
    do_lend_loan(lent, acting_user=archivist)
    return {
        "record": record.pk,
        "requested": requested.pk,
        "approved": approved.pk,
        "lent": lent.pk,
        "archivist": archivist,
        "staff": staff,
    }


# (url name, object, method, POST data, role needed on the object's unit)
RESTRICTED = [
    ("office:archive_detail", "record", "get", None, "archivist"),
    ("office:archive_detail", "record", "get", None, "bureau_staff"),
    (
        "office:loan_request",
        "record",
        "post",
        {"kind": "digital", "requested_days": 3, "purpose": "查阅"},
        "bureau_staff",
    ),
    ("office:loan_detail", "requested", "get", None, "archivist"),
    ("office:loan_decide", "requested", "post", {"decision": "approve"}, "archivist"),
    ("office:loan_lend", "approved", "post", {}, "archivist"),
    ("office:loan_return", "lent", "post", {}, "archivist"),
]


LOAN_LINK = re.compile(r'href="/office/archive-loans/\d+/"')


def loan_links(response):
    return len(LOAN_LINK.findall(response.content.decode()))


def _state():
    return sorted(ArchiveLoan.objects.values_list("pk", "status")), ArchiveLoan.objects.count()


def _call(client, name, pk, method, data):
    url = reverse(name, args=[pk])
    return client.post(url, data or {}) if method == "post" else client.get(url)


@pytest.mark.parametrize(("name", "obj", "method", "data", "role"), RESTRICTED)
def test_anonymous_is_sent_to_sign_in(client, objects, name, obj, method, data, role):
    before = _state()
    response = _call(client, name, objects[obj], method, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert _state() == before


@pytest.mark.parametrize(("name", "obj", "method", "data", "role"), RESTRICTED)
def test_user_without_grant_gets_not_found(client, tree, objects, no_mfa, name, obj, method, data, role):
    client.force_login(make_user("plain", unit=tree.tianshan))
    before = _state()
    assert _call(client, name, objects[obj], method, data).status_code == 404
    assert _state() == before


@pytest.mark.parametrize(("name", "obj", "method", "data", "role"), RESTRICTED)
def test_grant_on_another_unit_gets_not_found(client, tree, objects, no_mfa, name, obj, method, data, role):
    client.force_login(make_user("kashi_holder", unit=tree.kashgar, role=role))
    before = _state()
    assert _call(client, name, objects[obj], method, data).status_code == 404
    assert _state() == before


@pytest.mark.parametrize("unit", ["tianshan", "urumqi", "province"])
@pytest.mark.parametrize(("name", "obj", "method", "data", "role"), RESTRICTED)
def test_grant_on_this_unit_or_an_ancestor_is_allowed(
    client, tree, objects, no_mfa, name, obj, method, data, role, unit
):
    client.force_login(make_user("holder", unit=getattr(tree, unit), role=role))
    before = _state()
    response = _call(client, name, objects[obj], method, data)
    assert response.status_code in (200, 302)
    if method == "post":
        assert response.status_code == 302
        assert _state() != before


def test_loan_actions_take_effect(client, tree, objects, no_mfa):
    client.force_login(make_user("holder", unit=tree.tianshan, role="archivist"))
    client.post(reverse("office:loan_decide", args=[objects["requested"]]), {"decision": "approve"})
    client.post(reverse("office:loan_lend", args=[objects["approved"]]))
    client.post(reverse("office:loan_return", args=[objects["lent"]]))
    statuses = dict(ArchiveLoan.objects.values_list("pk", "status"))
    assert statuses[objects["requested"]] == "approved"
    assert statuses[objects["approved"]] == "lent"
    assert statuses[objects["lent"]] == "returned"


def test_a_refused_decision_is_shown_not_applied(client, tree, objects, no_mfa):
    client.force_login(make_user("holder", unit=tree.tianshan, role="archivist"))
    response = client.post(reverse("office:loan_decide", args=[objects["requested"]]), {"decision": "reject"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "请填写不予批准的理由。" in page
    assert ArchiveLoan.objects.get(pk=objects["requested"]).status == "requested"


def test_the_borrower_sees_their_loan_but_cannot_decide_it(client, objects, no_mfa):
    client.force_login(objects["staff"])
    assert client.get(reverse("office:loan_detail", args=[objects["requested"]])).status_code == 200
    response = client.post(
        reverse("office:loan_decide", args=[objects["requested"]]), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert ArchiveLoan.objects.get(pk=objects["requested"]).status == "requested"


def test_only_the_borrower_cancels(client, tree, objects, no_mfa):
    url = reverse("office:loan_cancel", args=[objects["requested"]])
    assert client.post(url).status_code == 302  # anonymous: to sign-in
    client.force_login(make_user("holder", unit=tree.tianshan, role="archivist"))
    assert client.post(url).status_code == 404
    client.force_login(objects["staff"])
    assert client.post(url).status_code == 302
    assert ArchiveLoan.objects.get(pk=objects["requested"]).status == "cancelled"


def test_loan_request_form_errors_are_shown(client, objects, no_mfa):
    client.force_login(objects["staff"])
    url = reverse("office:loan_request", args=[objects["record"]])
    response = client.post(url, {"kind": "digital", "requested_days": 99, "purpose": ""})
    assert response.status_code == 400
    assert ArchiveLoan.objects.count() == 3
    assert 'id="id_purpose"' in response.content.decode()


# --- Lists --------------------------------------------------------------------------------


def test_catalogue_shows_only_what_is_in_scope_and_filters(client, tree, objects, no_mfa):
    kashi_archivist = make_user("ks_archivist", unit=tree.kashi_city, role="archivist")
    paper(tree.kashi_city, kashi_archivist, title="喀什市档案")
    paper(tree.tianshan, objects["archivist"], title="天山区十年档案", retention="10y", year=2021)
    client.force_login(make_user("viewer", unit=tree.tianshan, role="bureau_staff"))
    url = reverse("office:archive_list")
    body = client.get(url).content.decode()
    assert "2019年度教职工花名册" in body
    assert "喀什市档案" not in body
    filtered = client.get(url, {"retention": "10y"}).content.decode()
    assert "天山区十年档案" in filtered
    assert "2019年度教职工花名册" not in filtered
    assert "天山区十年档案" in client.get(url, {"q": "十年", "year": 2021}).content.decode()
    assert "天山区十年档案" not in client.get(url, {"year": 2019}).content.decode()
    assert "天山区十年档案" not in client.get(url, {"kind": "document"}).content.decode()
    assert "天山区十年档案" in client.get(url, {"unit": tree.tianshan.pk}).content.decode()


@pytest.mark.parametrize("name", ["office:archive_list", "office:loan_list", "office:archive_paper_new"])
def test_pages_without_object_need_a_grant(client, tree, no_mfa, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(make_user("grantless", unit=tree.tianshan))
    assert client.get(reverse(name)).status_code == 404


def test_loan_list_tabs(client, tree, objects, no_mfa):
    other = make_user("ts_other", unit=tree.tianshan, role="bureau_staff")
    client.force_login(other)
    mine = client.get(reverse("office:loan_list")).content.decode()
    assert "暂无借阅。" in mine
    client.force_login(objects["staff"])
    assert loan_links(client.get(reverse("office:loan_list"))) == 3
    client.force_login(objects["archivist"])
    decide = client.get(reverse("office:loan_list"), {"tab": "decide"})
    # The request to decide and the approved paper loan to hand out; the lent one is not due yet.
    assert loan_links(decide) == 2
    kashi = make_user("ks_archivist", unit=tree.kashi_city, role="archivist")
    client.force_login(kashi)
    assert loan_links(client.get(reverse("office:loan_list"), {"tab": "all"})) == 0


def test_lists_have_bounded_queries(client, tree, django_assert_max_num_queries, no_mfa):
    archivist = make_user("ts_archivist", unit=tree.tianshan, role="archivist")
    staff = make_user("ts_staff", unit=tree.tianshan, role="bureau_staff")
    for i in range(30):
        record = paper(tree.tianshan, archivist, title=f"档案{i}", secrecy="internal" if i % 2 else "")
        loan_of(record, staff)
    client.force_login(archivist)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("office:archive_list")).status_code == 200
    for tab in ("decide", "all"):
        with django_assert_max_num_queries(15):
            response = client.get(reverse("office:loan_list"), {"tab": tab})
        assert loan_links(response) == 25
    client.force_login(staff)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("office:loan_list"), {"tab": "mine"}).status_code == 200


# --- Registering paper records ------------------------------------------------------------


def _paper_form(unit, **extra):
    return {
        "organization": unit.pk,
        "title": "2018年度会议记录",
        "year": 2018,
        "retention": "30y",
        "secrecy": "",
        "location": "B-02-07",
        "pages": 120,
        **extra,
    }


def test_register_a_paper_record(client, tree, no_mfa):
    client.force_login(make_user("ts_archivist", unit=tree.tianshan, role="archivist"))
    url = reverse("office:archive_paper_new")
    assert client.get(url).status_code == 200
    response = client.post(url, _paper_form(tree.tianshan))
    record = ArchiveRecord.objects.get()
    assert response["Location"] == reverse("office:archive_detail", args=[record.pk])
    assert (record.archive_number, record.pages, record.location) == ("2018-定期30年-0001", 120, "B-02-07")
    detail = client.get(response["Location"]).content.decode()
    assert "2018-定期30年-0001" in detail


def test_register_refuses_classified_with_a_clear_message(client, tree, no_mfa):
    client.force_login(make_user("ts_archivist", unit=tree.tianshan, role="archivist"))
    response = client.post(reverse("office:archive_paper_new"), _paper_form(tree.tianshan, secrecy="绝密"))
    assert response.status_code == 400
    assert "本平台仅处理非涉密工作" in response.content.decode()
    assert not ArchiveRecord.objects.exists()
    assert AuditEntry.objects.filter(event_type="office.classified_refused", success=False).exists()


def test_register_for_another_unit_is_refused(client, tree, no_mfa):
    client.force_login(make_user("ks_archivist", unit=tree.kashi_city, role="archivist"))
    url = reverse("office:archive_paper_new")
    assert client.get(url).status_code == 200
    assert client.post(url, _paper_form(tree.tianshan)).status_code == 400
    assert not ArchiveRecord.objects.exists()


# --- The digital loan view ------------------------------------------------------------------


@pytest.fixture
def digital(tree):
    clerk = make_user("ts_clerk", unit=tree.tianshan, role="office_clerk")
    archivist = make_user("ts_archivist", unit=tree.tianshan, role="archivist")
    borrower = make_user("ts_reader", unit=tree.tianshan, role="bureau_staff")
    borrower.real_name = "阿依古丽"
    borrower.save(update_fields=["real_name"])
    document = Document.objects.create(
        organization=tree.tianshan,
        direction="outgoing",
        doc_type="notice",
        status="distributed",
        title="关于做好2026年秋季学期招生入学工作的通知",
        issuing_organ="天山区教育局",
        doc_number="天教发〔2026〕7号",
        created_by=clerk,
    )
    version = BodyVersion.objects.create(
        document=document, number=1, blob=BodyBlob.store("严格落实免试就近入学要求。"), author=clerk
    )
    document.current_body = version
    document.save(update_fields=["current_body"])
    Opinion.objects.create(
        document=document,
        kind="signoff",
        author=clerk,
        author_name="王局长",
        unit=tree.tianshan,
        text="同意印发。",
    )
    Attachment.objects.create(
        document=document,
        name="招生计划表.xlsx",
        file="x",
        sha256="0" * 64,
        size=1,
        content_type="x",
        added_by=clerk,
    )
    record = do_archive_document(document, acting_user=clerk)
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI), tick=False):  # Monday
        loan = do_request_loan(record, kind="digital", purpose="核对", requested_days=2, acting_user=borrower)
        loan = do_decide_loan(loan, approve=True, acting_user=archivist)
    return {"loan": loan, "borrower": borrower, "archivist": archivist, "unit": tree.tianshan}


def _view(client, loan, when=dt.datetime(2026, 6, 2, 15, 30, tzinfo=SHANGHAI)):
    with time_machine.travel(when, tick=False):
        return client.get(reverse("office:loan_view", args=[loan.pk]))


def test_digital_view_is_watermarked_uncached_and_shows_the_document(client, digital, no_mfa):
    client.force_login(digital["borrower"])
    response = _view(client, digital["loan"])
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    watermark = "阿依古丽 · 天山区教育局 · 2026-06-02 15:30"
    assert f'data-watermark="{watermark}"' in body
    assert body.count(f"<span>{watermark}</span>") >= 50
    assert "严格落实免试就近入学要求。" in body
    assert "同意印发。" in body
    assert "王局长" in body
    assert "招生计划表.xlsx" in body
    assert "天教发〔2026〕7号" in body
    assert "download" not in body.lower()
    assert "/media/" not in body


def test_each_view_is_audited(client, digital, no_mfa):
    client.force_login(digital["borrower"])
    for _ in range(3):
        assert _view(client, digital["loan"]).status_code == 200
    entries = AuditEntry.objects.filter(event_type="office.archive_viewed")
    assert entries.count() == 3
    assert {e.acting_user_id for e in entries} == {digital["borrower"].pk}
    assert all(e.extra_data["loan_id"] == digital["loan"].pk for e in entries)


def test_digital_view_expires(client, digital, no_mfa):
    client.force_login(digital["borrower"])
    assert digital["loan"].digital_expires_at == dt.datetime(2026, 6, 4, 0, 0, tzinfo=SHANGHAI)
    assert _view(client, digital["loan"], dt.datetime(2026, 6, 3, 23, 59, tzinfo=SHANGHAI)).status_code == 200
    expired = _view(client, digital["loan"], dt.datetime(2026, 6, 4, 0, 0, tzinfo=SHANGHAI))
    assert expired.status_code == 404
    assert 'data-testid="loan-expired"' in expired.content.decode()
    assert "严格落实" not in expired.content.decode()
    assert "no-store" in expired["Cache-Control"]
    assert AuditEntry.objects.filter(event_type="office.archive_viewed").count() == 1


def test_digital_view_is_for_the_borrower_only(client, tree, digital, no_mfa):
    url = reverse("office:loan_view", args=[digital["loan"].pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    for user in (
        digital["archivist"],
        make_user("plain", unit=tree.tianshan),
        make_user("ks", unit=tree.kashi_city, role="archivist"),
        make_user("prov", unit=tree.province, role="bureau_leader"),
    ):
        client.force_login(user)
        assert _view(client, digital["loan"]).status_code == 404
    assert not AuditEntry.objects.filter(event_type="office.archive_viewed").exists()


def test_digital_view_of_a_paper_record_shows_the_catalogue_entry(client, tree, no_mfa):
    archivist = make_user("ts_archivist", unit=tree.tianshan, role="archivist")
    borrower = make_user("ts_reader", unit=tree.tianshan, role="bureau_staff")
    record = paper(tree.tianshan, archivist, keywords="花名册 教职工")
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        loan = do_decide_loan(loan_of(record, borrower, kind="digital"), approve=True, acting_user=archivist)
    client.force_login(borrower)
    body = _view(client, loan).content.decode()
    assert 'data-testid="catalogue-entry"' in body
    assert "A-01-03" in body
    assert "花名册 教职工" in body
    paper_loan = loan_of(paper(tree.tianshan, archivist, title="纸质"), borrower)
    client.force_login(borrower)  # the session aged while travelling in time
    assert client.get(reverse("office:loan_view", args=[paper_loan.pk])).status_code == 404


def test_loan_page_links_the_reader_while_open(client, digital, no_mfa):
    client.force_login(digital["borrower"])
    url = reverse("office:loan_detail", args=[digital["loan"].pk])
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert 'data-testid="loan-view-link"' in client.get(url).content.decode()
    with time_machine.travel(dt.datetime(2026, 6, 5, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert 'data-testid="loan-view-link"' not in client.get(url).content.decode()
