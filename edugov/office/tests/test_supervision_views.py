"""Supervision pages (IN-3): the four-caller matrix, scoped lists with bounded queries,
creation by hand and from a document, progress reports with evidence, downloads."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from edugov.core.models import AuditEntry
from edugov.office.actions.supervision import do_report_progress, send_reminders
from edugov.office.models import Document, ProgressReport, Rag, SourceKind, SupervisionItem
from edugov.office.tests.test_supervision_support import at, build_bureau, new_item
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at(2026, 3, 2), tick=False):  # a Monday
        yield


@pytest.fixture
def bureau(tree):
    return build_bureau(tree)


@pytest.fixture
def objects(bureau):
    item = new_item(bureau, due_on=dt.date(2026, 3, 20), milestones=[("制定方案", dt.date(2026, 3, 10))])
    report = do_report_progress(
        item,
        acting_user=bureau.lead_staff,
        text="已召开专题会",
        percent=10,
        files=[SimpleUploadedFile("会议纪要.pdf", PDF)],
    )
    return {"item": item, "milestone": item.milestones.get(), "evidence": report.evidence.get()}


def snapshot(item):
    fresh = SupervisionItem.objects.get(pk=item.pk)
    return (
        fresh.status,
        fresh.due_on,
        fresh.escalation_level,
        fresh.milestones.filter(done_at__isnull=False).count(),
        fresh.milestones.count(),
        ProgressReport.objects.filter(item=fresh).count(),
        AuditEntry.objects.count(),
    )


# (url name, object, method, POST data, who may: an attribute of the bureau)
RESTRICTED = [
    ("office:supervision_detail", "item", "get", None, "lead_staff"),
    ("office:supervision_detail", "item", "get", None, "co_staff"),
    ("office:supervision_detail", "item", "get", None, "manager"),
    ("office:supervision_report", "item", "get", None, "lead_staff"),
    ("office:supervision_report", "item", "post", {"text": "经费已下达", "percent": "60"}, "co_staff"),
    (
        "office:supervision_deadline",
        "item",
        "post",
        {"deadline-due_on": "2026-03-27", "deadline-reason": "待省级审批"},
        "manager",
    ),
    ("office:supervision_complete", "item", "post", {"complete-note": "验收合格"}, "manager"),
    ("office:supervision_cancel", "item", "post", {"cancel-reason": "任务取消"}, "manager"),
    ("office:supervision_escalate", "item", "post", {"escalate-reason": "进度滞后"}, "manager"),
    (
        "office:supervision_milestone_add",
        "item",
        "post",
        {"milestone-title": "中期检查", "milestone-due_on": "2026-03-16"},
        "manager",
    ),
    ("office:supervision_milestone_done", "milestone", "post", {}, "lead_staff"),
    ("office:supervision_evidence", "evidence", "get", None, "co_staff"),
]
IDS = [f"{case[0]}-{case[4]}-{case[2]}" for case in RESTRICTED]


def _url(name, obj, objects):
    if obj == "milestone":
        return reverse(name, args=[objects["item"].pk, objects["milestone"].pk])
    return reverse(name, args=[objects[obj].pk])


def _call(client, name, obj, method, data, objects):
    url = _url(name, obj, objects)
    return client.post(url, data or {}) if method == "post" else client.get(url)


@pytest.mark.parametrize(("name", "obj", "method", "data", "who"), RESTRICTED, ids=IDS)
def test_anonymous_is_sent_to_sign_in(client, objects, name, obj, method, data, who):
    before = snapshot(objects["item"])
    response = _call(client, name, obj, method, data, objects)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert snapshot(objects["item"]) == before


@pytest.mark.parametrize(("name", "obj", "method", "data", "who"), RESTRICTED, ids=IDS)
def test_user_without_grant_gets_not_found(client, bureau, objects, no_mfa, name, obj, method, data, who):
    client.force_login(make_user("plain", unit=bureau.lead))
    before = snapshot(objects["item"])
    assert _call(client, name, obj, method, data, objects).status_code == 404
    assert snapshot(objects["item"]) == before


@pytest.mark.parametrize(("name", "obj", "method", "data", "who"), RESTRICTED, ids=IDS)
def test_grant_on_another_unit_gets_not_found(client, bureau, objects, no_mfa, name, obj, method, data, who):
    # Every supervision permission, on a prefecture bureau that has no part in the item.
    client.force_login(make_user("kashgar_clerk", unit=bureau.tree.kashgar, role="office_clerk"))
    before = snapshot(objects["item"])
    assert _call(client, name, obj, method, data, objects).status_code == 404
    assert snapshot(objects["item"]) == before
    # And a department of the same bureau that is neither supervisor nor owner.
    client.force_login(bureau.other_staff)
    before = snapshot(objects["item"])
    assert _call(client, name, obj, method, data, objects).status_code == 404
    assert snapshot(objects["item"]) == before


@pytest.mark.parametrize(("name", "obj", "method", "data", "who"), RESTRICTED, ids=IDS)
def test_grant_on_this_unit_is_allowed(client, bureau, objects, no_mfa, name, obj, method, data, who):
    client.force_login(getattr(bureau, who))
    before = snapshot(objects["item"])
    response = _call(client, name, obj, method, data, objects)
    assert response.status_code in (200, 302)
    if method == "post":
        assert response.status_code == 302, response.content.decode()[:2000]
        assert snapshot(objects["item"]) != before


MANAGE_ONLY = [case for case in RESTRICTED if case[4] == "manager" and case[2] == "post"]


@pytest.mark.parametrize(
    ("name", "obj", "method", "data", "who"), MANAGE_ONLY, ids=[c[0] for c in MANAGE_ONLY]
)
def test_owners_see_the_item_but_cannot_manage_it(
    client, bureau, objects, no_mfa, name, obj, method, data, who
):
    client.force_login(bureau.lead_staff)
    before = snapshot(objects["item"])
    assert _call(client, name, obj, method, data, objects).status_code == 404
    assert snapshot(objects["item"]) == before


def test_the_supervising_unit_cannot_report_for_the_owners(client, bureau, objects, no_mfa):
    client.force_login(bureau.manager)
    url = reverse("office:supervision_report", args=[objects["item"].pk])
    assert client.post(url, {"text": "代报", "percent": "90"}).status_code == 404
    assert ProgressReport.objects.count() == 1


# --- Lists ---------------------------------------------------------------------------------


LIST_PAGES = ["office:supervision_list", "office:supervision_overview", "office:supervision_new"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_need_sign_in_and_a_grant(client, bureau, no_mfa, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(make_user("plain", unit=bureau.lead))
    assert client.get(reverse(name)).status_code == 404


def test_new_page_needs_the_add_grant(client, bureau, no_mfa):
    client.force_login(bureau.lead_staff)  # may view and report, not create
    assert client.get(reverse("office:supervision_new")).status_code == 404
    client.force_login(bureau.manager)
    assert client.get(reverse("office:supervision_new")).status_code == 200


@pytest.fixture
def two_items(bureau):
    ours = new_item(bureau, due_on=dt.date(2026, 3, 20), title="基础教育处的事项")
    theirs = new_item(bureau, due_on=dt.date(2026, 3, 4), title="人事处的事项", co_units=[])
    SupervisionItem.objects.filter(pk=theirs.pk).update(owner_unit=bureau.other)
    return ours, theirs


@pytest.mark.parametrize("name", ["office:supervision_list", "office:supervision_overview"])
def test_lists_show_only_what_is_in_scope(client, bureau, two_items, no_mfa, name):
    url = reverse(name) + ("?status=" if name == "office:supervision_list" else "")
    client.force_login(bureau.lead_staff)
    body = client.get(url).content.decode()
    assert "基础教育处" in body
    assert "人事处" not in body
    client.force_login(bureau.other_staff)
    body = client.get(url).content.decode()
    assert "人事处" in body
    assert "基础教育处" not in body
    client.force_login(bureau.manager)  # the supervising unit sees both
    body = client.get(url).content.decode()
    assert "基础教育处" in body
    assert "人事处" in body
    client.force_login(make_user("kashgar_clerk", unit=bureau.tree.kashgar, role="office_clerk"))
    body = client.get(url).content.decode()
    assert "基础教育处" not in body
    assert "人事处" not in body


def test_list_filters_by_warning_unit_and_my_items(client, bureau, two_items, no_mfa):
    ours, theirs = two_items
    send_reminders()
    assert SupervisionItem.objects.get(pk=theirs.pk).rag == Rag.AMBER
    client.force_login(bureau.manager)
    url = reverse("office:supervision_list")
    amber = client.get(url, {"rag": "amber"}).content.decode()
    assert theirs.title in amber
    assert ours.title not in amber
    by_unit = client.get(url, {"unit": bureau.lead.pk}).content.decode()
    assert ours.title in by_unit
    assert theirs.title not in by_unit
    by_co_unit = client.get(url, {"unit": bureau.co.pk}).content.decode()  # co-owner of ours
    assert ours.title in by_co_unit
    client.force_login(bureau.lead_staff)
    assert ours.title not in client.get(url, {"mine": "on"}).content.decode()
    SupervisionItem.objects.get(pk=ours.pk).co_owners.add(bureau.lead_staff)
    assert ours.title in client.get(url, {"mine": "on"}).content.decode()


def _many_items(bureau, n, start=0):
    for i in range(start, start + n):
        item = new_item(
            bureau,
            due_on=dt.date(2026, 3, 20),
            title=f"事项{i}",
            milestones=[("节点", dt.date(2026, 3, 10))],
            co_units=[bureau.co, bureau.other],
        )
        do_report_progress(item, acting_user=bureau.lead_staff, text="进展", percent=i % 100)


@pytest.mark.parametrize("name", ["office:supervision_list", "office:supervision_overview"])
def test_list_queries_do_not_grow_with_the_items(
    client, bureau, no_mfa, name, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(bureau.leader)
    _many_items(bureau, 2)
    client.get(reverse(name))  # warm the session and caches
    with django_assert_max_num_queries(14) as few:
        assert client.get(reverse(name)).status_code == 200
    _many_items(bureau, 20, start=2)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(reverse(name)).content.decode()
    assert "基础教育处" in body


# --- New item -------------------------------------------------------------------------------


def _new_item_data(bureau, **extra):
    data = {
        "organization": bureau.supervisor.pk,
        "title": "推进智慧校园建设",
        "description": "按方案推进",
        "source_kind": "manual",
        "owner_unit": bureau.lead.pk,
        "co_units": [bureau.co.pk],
        "owner": "jjc",
        "due_on": "",
        "due_in_working_days": "10",
        "ms-TOTAL_FORMS": "2",
        "ms-INITIAL_FORMS": "0",
        "ms-MIN_NUM_FORMS": "0",
        "ms-MAX_NUM_FORMS": "20",
        "ms-0-title": "完成调研",
        "ms-0-due_on": "2026-03-06",
        "ms-1-title": "",
        "ms-1-due_on": "",
    }
    data.update(extra)
    return data


def test_create_by_hand_with_milestones_and_a_deadline_in_working_days(client, bureau, no_mfa):
    client.force_login(bureau.manager)
    response = client.post(reverse("office:supervision_new"), _new_item_data(bureau))
    assert response.status_code == 302
    item = SupervisionItem.objects.get()
    assert response["Location"] == reverse("office:supervision_detail", args=[item.pk])
    assert item.due_on == dt.date(2026, 3, 16)  # 10 working days after Monday 2 March
    assert item.due_explanation
    assert item.owner == bureau.lead_staff
    assert list(item.co_units.all()) == [bureau.co]
    assert [(m.title, m.due_on) for m in item.milestones.all()] == [("完成调研", dt.date(2026, 3, 6))]
    assert item.created_by == bureau.manager
    detail = client.get(response["Location"]).content.decode()
    assert "完成调研" in detail
    assert "deadline-form" in detail  # the supervising unit's decisions


def test_create_form_shows_errors_next_to_the_fields(client, bureau, no_mfa):
    client.force_login(bureau.manager)
    with translation.override("en"):
        response = client.post(
            reverse("office:supervision_new"),
            _new_item_data(bureau, title="", due_in_working_days="", owner="nobody", **{"ms-0-due_on": ""}),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors
    assert form.errors["due_on"] == ["请填写办理时限，可填日期或工作日数。"]
    assert form.errors["owner"] == ["没有使用此用户名的有效用户。"]
    assert response.context["milestones"].forms[0].errors["due_on"] == ["请填写里程碑日期。"]
    assert not SupervisionItem.objects.exists()


def test_action_refusals_come_back_on_the_form(client, bureau, no_mfa):
    client.force_login(bureau.manager)
    response = client.post(reverse("office:supervision_new"), _new_item_data(bureau, owner="rsc"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not SupervisionItem.objects.exists()


@pytest.fixture
def incoming(bureau):
    return Document.objects.create(
        organization=bureau.supervisor,
        direction="incoming",
        doc_type="notice",
        status="instruction",
        title="关于加强校园安全工作的通知",
        issuing_organ="教育部办公厅",
        doc_number="教督厅〔2026〕1号",
        due_on=dt.date(2026, 3, 13),
        created_by=bureau.manager,
    )


def test_new_item_is_prefilled_from_a_source_document(client, bureau, incoming, no_mfa):
    client.force_login(bureau.manager)
    response = client.get(
        reverse("office:supervision_new"), {"source_document": incoming.pk, "source_kind": "instruction"}
    )
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["source_document"] == incoming.pk
    assert initial["source_kind"] == "instruction"
    assert initial["source_label"] == "教督厅〔2026〕1号 关于加强校园安全工作的通知"
    assert initial["title"] == incoming.title
    assert initial["due_on"] == dt.date(2026, 3, 13)
    data = _new_item_data(
        bureau,
        source_kind="instruction",
        source_document=str(incoming.pk),
        source_label=initial["source_label"],
        due_on="2026-03-13",
        due_in_working_days="",
    )
    assert client.post(reverse("office:supervision_new"), data).status_code == 302
    item = SupervisionItem.objects.get()
    assert item.source_document == incoming
    assert item.source_kind == SourceKind.INSTRUCTION
    assert item.due_explanation == []
    client.force_login(bureau.lead_staff)
    detail = client.get(reverse("office:supervision_detail", args=[item.pk])).content.decode()
    assert "教督厅〔2026〕1号" in detail


def test_prefill_from_another_area_by_reference(client, bureau, no_mfa):
    client.force_login(bureau.manager)
    params = {
        "source_kind": "meeting",
        "source_ref": "office.meetingdecision:7",
        "source_label": "第2次局务会 议定事项3",
        "title": "修订绩效考核办法",
    }
    initial = client.get(reverse("office:supervision_new"), params).context["form"].initial
    assert initial == params
    data = _new_item_data(bureau, **params)
    assert client.post(reverse("office:supervision_new"), data).status_code == 302
    item = SupervisionItem.objects.get()
    assert (item.source_ref, item.source_label, item.source_kind) == (
        "office.meetingdecision:7",
        "第2次局务会 议定事项3",
        "meeting",
    )


def test_a_document_the_user_may_not_see_is_neither_prefilled_nor_accepted(client, bureau, no_mfa):
    foreign = Document.objects.create(
        organization=bureau.tree.kashgar,
        direction="incoming",
        doc_type="notice",
        title="喀什的来文",
        issuing_organ="某单位",
        created_by=bureau.manager,
    )
    client.force_login(bureau.manager)
    initial = (
        client.get(reverse("office:supervision_new"), {"source_document": foreign.pk}).context["form"].initial
    )
    assert "source_document" not in initial
    response = client.post(
        reverse("office:supervision_new"), _new_item_data(bureau, source_document=str(foreign.pk))
    )
    assert response.status_code == 200
    assert not SupervisionItem.objects.exists()


# --- Progress reports and evidence ----------------------------------------------------------


def test_report_with_evidence_then_download_it(client, bureau, objects, no_mfa):
    client.force_login(bureau.co_staff)
    url = reverse("office:supervision_report", args=[objects["item"].pk])
    response = client.post(
        url,
        {
            "text": "资金已拨付",
            "percent": "70",
            "milestone": objects["milestone"].pk,
            "milestone_done": "on",
            "files": [
                SimpleUploadedFile("拨付凭证.pdf", PDF),
                SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20),
            ],
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.latest("pk")
    assert report.unit == bureau.co
    assert [e.name for e in report.evidence.order_by("pk")] == ["拨付凭证.pdf", "照片.jpg"]
    assert objects["milestone"].__class__.objects.get(pk=objects["milestone"].pk).done_at is not None
    evidence = report.evidence.order_by("pk").first()
    client.force_login(bureau.manager)  # the supervising unit downloads it
    download = client.get(reverse("office:supervision_evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF
    detail = client.get(reverse("office:supervision_detail", args=[objects["item"].pk])).content.decode()
    assert "拨付凭证.pdf" in detail
    assert "资金已拨付" in detail


def test_wrong_evidence_is_refused_next_to_the_field(client, bureau, objects, no_mfa):
    client.force_login(bureau.lead_staff)
    url = reverse("office:supervision_report", args=[objects["item"].pk])
    with translation.override("en"):
        response = client.post(
            url,
            {"text": "附件", "percent": "20", "files": [SimpleUploadedFile("virus.exe", b"MZ" + b"0" * 30)]},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert errors == [
        "“virus.exe” cannot be attached: evidence must be a PDF, an image (PNG, JPEG, GIF) "
        "or an office document (Word, Excel, PowerPoint, WPS, OFD)."
    ]
    assert "virus.exe" in response.content.decode()
    assert ProgressReport.objects.count() == 1  # only the one from the fixture


def test_oversized_evidence_is_refused_on_the_form(client, bureau, objects, no_mfa, settings):
    settings.EDUGOV_SUPERVISION_EVIDENCE_MAX_BYTES = 1024 * 1024
    client.force_login(bureau.lead_staff)
    url = reverse("office:supervision_report", args=[objects["item"].pk])
    big = SimpleUploadedFile("扫描.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024))
    with translation.override("en"):
        response = client.post(
            url, {"text": "扫描件", "percent": "20", "files": [big]}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert response.context["form"].errors["files"] == [
        "“扫描.pdf” is 2.0\xa0MB; an evidence file may be at most 1 MB."
    ]
    assert ProgressReport.objects.count() == 1


def test_deadline_form_errors_are_shown_on_the_detail_page(client, bureau, objects, no_mfa):
    client.force_login(bureau.manager)
    url = reverse("office:supervision_deadline", args=[objects["item"].pk])
    response = client.post(url, {"deadline-due_on": "2026-03-27", "deadline-reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["deadline_form"].errors
    response = client.post(url, {"deadline-due_on": "2026-03-05", "deadline-reason": "提前"})
    assert response.status_code == 200  # the open milestone of 10 March is after it
    assert response.context["deadline_form"].non_field_errors()
    assert SupervisionItem.objects.get(pk=objects["item"].pk).due_on == dt.date(2026, 3, 20)


def test_reminded_items_appear_on_the_owners_todo_page(client, bureau, no_mfa):
    item = new_item(bureau, due_on=dt.date(2026, 3, 4), title="限期整改")
    send_reminders()
    client.force_login(bureau.lead_staff)
    body = client.get(reverse("workspace:todos")).content.decode()
    assert "限期整改" in body
    assert reverse("office:supervision_detail", args=[item.pk]) in body
