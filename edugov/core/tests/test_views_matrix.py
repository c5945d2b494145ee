"""The four-caller matrix for every restricted core view (STYLE §3.3).

anonymous → sign-in page; no grant → 404; grant on another unit → 404;
grant on this unit or an ancestor → allowed. "Not allowed" answers like "missing".
"""

import pytest
from django.urls import reverse

from edugov.core.models import AuditEntry, Grant, Organization, Role, User
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

# (url name, which object's pk, method, role needed on the object's unit)
RESTRICTED = [
    ("workspace:org_detail", "school", "get", "bureau_staff"),
    ("workspace:org_edit", "school", "get", "system_admin"),
    ("workspace:org_create", "county", "get", "system_admin"),
    ("workspace:org_close", "school", "get", "system_admin"),
    ("workspace:user_detail", "teacher", "get", "bureau_staff"),
    ("workspace:user_reveal", "teacher", "post", "system_admin"),
    ("workspace:user_reset_password", "teacher", "post", "system_admin"),
    ("workspace:user_set_active", "teacher", "post", "system_admin"),
    ("workspace:grant_revoke", "grant", "post", "security_admin"),
]


@pytest.fixture
def objects(tree):
    teacher = make_user("ts_teacher", unit=tree.school_tianshan, role="teacher", phone="13912345678")
    return {
        "school": tree.school_tianshan.pk,
        "county": tree.tianshan.pk,
        "teacher": teacher.pk,
        "grant": Grant.objects.get(user=teacher).pk,
    }


def _call(client, name, pk, method):
    url = reverse(name, args=[pk])
    return client.post(url, {"active": "0"}) if method == "post" else client.get(url)


@pytest.mark.parametrize(("name", "obj", "method", "role"), RESTRICTED)
def test_anonymous_is_sent_to_sign_in(client, objects, name, obj, method, role):
    response = _call(client, name, objects[obj], method)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "obj", "method", "role"), RESTRICTED)
def test_user_without_grant_gets_not_found(client, tree, objects, no_mfa, name, obj, method, role):
    client.force_login(make_user("plain", unit=tree.tianshan))
    assert _call(client, name, objects[obj], method).status_code == 404


@pytest.mark.parametrize(("name", "obj", "method", "role"), RESTRICTED)
def test_grant_on_another_unit_gets_not_found(client, tree, objects, no_mfa, name, obj, method, role):
    client.force_login(make_user("kashi_holder", unit=tree.kashgar, role=role))
    before = (User.objects.filter(is_active=True).count(), Grant.objects.active().count())
    assert _call(client, name, objects[obj], method).status_code == 404
    assert (User.objects.filter(is_active=True).count(), Grant.objects.active().count()) == before


@pytest.mark.parametrize("unit", ["tianshan", "urumqi", "province"])
@pytest.mark.parametrize(("name", "obj", "method", "role"), RESTRICTED)
def test_grant_on_this_unit_or_an_ancestor_is_allowed(
    client, tree, objects, no_mfa, name, obj, method, role, unit
):
    client.force_login(make_user("holder", unit=getattr(tree, unit), role=role))
    response = _call(client, name, objects[obj], method)
    assert response.status_code in (200, 302)


LISTS = [
    ("workspace:org_list", "bureau_staff", "喀什市第一小学", "天山区第一小学"),
    ("workspace:user_list", "bureau_staff", "kashi_t", "ts_t"),
    ("workspace:grant_list", "security_admin", "kashi_t", "ts_t"),
]


@pytest.mark.parametrize(("name", "role", "outside", "inside"), LISTS)
def test_lists_show_only_what_is_in_scope(client, tree, no_mfa, name, role, outside, inside):
    make_user("kashi_t", unit=tree.school_kashi, role="teacher")
    make_user("ts_t", unit=tree.school_tianshan, role="teacher")
    client.force_login(make_user("list_viewer", unit=tree.tianshan, role=role))
    body = client.get(reverse(name)).content.decode()
    assert inside in body
    assert outside not in body


@pytest.mark.parametrize(("name", "role", "outside", "inside"), LISTS)
def test_lists_are_not_found_without_grant(client, tree, no_mfa, name, role, outside, inside):
    client.force_login(make_user("grantless", unit=tree.tianshan))
    assert client.get(reverse(name)).status_code == 404
    client.logout()
    assert client.get(reverse(name)).status_code == 302


