"""Data-quality pages and to-dos: scoping and the four-caller matrix (DB-6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from edugov.core.todos import todos_for
from edugov.platform.testing.fixtures import make_user
from edugov.registry.models import QualityFinding, QualityRun
from edugov.registry.quality.registry import get_rule
from edugov.registry.quality.runner import run_quality
from edugov.registry.tests.test_quality_rules import pupil
from edugov.registry.todos_quality import QualityCorrections
from edugov.registry.views import quality as quality_views

pytestmark = pytest.mark.django_db

OVERVIEW = "registry:quality_overview"
FINDINGS = "registry:quality_findings"
RUN = "registry:quality_run"


@pytest.fixture
def planted(tree):
    """An open error finding at each of two neighbouring schools, and one warning at the first."""
    tianshan = pupil(tree.school_tianshan, guardian=False, name="天山孩子")
    pupil(tree.school_tianshan, class_name="", name="无班孩子")
    shayibake = pupil(tree.school_shayibake, guardian=False, name="沙区孩子")
    rules = [get_rule("student_without_guardian"), get_rule("enrolment_without_class")]
    run_quality([tree.province], rules=rules)
    return {"tianshan": tianshan, "shayibake": shayibake}


def callers(tree):
    return {
        "no_grant": make_user("nobody", unit=tree.school_tianshan),
        "other_unit": make_user("neighbour", unit=tree.school_shayibake, role="registrar"),
        "this_unit": make_user("registrar", unit=tree.school_tianshan, role="registrar"),
    }


def test_overview_four_callers(client, tree, no_mfa, planted):
    url = reverse(OVERVIEW) + f"?unit={tree.school_tianshan.pk}"
    response = client.get(url)
    assert response.status_code == 302
    assert "天山孩子" not in response.content.decode()
    users = callers(tree)
    client.force_login(users["no_grant"])
    assert client.get(url).status_code == 404
    client.force_login(users["other_unit"])
    assert client.get(url).status_code == 404
    own = client.get(reverse(OVERVIEW))
    assert own.status_code == 200
    assert own.context["unit"] == tree.school_shayibake
    client.force_login(users["this_unit"])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["unit"] == tree.school_tianshan
    assert {row["rule"]: row["n"] for row in response.context["by_rule"]} == {
        "student_without_guardian": 1,
        "enrolment_without_class": 1,
    }
    assert response.context["score"].checked == 4
    assert response.context["can_run"] is True
    assert 'data-testid="run-checks"' in response.content.decode()


def test_findings_list_four_callers(client, tree, no_mfa, planted):
    url = reverse(FINDINGS) + f"?unit={tree.school_tianshan.pk}"
    assert client.get(url).status_code == 302
    users = callers(tree)
    client.force_login(users["no_grant"])
    assert client.get(url).status_code == 404
    client.force_login(users["other_unit"])
    assert client.get(url).status_code == 404
    neighbour_list = client.get(reverse(FINDINGS)).content.decode()
    assert "沙区孩子" in neighbour_list
    assert "天山孩子" not in neighbour_list
    client.force_login(users["this_unit"])
    page = client.get(url).content.decode()
    assert "天山孩子" in page
    assert "沙区孩子" not in page
    # the record links to the student's page
    student_url = reverse("registry:student_detail", args=[planted["tianshan"].student_id])
    assert student_url in page


def test_findings_filters_by_rule_severity_and_status(client, tree, no_mfa, planted):
    client.force_login(make_user("registrar", unit=tree.school_tianshan, role="registrar"))
    base = reverse(FINDINGS)
    errors = client.get(base, {"severity": "error"}).context["page"]
    assert [f.rule for f in errors] == ["student_without_guardian"]
    warnings = client.get(base, {"rule": "enrolment_without_class"}).context["page"]
    assert [f.severity for f in warnings] == ["warning"]
    QualityFinding.objects.filter(rule="enrolment_without_class").update(status="resolved")
    assert len(client.get(base).context["page"]) == 1  # open by default
    assert len(client.get(base, {"status": "resolved"}).context["page"]) == 1
    assert len(client.get(base, {"status": "all"}).context["page"]) == 2


def test_a_county_sees_its_schools_and_a_school_not_its_neighbour(client, tree, no_mfa, planted):
    county = make_user("county", unit=tree.tianshan, role="bureau_staff")
    client.force_login(county)
    overview = client.get(reverse(OVERVIEW))
    assert overview.context["unit"] == tree.tianshan
    children = {child.pk: child.latest_score for child in overview.context["children"]}
    assert children[tree.school_tianshan.pk] is not None
    page = client.get(reverse(FINDINGS)).content.decode()
    assert "天山孩子" in page
    assert "沙区孩子" not in page  # another county's school
    # a unit above the county's grant is out of reach
    assert client.get(reverse(OVERVIEW), {"unit": tree.urumqi.pk}).status_code == 404
    # the prefecture sees both counties' schools
    client.force_login(make_user("prefecture", unit=tree.urumqi, role="bureau_staff"))
    page = client.get(reverse(FINDINGS)).content.decode()
    assert "天山孩子" in page
    assert "沙区孩子" in page


def test_run_checks_four_callers(client, tree, no_mfa):
    pupil(tree.school_tianshan, guardian=False)
    data = {"unit": tree.school_tianshan.pk}
    assert client.post(reverse(RUN), data).status_code == 302
    assert not QualityRun.objects.exists()
    users = callers(tree)
    client.force_login(users["no_grant"])
    assert client.post(reverse(RUN), data).status_code == 404
    client.force_login(make_user("viewer", unit=tree.tianshan, role="bureau_leader"))  # may view, not run
    assert client.post(reverse(RUN), data).status_code == 404
    client.force_login(users["other_unit"])
    assert client.post(reverse(RUN), data).status_code == 404
    assert not QualityRun.objects.exists()
    assert client.get(reverse(RUN)).status_code == 405
    client.force_login(users["this_unit"])
    response = client.post(reverse(RUN), data)
    assert response.status_code == 302
    assert f"unit={tree.school_tianshan.pk}" in response["Location"]
    run = QualityRun.objects.get()
    assert (run.organization, run.started_by, run.trigger) == (
        tree.school_tianshan,
        users["this_unit"],
        "manual",
    )
    assert QualityFinding.objects.filter(organization=tree.school_tianshan, status="open").exists()


def test_todos_group_open_errors_of_the_current_unit_by_rule(tree, planted):
    registrar = make_user("registrar", unit=tree.school_tianshan, role="registrar")
    items = QualityCorrections().items(registrar, tree.school_tianshan)
    assert len(items) == 1  # the warning (no class) is not a to-do
    assert "1" in items[0].title
    assert "rule=student_without_guardian" in items[0].url
    assert f"unit={tree.school_tianshan.pk}" in items[0].url
    assert QualityCorrections().count(registrar, tree.school_tianshan) == 1
    assert any(
        provider.key == "registry.quality" for provider, _items in todos_for(registrar, tree.school_tianshan)
    )
    # not the neighbour's, and nothing for a user who may not see findings
    neighbour = make_user("neighbour", unit=tree.school_shayibake, role="registrar")
    assert QualityCorrections().items(neighbour, tree.school_tianshan) == []
    nobody = make_user("nobody", unit=tree.school_tianshan)
    assert QualityCorrections().count(nobody, tree.school_tianshan) == 0
    assert QualityCorrections().items(registrar, None) == []


def test_record_links_fall_back_to_no_link(monkeypatch):
    assert quality_views.record_url("class", 5) is None
    assert quality_views.record_url("student", None) is None
    monkeypatch.setitem(quality_views.RECORD_URLS, "student", "registry:no_such_page")
    assert quality_views.record_url("student", 5) is None


def test_navigation_offers_data_quality_to_those_who_may_see_it(client, tree, no_mfa):
    client.force_login(make_user("registrar", unit=tree.school_tianshan, role="registrar"))
    assert reverse(OVERVIEW) in client.get(reverse("workspace:home")).content.decode()
    client.force_login(make_user("teacher", unit=tree.school_tianshan, role="teacher"))
    assert reverse(OVERVIEW) not in client.get(reverse("workspace:home")).content.decode()
