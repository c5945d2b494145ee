"""Generic case handling (any kind): accept, reroute within scope, public timeline without internal notes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from edugov.platform.testing.fixtures import make_user
from edugov.portal.actions.case_handling import do_accept_case, do_reroute_case, reroute_targets
from edugov.portal.choices import CaseStatus
from edugov.portal.testing.letters import open_letter
from edugov.portal.todos_cases import CasesOverdue, CasesToAccept

pytestmark = pytest.mark.django_db


def test_reroute_to_a_unit_in_scope_or_the_parent_only(tree, sites):
    router = make_user("ks_sup", unit=tree.kashgar, role="case_supervisor")
    case, _code = open_letter(sites.kashgar)
    targets = set(reroute_targets(router, case))
    assert tree.kashi_city in targets
    assert tree.province in targets  # the parent
    assert tree.urumqi not in targets
    with pytest.raises(ValidationError) as error:
        do_reroute_case(case, target=tree.urumqi, acting_user=router, reason="不归我们管")
    assert error.value.code == "reroute_out_of_scope"
    with pytest.raises(ValidationError) as error:
        do_reroute_case(case, target=tree.tianshan, acting_user=router, reason="不归我们管")
    assert error.value.code == "reroute_out_of_scope"
    case.refresh_from_db()
    assert case.handling_unit == tree.kashgar


def test_reroute_needs_route_permission_and_a_reason(tree, sites):
    handler = make_user("ks_handler", unit=tree.kashgar, role="case_handler")
    router = make_user("ks_sup", unit=tree.kashgar, role="case_supervisor")
    case, _code = open_letter(sites.kashgar)
    with pytest.raises(PermissionDenied):
        do_reroute_case(case, target=tree.kashi_city, acting_user=handler, reason="x")
    with pytest.raises(ValidationError) as error:
        do_reroute_case(case, target=tree.kashi_city, acting_user=router, reason="")
    assert error.value.code == "reason_required"


def test_reroute_moves_the_case_and_the_public_line_names_only_the_unit(client, tree, sites):
    router = make_user("ks_sup", unit=tree.kashgar, role="case_supervisor")
    county = make_user("ksc_handler", unit=tree.kashi_city, role="case_handler")
    case, _code = open_letter(sites.kashgar)
    do_accept_case(case, acting_user=router)
    moved = do_reroute_case(
        case,
        target=tree.kashi_city,
        acting_user=router,
        reason="属地管理",
        internal_note="该校校长电话已核实",
    )
    assert moved.handling_unit == tree.kashi_city
    assert moved.status == CaseStatus.SUBMITTED
    assert CasesToAccept().count(county, None) == 1
    page = client.get(f"/services/cases/{case.tracking_token}/", HTTP_HOST="ks.test").content.decode()
    assert "喀什市教育局" in page
    assert "属地管理" not in page
    assert "校长电话" not in page


def test_accept_only_once_and_only_by_handlers(tree, sites):
    viewer = make_user("leader", unit=tree.kashgar, role="bureau_leader")
    handler = make_user("ks_handler", unit=tree.kashgar, role="case_handler")
    case, _code = open_letter(sites.kashgar)
    with pytest.raises(PermissionDenied):
        do_accept_case(case, acting_user=viewer)
    assert CasesToAccept().count(handler, None) == 1
    do_accept_case(case, acting_user=handler)
    assert CasesToAccept().count(handler, None) == 0
    with pytest.raises(ValidationError) as error:
        do_accept_case(case, acting_user=handler)
    assert error.value.code == "wrong_status"


def test_overdue_cases_are_the_handlers_to_do(tree, sites):
    import datetime as dt

    from django.utils import timezone

    handler = make_user("ks_handler", unit=tree.kashgar, role="case_handler")
    case, _code = open_letter(sites.kashgar)
    assert CasesOverdue().count(handler, None) == 0
    type(case).objects.filter(pk=case.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert CasesOverdue().count(handler, None) == 1


def test_requester_updates_after_closing_reach_the_handler(tree, sites):
    from edugov.portal.actions.case_handling import do_close_case
    from edugov.portal.actions.ratings import do_add_requester_update
    from edugov.portal.testing.letters import replied_letter
    from edugov.portal.todos_cases import CasesWithRequesterUpdates

    handler = make_user("ks_handler", unit=tree.kashgar, role="case_handler")
    supervisor = make_user("ks_sup", unit=tree.kashgar, role="case_supervisor")
    case = replied_letter(sites.kashgar, handler)
    do_close_case(case, acting_user=supervisor, outcome="resolved", reason="已答复")
    assert CasesWithRequesterUpdates().count(handler, None) == 0
    do_add_requester_update(case, text="学校又开始收费了")
    assert CasesWithRequesterUpdates().count(handler, None) == 1
    assert CasesWithRequesterUpdates().count(make_user("x", unit=tree.urumqi, role="case_handler"), None) == 0


def test_inbox_filters_overdue_and_open_rectification(client, tree, sites, no_mfa):
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from edugov.portal.actions.ratings import do_rate_case
    from edugov.portal.models import Case
    from edugov.portal.testing.letters import replied_letter

    handler = make_user("ks_handler", unit=tree.kashgar, role="case_handler")
    late, _c = open_letter(sites.kashgar)
    Case.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    rated = replied_letter(sites.kashgar, handler)
    do_rate_case(rated, level=2)
    plain, _c = open_letter(sites.kashgar)
    client.force_login(handler)
    url = reverse("portal:case_inbox")

    def numbers(query):
        return {case.number for case in client.get(url, query).context["page"]}

    assert numbers({}) == {late.number, rated.number, plain.number}
    assert numbers({"overdue": "on"}) == {late.number}
    assert numbers({"rectification": "on"}) == {rated.number}
    assert numbers({"kind": "consultation"}) == set()