def test_auditor_reads_the_audit_log_and_nothing_else(client, tree, no_mfa):
    client.force_login(make_user("aud", unit=tree.province, role="auditor"))
    for name in ("workspace:org_list", "workspace:user_list", "workspace:grant_list", "workspace:role_list"):
        assert client.get(reverse(name)).status_code == 404, name
    assert client.get(reverse("workspace:org_detail", args=[tree.school_kashi.pk])).status_code == 404
    assert client.get(reverse("workspace:audit_list")).status_code == 200


def test_full_view_of_personal_data_is_masked_then_audited(client, tree, objects, no_mfa):
    admin = make_user("ts_sys", unit=tree.tianshan, role="system_admin")
    client.force_login(admin)
    detail = client.get(reverse("workspace:user_detail", args=[objects["teacher"]])).content.decode()
    assert "139****5678" in detail
    assert "13912345678" not in detail
    assert not AuditEntry.objects.filter(event_type="privacy.full_view").exists()
    full = client.post(reverse("workspace:user_reveal", args=[objects["teacher"]])).content.decode()
    assert "13912345678" in full
    entry = AuditEntry.objects.get(event_type="privacy.full_view")
    assert entry.acting_user == admin
    assert entry.target_id == str(objects["teacher"])
    assert "13912345678" not in str(entry.extra_data)


def test_staff_without_personal_data_grant_sees_masked_only(client, tree, objects, no_mfa):
    client.force_login(make_user("ts_plain_staff", unit=tree.tianshan, role="bureau_staff"))
    detail = client.get(reverse("workspace:user_detail", args=[objects["teacher"]])).content.decode()
    assert "139****5678" in detail
    assert reverse("workspace:user_reveal", args=[objects["teacher"]]) not in detail
    assert client.post(reverse("workspace:user_reveal", args=[objects["teacher"]])).status_code == 404


def test_forged_grant_on_foreign_unit_is_refused_and_audited(client, tree, no_mfa):
    client.force_login(make_user("uq_sec", unit=tree.urumqi, role="security_admin"))
    target = make_user("kashi_person", unit=tree.kashi_city)
    response = client.post(
        reverse("workspace:grant_create"),
        {
            "username": target.username,
            "role": Role.objects.get(code="bureau_staff").pk,
            "organization": tree.kashi_city.pk,
            "include_descendants": "on",
        },
    )
    assert response.status_code == 200
    assert not Grant.objects.filter(user=target).exists()
    assert AuditEntry.objects.filter(event_type="grant.refused", success=False).exists()


def test_create_unit_and_school_code_never_reused(client, tree, no_mfa):
    client.force_login(make_user("ts_admin", unit=tree.tianshan, role="system_admin"))
    url = reverse("workspace:org_create", args=[tree.tianshan.pk])
    data = {
        "name": "天山区第二小学",
        "kind": "school",
        "level": "school",
        "region": "650102",
        "school_code": "2165000001",
        "school_type": "211",
        "school_sponsor": "21",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "2165000001" in response.content.decode()
    assert not Organization.objects.filter(name="天山区第二小学").exists()
    response = client.post(url, data | {"school_code": "2165000009"})
    assert response.status_code == 302
    assert Organization.objects.get(name="天山区第二小学").school_code == "2165000009"


def test_roles_are_edited_only_from_the_top_of_the_tree(client, tree, no_mfa):
    client.force_login(make_user("county_sec", unit=tree.tianshan, role="security_admin"))
    assert client.get(reverse("workspace:role_create")).status_code == 404
    assert client.get(reverse("workspace:role_list")).status_code == 200
    client.force_login(make_user("root_sec", unit=tree.province, role="security_admin"))
    response = client.post(
        reverse("workspace:role_create"),
        {"code": "inspector", "name": "督学", "actions": ["core.organization.view"]},
    )
    assert response.status_code == 302
    assert Role.objects.get(code="inspector").actions == ["core.organization.view"]
    refused = client.post(
        reverse("workspace:role_create"),
        {"code": "sneaky", "name": "x", "actions": ["core.organization.view", "core.auditentry.view"]},
    )
    assert refused.status_code == 200
    assert not Role.objects.filter(code="sneaky").exists()


def test_national_calendar_is_edited_only_from_the_top_of_the_tree(client, tree, no_mfa):
    client.force_login(make_user("county_sys", unit=tree.tianshan, role="system_admin"))
    assert client.get(reverse("workspace:calendar_day_add")).status_code == 404
    client.force_login(make_user("root_sys", unit=tree.province, role="system_admin"))
    assert client.get(reverse("workspace:calendar_day_add")).status_code == 200
