"""Process administrators' pages: the four callers, uploads, downloads, counts in scope."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from edugov.core.models import AuditEntry
from edugov.office.events import OfficeEvent
from edugov.office.models import ProcessDefinition
from edugov.office.workflow import engine
from edugov.office.workflow.builtin import APPROVAL, OUTGOING, shipped
from edugov.office.workflow.testing import build_office
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

PAGES = [
    ("office:process_list", ()),
    ("office:process_detail", (OUTGOING,)),
    ("office:process_download", (OUTGOING, 1)),
    ("office:process_upload", ()),
]


def _url(name, args):
    return reverse(name, args=args)


def _upload(client, key, xml, name=""):
    return client.post(
        reverse("office:process_upload"),
        {
            "key": key,
            "name": name,
            "file": SimpleUploadedFile("p.bpmn", xml.encode("utf-8"), "application/xml"),
        },
    )


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_is_sent_to_sign_in(client, name, args):
    response = client.get(_url(name, args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_user_without_grant_gets_not_found(client, tree, no_mfa, name, args):
    client.force_login(make_user("plain", unit=tree.province, role="teacher"))
    assert client.get(_url(name, args)).status_code == 404


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_process_admin_of_the_tree_is_allowed(client, tree, no_mfa, name, args):
    client.force_login(make_user("admin", unit=tree.province, role="process_admin"))
    assert client.get(_url(name, args)).status_code == 200


def test_missing_key_or_version_is_not_found(client, tree, no_mfa):
    client.force_login(make_user("admin", unit=tree.province, role="process_admin"))
    assert client.get(reverse("office:process_detail", args=["no.such"])).status_code == 404
    assert client.get(reverse("office:process_download", args=[OUTGOING, 99])).status_code == 404


def test_admin_of_another_unit_cannot_upload_and_nothing_changes(client, tree, no_mfa):
    # Definitions serve every unit: a county's process admin may read them but not replace them.
    client.force_login(make_user("county_admin", unit=tree.kashgar, role="process_admin"))
    before = ProcessDefinition.objects.count()
    assert client.get(reverse("office:process_upload")).status_code == 404
    assert _upload(client, APPROVAL, shipped()[APPROVAL].replace("修改", "修订")).status_code == 404
    assert ProcessDefinition.objects.count() == before
    assert client.get(reverse("office:process_list")).status_code == 200


def test_clerk_may_view_but_not_upload(client, tree, no_mfa):
    client.force_login(make_user("clerk", unit=tree.province, role="office_clerk"))
    response = client.get(reverse("office:process_list"))
    assert response.status_code == 200
    assert reverse("office:process_upload") not in response.content.decode()
    assert client.get(reverse("office:process_upload")).status_code == 404


def test_list_counts_running_instances_in_scope_only(client, tree, no_mfa, django_assert_max_num_queries):
    office = build_office(tree)
    kashgar_user = make_user("k_staff", unit=tree.kashgar, role="bureau_staff")
    engine.start(OUTGOING, organization=tree.province, acting_user=office.drafter, title="a")
    engine.start(OUTGOING, organization=tree.kashgar, acting_user=kashgar_user, title="b")
    engine.start(APPROVAL, organization=office.dept_a, acting_user=office.drafter, title="c")
    client.force_login(make_user("k_admin", unit=tree.kashgar, role="process_admin"))
    with django_assert_max_num_queries(11):
        response = client.get(reverse("office:process_list"))
    html = response.content.decode()
    rows = {p["key"]: p for p in response.context["processes"]}
    assert rows[OUTGOING]["running"] == 1
    assert rows[APPROVAL]["running"] == 0
    assert "发文" in html
    client.force_login(make_user("p_admin", unit=tree.province, role="process_admin"))
    rows = {p["key"]: p for p in client.get(reverse("office:process_list")).context["processes"]}
    assert rows[OUTGOING]["running"] == 2
    assert rows[APPROVAL]["running"] == 1


def test_detail_shows_steps_lanes_and_versions(client, tree, no_mfa, django_assert_max_num_queries):
    client.force_login(make_user("admin", unit=tree.province, role="process_admin"))
    engine.deploy(OUTGOING, shipped()[OUTGOING].replace('name="核稿"', 'name="审核"'), acting_user=None)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("office:process_detail", args=[OUTGOING]))
    html = response.content.decode()
    assert response.context["selected"].version == 2
    assert "审核" in html
    assert "office.document.countersign" in html
    assert [v.version for v in response.context["versions"]] == [2, 1]
    old = client.get(reverse("office:process_detail", args=[OUTGOING]) + "?version=1")
    assert "核稿" in old.content.decode()


def test_download_returns_the_versions_xml(client, tree, no_mfa):
    client.force_login(make_user("admin", unit=tree.province, role="process_admin"))
    response = client.get(reverse("office:process_download", args=[OUTGOING, 1]))
    assert response["Content-Type"].startswith("application/xml")
    assert 'filename="office.outgoing.v1.bpmn"' in response["Content-Disposition"]
    assert response.content.decode() == ProcessDefinition.objects.get(key=OUTGOING, version=1).bpmn_xml


def test_upload_stores_a_new_version(client, tree, no_mfa):
    admin = make_user("admin", unit=tree.province, role="process_admin")
    client.force_login(admin)
    response = _upload(client, APPROVAL, shipped()[APPROVAL].replace('name="修改"', 'name="修订"'), "审批 v2")
    assert response.status_code == 302
    assert response["Location"] == reverse("office:process_detail", args=[APPROVAL])
    latest = engine.latest(APPROVAL)
    assert (latest.version, latest.name, latest.uploaded_by) == (2, "审批 v2", admin)
    assert AuditEntry.objects.filter(
        event_type=OfficeEvent.PROCESS_DEPLOYED, target_id=str(latest.pk)
    ).exists()
    # The same file again changes nothing.
    again = _upload(client, APPROVAL, shipped()[APPROVAL].replace('name="修改"', 'name="修订"'))
    assert again.status_code == 302
    assert engine.latest(APPROVAL).version == 2


def test_upload_errors_name_the_element_and_store_nothing(client, tree, no_mfa):
    client.force_login(make_user("admin", unit=tree.province, role="process_admin"))
    before = ProcessDefinition.objects.count()
    bad = shipped()[APPROVAL].replace("<bpmn:flowNodeRef>revise</bpmn:flowNodeRef>", "")
    with translation.override("en"):
        response = _upload(client, "office.custom", bad)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors == ["元素“revise”（修改）：未位于任何泳道中。"]
    assert "元素“revise”（修改）：未位于任何泳道中。" in response.content.decode()
    unsafe = shipped()[APPROVAL].replace('decision = "approved"', "decision = __import__('os').getcwd()")
    response = _upload(client, "office.custom", unsafe)
    message = response.context["form"].errors["file"][0]
    assert message.startswith("元素“record_approved”（记录批准）：")
    assert "__import__" in message
    response = _upload(client, "Bad Key!", shipped()[APPROVAL])
    assert "key" in response.context["form"].errors
    assert ProcessDefinition.objects.count() == before
