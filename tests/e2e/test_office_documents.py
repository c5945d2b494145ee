"""A notice from draft to distribution, and at the receiving unit from receipt to archive, in
the browser: a clerk drafts, the office reviews, a department countersigns, the leader signs
off (number + signed PDF that poppler's pdfsig accepts), the office dispatches; the
prefecture bureau signs for it, registers, proposes, its leader instructs, a department
handles it, the office completes and archives it, and the sender sees the receipt.

Issue 4 "done means" (IN-1, IN-2, IN-8 paperless).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

import pytest
from django.urls import reverse
from django.utils import timezone

from edugov.core.actions.organizations import do_create_organization
from edugov.office.models import Document, NumberSeries
from edugov.platform.testing.fixtures import PASSWORD, build_tree, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + reverse("workspace:home"))


def department(parent, name: str):
    return do_create_organization(
        parent=parent,
        name=name,
        kind="department",
        level=parent.level,
        region=parent.region,
        acting_user=None,
    )


def act_on_first_task(page, base: str, outcome: str, opinion: str = "") -> None:
    """Open the first to-do, write the opinion and press the outcome's button."""
    page.goto(base + reverse("office:task_list"))
    page.get_by_test_id("task-list").locator("a").first.click()
    panel = page.get_by_test_id("task-panel").first
    if opinion:
        panel.locator("textarea").first.fill(opinion)
    panel.get_by_test_id(f"outcome-{outcome}").click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger").count() == 0, page.locator(".alert-danger").inner_text()


