"""The four-caller matrix for the staff case pages (STYLE §3.3): 404 outside the grant, nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from edugov.core.models import AuditEntry
from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.letters import do_reply_letter
from edugov.portal.actions.ratings import do_file_rating_appeal, do_rate_case
from edugov.portal.models import Case, CaseEvent
from edugov.portal.testing.letters import open_letter

pytestmark = pytest.mark.django_db

# (url name, args builder, method, post data, role needed on the case's unit)
RESTRICTED = [
    ("portal:case_detail", "case", "get", {}, "case_handler"),
    ("portal:case_accept", "case", "post", {}, "case_handler"),
    ("portal:case_reply", "case", "post", {"text": "答复"}, "case_handler"),
    ("portal:case_reroute", "case", "post", {"reason": "x"}, "case_supervisor"),
    ("portal:case_close", "case", "post", {"outcome": "resolved", "reason": "x"}, "case_supervisor"),
    ("portal:case_follow_up", "case", "post", {"method": "phone"}, "case_handler"),
    ("portal:case_publish", "case", "post", {"question": "q", "answer": "a"}, "case_handler"),
    ("portal:case_rectification", "rect", "post", {"notes": "done"}, "case_handler"),
    ("portal:case_appeal", "rating", "post", {"reason": "r"}, "case_handler"),
    ("portal:case_attachment_missing", "case", "get", {}, "case_handler"),
]
RESTRICTED = [row for row in RESTRICTED if row[0] != "portal:case_attachment_missing"]


@pytest.fixture
def objects(tree, sites):
    handler = make_user("ts_handler_seed", unit=tree.tianshan, role="case_handler")
    case, _code = open_letter(sites.urumqi)
    Case.objects.filter(pk=case.pk).update(handling_unit=tree.tianshan)
    case.refresh_from_db()
    do_reply_letter(case, acting_user=handler, text="答复")
    rating = do_rate_case(case, level=1)
    return {"case": [case.pk], "rect": [case.pk, rating.rectification.pk], "rating": [case.pk, rating.pk]}


def _call(client, name, args, method, data):
    url = reverse(name, args=args)
    return client.post(url, data) if method == "post" else client.get(url)


def _state():
    return (CaseEvent.objects.count(), list(Case.objects.values_list("status", "handling_unit_id")))


@pytest.mark.parametrize(("name", "obj", "method", "data", "role"), RESTRICTED)
def test_anonymous_is_sent_to_sign_in(client, objects, name, obj, method, data, role):
    response = _call(client, name, objects[obj], method, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


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
    response = _call(client, name, objects[obj], method, data)
    assert response.status_code in (200, 302, 400)


def test_inbox_shows_only_cases_in_scope_and_404_without_the_permission(client, tree, sites, no_mfa):
    ours, _c = open_letter(sites.kashgar, subject="喀什的信")
    theirs, _c = open_letter(sites.urumqi, subject="乌鲁木齐的信")
    client.force_login(make_user("ks_handler", unit=tree.kashgar, role="case_handler"))
    body = client.get(reverse("portal:case_inbox")).content.decode()
    assert ours.number in body
    assert theirs.number not in body
    client.force_login(make_user("plain", unit=tree.kashgar))
    assert client.get(reverse("portal:case_inbox")).status_code == 404


def test_detail_view_of_personal_data_is_audited(client, tree, sites, no_mfa):
    case, _c = open_letter(sites.kashgar)
    client.force_login(make_user("ks_handler", unit=tree.kashgar, role="case_handler"))
    response = client.get(reverse("portal:case_detail", args=[case.pk]))
    assert "13912345678" in response.content.decode()
    assert AuditEntry.objects.filter(event_type="privacy.full_view", target_id=str(case.pk)).exists()


def test_routing_page_for_route_holders_only(client, tree, sites, no_mfa):
    client.force_login(make_user("ks_handler", unit=tree.kashgar, role="case_handler"))
    assert client.get(reverse("portal:case_routing")).status_code == 404
    client.force_login(make_user("ks_sup", unit=tree.kashgar, role="case_supervisor"))
    response = client.get(reverse("portal:case_routing"))
    assert response.status_code == 200
    assert response.context["owner"] == tree.kashgar
    response = client.post(
        reverse("portal:case_routing"),
        {"unit": tree.kashgar.pk, "target": tree.kashi_city.pk, "priority": 10},
    )
    assert response.status_code == 302
    # A target outside the owner's subtree is not among the choices.
    response = client.post(
        reverse("portal:case_routing"), {"unit": tree.kashgar.pk, "target": tree.tianshan.pk, "priority": 10}
    )
    assert response.status_code == 400


def test_appeal_decision_only_for_the_parent_units_supervisor(client, tree, sites, no_mfa):
    handler = make_user("ts_handler", unit=tree.tianshan, role="case_handler")
    case, _code = open_letter(sites.urumqi)
    Case.objects.filter(pk=case.pk).update(handling_unit=tree.tianshan)
    case.refresh_from_db()
    do_reply_letter(case, acting_user=handler, text="答复")
    rating = do_rate_case(case, level=1)
    appeal = do_file_rating_appeal(rating, acting_user=handler, reason="恶意")
    url = reverse("portal:case_appeal_decide", args=[case.pk, appeal.pk])
    client.force_login(make_user("ts_sup", unit=tree.tianshan, role="case_supervisor"))
    assert client.post(url, {"upheld": "1", "note": "x"}).status_code == 404
    client.force_login(make_user("wlmq_sup", unit=tree.urumqi, role="case_supervisor"))
    assert client.post(url, {"upheld": "1", "note": "核实"}).status_code == 302
    rating.refresh_from_db()
    assert rating.excluded


def test_disclosure_requests_cannot_skip_their_own_steps_on_the_generic_case_page(
    client, tree, sites, no_mfa
):
    """Accept, reply and transfer of a disclosure request go through /portal/disclosure/ only (PUB-3)."""
    from edugov.portal.models import Case
    from edugov.portal.testing.citizens import make_citizen, submit_request

    case, _code = submit_request(make_citizen(), unit=tree.urumqi)
    client.force_login(make_user("wlmq_supervisor", unit=tree.urumqi, role="case_supervisor"))
    detail = client.get(f"/portal/cases/{case.pk}/")
    assert detail.status_code == 200
    assert f"/portal/disclosure/{case.pk}/" in detail.content.decode()
    for step in ("accept", "reply", "reroute"):
        assert (
            client.post(f"/portal/cases/{case.pk}/{step}/", {"text": "x", "reason": "x"}).status_code == 404
        )
    assert Case.objects.get(pk=case.pk).status == "submitted"
