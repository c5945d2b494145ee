"""A citizen files a complaint, follows it, rates the answer and reopens it in Uyghur, Kyrgyz
(Arabic script) and English (PUB-8, PUB-10, PUB-12).

The whole citizen side stays in the language the citizen chose: the form, the receipt, the
status page with its day-by-day deadline explanation and timeline, and the messages after
rating and reopening. The handler's reply is the official record and stays Chinese.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from edugov.platform.testing.fixtures import build_tree, make_user
from edugov.portal.actions.letters import do_reply_letter
from edugov.portal.actions.sites import do_create_site
from edugov.portal.models import Case, CaseRating
from tests.e2e.axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"ug": ("/ug", "rtl"), "ky-arab": ("/ky-arab", "rtl"), "en": ("/en", "ltr")}
ARABIC = re.compile(r"[\u0600-\u06FF]")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def in_language(text: str, direction: str) -> bool:
    """Arabic-script text for Uyghur and Kyrgyz; Latin text without Chinese for English."""
    if direction == "rtl":
        return bool(ARABIC.search(text))
    return bool(re.search(r"[A-Za-z]", text)) and not CHINESE.search(text)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_complaint_from_filing_to_reopening_in_the_citizens_language(live_server, page, language):
    tree = build_tree()
    port = urlparse(live_server.url).port
    do_create_site(tree.kashgar, hostname="ks.localhost", port=port, acting_user=None, slug="ks")
    handler = make_user("ks_handler", unit=tree.kashgar, role="case_handler")
    prefix, direction = LANGUAGES[language]
    site = f"http://ks.localhost:{port}"

    page.goto(site + prefix + "/services/letters/complaint/")
    html = page.locator("html")
    assert html.get_attribute("dir") == direction
    assert html.get_attribute("lang") == language
    assert in_language(page.locator("label[for=id_subject]").inner_text(), direction)
    assert_no_serious_violations(page, context=f"{language} complaint form")
    page.select_option("#id_category", "fees")
    page.select_option("#id_region", "653101")
    page.fill("#id_subject", "学校违规收取补课费")
    page.fill("#id_content", "喀什市某小学要求每名学生交补课费800元。")
    page.fill("#id_name", "Aygul")
    page.fill("#id_phone", "13912345678")
    with page.expect_navigation():
        page.get_by_test_id("letter-submit").click()
    number = page.get_by_test_id("receipt-number").inner_text().strip()
    status_link = page.get_by_test_id("receipt-status-link").get_attribute("href")
    assert urlparse(status_link).path.startswith(prefix + "/services/cases/")
    case = Case.objects.get(number=number)

    do_reply_letter(case, acting_user=handler, text="经核查，学校已停止收费并退还已收费用。")
    page.goto(status_link)
    assert page.locator("html").get_attribute("dir") == direction
    assert "已停止收费" in page.get_by_test_id("case-reply").inner_text()
    explain = page.get_by_test_id("case-explain").locator("li").all_text_contents()
    assert len(explain) > 15
    assert [line for line in explain if not in_language(line, direction)] == []
    timeline = page.get_by_test_id("case-timeline").locator("strong").all_inner_texts()
    assert timeline
    if direction == "rtl":
        assert all(ARABIC.search(label) for label in timeline), timeline
    assert_no_serious_violations(page, context=f"{language} status page")

    with page.expect_navigation():
        page.get_by_test_id("rate-4").click()
    assert CaseRating.objects.get(case=case).level == 4
    assert in_language(page.locator(".alert-success").inner_text(), direction)

    reopen = page.get_by_test_id("reopen-form")
    reopen.locator("[name=reason]").fill("费用只退了一半。")
    with page.expect_navigation():
        reopen.locator("button[type=submit]").click()
    case.refresh_from_db()
    assert case.status == "reopened"
    assert in_language(page.locator(".alert-success").inner_text(), direction)
    assert page.locator("html").get_attribute("lang") == language