def test_notice_from_draft_to_archive_at_the_receiving_unit(live_server, page, no_mfa):
    tree = build_tree()
    basic = department(tree.province, "基础教育处")
    finance = department(tree.province, "财务处")
    u_dept = department(tree.urumqi, "基础教育科")
    make_user("e_drafter", unit=basic, role="bureau_staff")
    make_user("e_clerk", unit=tree.province, role="office_clerk")
    make_user("e_finance", unit=finance, role="department_head")
    make_user("e_leader", unit=tree.province, role="bureau_leader")
    make_user("e_u_clerk", unit=tree.urumqi, role="office_clerk")
    make_user("e_u_leader", unit=tree.urumqi, role="bureau_leader")
    make_user("e_u_head", unit=u_dept, role="department_head")
    NumberSeries.objects.create(organization=tree.province, prefix="新教发", name="厅发文")
    base = live_server.url
    year = timezone.localdate().year

    # The clerk of 基础教育处 drafts the notice from the template of its type.
    sign_in(page, base, "e_drafter")
    page.goto(base + reverse("office:document_new"))
    # A department drafts for its bureau: the bureau is the unit offered first.
    assert page.locator("#id_organization option:checked").inner_text() == tree.province.name
    page.fill("#id_title", "关于做好秋季学期义务教育招生入学工作的通知")
    page.fill("#id_main_recipients", "各州、市（地）教育局：")
    page.fill("#id_body", "一、总体要求\n做好招生入学工作。\n二、工作安排\n（一）摸清适龄儿童底数。")
    page.select_option("#id_series", label="新教发")
    page.get_by_label("财务处").check()
    page.get_by_label(tree.urumqi.name).check()
    page.get_by_test_id("draft-save").click()
    page.wait_for_url(re.compile(r"/office/documents/\d+/$"))
    document = Document.objects.get(title="关于做好秋季学期义务教育招生入学工作的通知")
    assert page.get_by_test_id("document-status").get_attribute("data-status") == "draft"
    page.get_by_test_id("task-panel").get_by_test_id("outcome-submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("document-status").get_attribute("data-status") == "review"

    # The office reviews (核稿), the finance department countersigns (会签).
    sign_in(page, base, "e_clerk")
    act_on_first_task(page, base, "pass", "核稿，文种格式无误。")
    sign_in(page, base, "e_finance")
    act_on_first_task(page, base, "agree", "经费由各地统筹安排，同意。")

    # The leader signs off: the number is taken and the PDF signed.
    sign_in(page, base, "e_leader")
    act_on_first_task(page, base, "approve", "同意印发。")
    assert page.get_by_test_id("document-number").inner_text() == f"新教发〔{year}〕1号"
    assert page.get_by_test_id("signature-info").is_visible()
    opinions = page.get_by_test_id("opinions").inner_text()
    for text in ("核稿，文种格式无误。", "经费由各地统筹安排，同意。", "同意印发。"):
        assert text in opinions
    response = page.request.get(base + reverse("office:document_pdf", args=[document.pk]))
    assert response.status == 200
    assert response.body()[:5] == b"%PDF-"
    pdfsig = shutil.which("pdfsig")
    if pdfsig is None and os.environ.get("CI"):
        pytest.fail("pdfsig (poppler-utils) is missing; .ci/run installs it")
    if pdfsig is not None:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(response.body())
            handle.flush()
            result = subprocess.run([pdfsig, handle.name], capture_output=True, text=True, check=False)  # noqa: S603
        assert "Signature is Valid" in result.stdout, result.stdout + result.stderr

    # The office dispatches it to 乌鲁木齐市教育局.
    sign_in(page, base, "e_clerk")
    act_on_first_task(page, base, "done")
    assert (
        "not yet signed for" in page.get_by_test_id("receipts").inner_text()
        or "未签收" in page.get_by_test_id("receipts").inner_text()
    )

    # The receiving unit: sign for, register, propose, instruct, handle, complete, archive.
    sign_in(page, base, "e_u_clerk")
    act_on_first_task(page, base, "received")
    page.goto(base + reverse("office:task_list"))
    page.get_by_test_id("task-list").locator("a").first.click()
    panel = page.get_by_test_id("task-panel").first
    panel.get_by_label("基础教育科").check()
    panel.get_by_test_id("outcome-registered").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("incoming-serial").inner_text().endswith(f"收文〔{year}〕1号")
    page.goto(base + reverse("office:task_list"))
    page.get_by_test_id("task-list").locator("a").first.click()
    panel = page.get_by_test_id("task-panel").first
    panel.locator("textarea").first.fill("拟请基础教育科办理。")
    panel.get_by_label("基础教育科").check()
    panel.get_by_test_id("outcome-proposed").click()
    page.wait_for_load_state()

    sign_in(page, base, "e_u_leader")
    act_on_first_task(page, base, "instructed", "请基础教育科抓紧落实。")
    sign_in(page, base, "e_u_head")
    act_on_first_task(page, base, "done", "已部署各区县落实。")
    sign_in(page, base, "e_u_clerk")
    act_on_first_task(page, base, "completed")
    act_on_first_task(page, base, "archived")
    incoming = Document.objects.get(source=document)
    assert page.get_by_test_id("document-status").get_attribute("data-status") == "archived"
    opinions = page.get_by_test_id("opinions").inner_text()
    # The sender's opinions travel with the copy, beside the receiver's own.
    for text in ("同意印发。", "请基础教育科抓紧落实。", "已部署各区县落实。"):
        assert text in opinions
    assert incoming.status == "archived"

    # The sender sees the receipt.
    sign_in(page, base, "e_drafter")
    page.goto(base + reverse("office:document_detail", args=[document.pk]))
    receipts = page.get_by_test_id("receipts").inner_text()
    assert tree.urumqi.name in receipts
    assert page.get_by_test_id("receipts").locator(".text-bg-success").count() == 1


def test_the_task_list_works_on_a_phone(live_server, phone_page, no_mfa):
    tree = build_tree()
    basic = department(tree.province, "基础教育处")
    make_user("p_drafter", unit=basic, role="bureau_staff")
    base = live_server.url
    sign_in(phone_page, base, "p_drafter")
    phone_page.goto(base + reverse("office:document_new"))
    phone_page.fill("#id_title", "关于报送学校安全自查情况的通知")
    phone_page.get_by_test_id("draft-save").click()
    phone_page.wait_for_url(re.compile(r"/office/documents/\d+/$"))
    phone_page.goto(base + reverse("office:task_list"))
    tasks = phone_page.get_by_test_id("task-list")
    assert "关于报送学校安全自查情况的通知" in tasks.inner_text()
    # Nothing is wider than the phone's screen.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
