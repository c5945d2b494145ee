"""Staff pages of the annual report: scoped to the unit, figures form, XLSX, draft for the site."""

from __future__ import annotations

import io
from typing import Any

import pytest
from wagtail.models import WorkflowState

from edugov.core.models import Grant, Role
from edugov.platform.testing.fixtures import make_user
from edugov.portal.models import AnnualReportFigures, DisclosureItemPage
from edugov.portal.models.catalogue import DisclosureCategory
from edugov.portal.tests.test_annual_report_counts import request
from edugov.portal.tests.test_catalogue_pages import add_catalogue

pytestmark = pytest.mark.django_db


def url(unit: Any, year: int = 2025, suffix: str = "") -> str:
    return f"/portal/disclosure/annual-report/{unit.pk}/{year}/{suffix}"


def grant(user: Any, role: str, unit: Any) -> None:
    Grant.objects.create(user=user, role=Role.objects.get(code=role), organization=unit)


def test_report_pages_answer_only_for_the_unit_in_scope(client: Any, tree: Any, no_mfa: None) -> None:
    request(tree.urumqi, "natural", "2025-03-01")
    pages = [url(tree.urumqi), url(tree.urumqi, suffix="xlsx/"), url(tree.urumqi, suffix="figures/")]
    for page in pages:
        assert client.get(page).status_code == 302  # anonymous: to sign-in
    client.force_login(make_user("plain", unit=tree.urumqi))
    assert all(client.get(page).status_code == 404 for page in pages)
    client.force_login(make_user("kashgar_handler", unit=tree.kashgar, role="case_handler"))
    assert all(client.get(page).status_code == 404 for page in pages)
    assert client.post(url(tree.urumqi, suffix="figures/"), {}).status_code == 404

    client.force_login(make_user("handler", unit=tree.urumqi, role="case_handler"))
    response = client.get(url(tree.urumqi))
    assert response.status_code == 200
    assert response.context["report"].row("new").counts[-1] == 1
    html = response.content.decode()
    assert '<th scope="col"' in html
    assert 'data-testid="report-deadline"' in html
    assert "2026-01-31" in html
    xlsx = client.get(url(tree.urumqi, suffix="xlsx/"))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(xlsx.content))["三 依申请公开"]["H2"].value == 1
    # A grant at the province covers the bureau below it.
    client.force_login(make_user("province_leader", unit=tree.province, role="bureau_leader"))
    assert client.get(url(tree.urumqi)).status_code == 200
    # Viewing is not editing: the leader may not change the figures.
    assert client.get(url(tree.urumqi, suffix="figures/")).status_code == 404
    # A year outside the regulation's life is not a page.
    assert client.get(url(tree.urumqi, year=2100)).status_code == 404


def test_figures_form_saves_the_manual_rows(client: Any, tree: Any, no_mfa: None) -> None:
    client.force_login(make_user("handler", unit=tree.urumqi, role="case_handler"))
    data = {
        "licensing": "12",
        "penalties": "3",
        "coercion": "0",
        "fees_10k_yuan": "1.5",
        "overview": "本年度主动公开信息120条。",
        "problems": "",
        "other_matters": "",
    }
    for group in ("review", "litigation_direct", "litigation_after_review"):
        for i in range(5):
            data[f"{group}_{i}"] = "0"
    data["review_0"], data["review_4"] = "2", "2"
    bad = client.post(url(tree.urumqi, suffix="figures/"), {**data, "licensing": "-1"})
    assert bad.status_code == 200
    assert bad.context["form"].errors.as_data()["licensing"][0].code == "min_value"
    response = client.post(url(tree.urumqi, suffix="figures/"), data)
    assert response.status_code == 302
    figures = AnnualReportFigures.objects.get(unit=tree.urumqi, year=2025)
    assert figures.licensing == 12
    assert figures.review_litigation["review"] == [2, 0, 0, 0, 2]
    report = client.get(url(tree.urumqi)).context["report"]
    assert report.licensing[0].value == 12
    assert report.review_groups[0][1] == [2, 0, 0, 0, 2]
    assert "本年度主动公开信息120条。" in client.get(url(tree.urumqi)).content.decode()


def test_publish_drafts_a_catalogue_item_for_review(client: Any, tree: Any, sites: Any, no_mfa: None) -> None:
    add_catalogue(sites.urumqi)
    request(tree.urumqi, "natural", "2025-03-01")
    handler = make_user("handler", unit=tree.urumqi, role="case_handler")
    client.force_login(handler)
    # Without the right to edit the unit's site there is nothing to publish to.
    assert client.post(url(tree.urumqi, suffix="publish/")).status_code == 404
    assert not DisclosureItemPage.objects.exists()
    grant(handler, "site_editor", tree.urumqi)
    response = client.post(url(tree.urumqi, suffix="publish/"))
    assert response.status_code == 302
    item = DisclosureItemPage.objects.get()
    assert item.category == DisclosureCategory.ANNUAL_REPORT
    assert not item.live
    assert item.unit == tree.urumqi
    assert WorkflowState.objects.filter(object_id=str(item.pk), status="in_progress").exists()
    rendered = str(item.body)
    assert "<table" in rendered
    assert 'scope="col"' in rendered
    # Another unit's editor cannot publish the urumqi report.
    client.force_login(make_user("kashgar_editor", unit=tree.kashgar, role="site_editor"))
    assert client.post(url(tree.urumqi, suffix="publish/")).status_code == 404


def test_publish_without_a_catalogue_says_so(client: Any, tree: Any, sites: Any, no_mfa: None) -> None:
    handler = make_user("handler", unit=tree.urumqi, role="case_handler")
    grant(handler, "site_editor", tree.urumqi)
    client.force_login(handler)
    response = client.post(url(tree.urumqi, suffix="publish/"), follow=True)
    assert response.status_code == 200
    assert not DisclosureItemPage.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_report_index_opens_last_years_report_of_the_current_unit(
    client: Any, tree: Any, no_mfa: None
) -> None:
    from django.utils import timezone

    client.force_login(make_user("plain", unit=tree.urumqi))
    assert client.get("/portal/disclosure/annual-report/").status_code == 404
    client.force_login(make_user("handler", unit=tree.urumqi, role="case_handler"))
    response = client.get("/portal/disclosure/annual-report/")
    assert response.status_code == 302
    assert response["Location"] == url(tree.urumqi, year=timezone.localdate().year - 1)
