"""Grant rules: scope of the granter, no self-grants, 三员分立 (PL-1, PL-5)."""

import pytest

from edugov.core.actions.grants import GrantRefused, do_create_grant, do_revoke_grant
from edugov.core.audit import AuditEvent
from edugov.core.error_codes import GrantErrorCode
from edugov.core.models import AuditEntry, Grant, Role
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def role(code):
    return Role.objects.get(code=code)


@pytest.fixture
def urumqi_security_admin(tree):
    return make_user("uq_sec", unit=tree.urumqi, role="security_admin")


def test_security_admin_grants_inside_own_scope(tree, urumqi_security_admin):
    staff = make_user("ts_new", unit=tree.tianshan)
    grant = do_create_grant(
        user=staff, role=role("bureau_staff"), organization=tree.tianshan, acting_user=urumqi_security_admin
    )
    assert grant.granted_by == urumqi_security_admin
    entry = AuditEntry.objects.get(event_type=AuditEvent.GRANT_CREATED)
    assert entry.acting_user == urumqi_security_admin
    assert entry.extra_data["role"] == "bureau_staff"


def test_grant_outside_own_scope_is_refused_and_audited(tree, urumqi_security_admin):
    target = make_user("kashi_staff", unit=tree.kashi_city)
    with pytest.raises(GrantRefused) as excinfo:
        do_create_grant(
            user=target,
            role=role("bureau_staff"),
            organization=tree.kashi_city,
            acting_user=urumqi_security_admin,
        )
    assert excinfo.value.error_code == GrantErrorCode.OUT_OF_SCOPE
    assert not Grant.objects.filter(user=target).exists()
    refused = AuditEntry.objects.get(event_type=AuditEvent.GRANT_REFUSED)
    assert refused.success is False
    assert refused.extra_data["reason"] == "out_of_scope"
    assert refused.organization == tree.kashi_city


def test_nobody_grants_to_themselves(tree, urumqi_security_admin):
    with pytest.raises(GrantRefused) as excinfo:
        do_create_grant(
            user=urumqi_security_admin,
            role=role("auditor"),
            organization=tree.urumqi,
            acting_user=urumqi_security_admin,
        )
    assert excinfo.value.error_code == GrantErrorCode.SELF_GRANT


def test_operator_duties_never_meet_in_one_person(tree, urumqi_security_admin):
    sysadmin = make_user("uq_sys", unit=tree.urumqi, role="system_admin")
    with pytest.raises(GrantRefused) as excinfo:
        do_create_grant(
            user=sysadmin,
            role=role("security_admin"),
            organization=tree.tianshan,
            acting_user=urumqi_security_admin,
        )
    assert excinfo.value.error_code == GrantErrorCode.OPERATOR_CONFLICT


def test_auditor_holds_nothing_else(tree, urumqi_security_admin):
    auditor = make_user("uq_aud", unit=tree.urumqi, role="auditor")
    with pytest.raises(GrantRefused) as excinfo:
        do_create_grant(
            user=auditor,
            role=role("bureau_staff"),
            organization=tree.urumqi,
            acting_user=urumqi_security_admin,
        )
    assert excinfo.value.error_code == GrantErrorCode.AUDITOR_EXCLUSIVE
    staff = make_user("uq_staff", unit=tree.urumqi, role="bureau_staff")
    with pytest.raises(GrantRefused):
        do_create_grant(
            user=staff, role=role("auditor"), organization=tree.urumqi, acting_user=urumqi_security_admin
        )


def test_system_admin_cannot_grant_at_all(tree):
    sysadmin = make_user("root_sys", unit=tree.province, role="system_admin")
    target = make_user("someone", unit=tree.tianshan)
    with pytest.raises(GrantRefused) as excinfo:
        do_create_grant(
            user=target, role=role("bureau_staff"), organization=tree.tianshan, acting_user=sysadmin
        )
    assert excinfo.value.error_code == GrantErrorCode.OUT_OF_SCOPE


def test_revoke_is_scoped_and_audited(tree, urumqi_security_admin):
    staff = make_user("to_revoke", unit=tree.tianshan, role="bureau_staff")
    grant = Grant.objects.get(user=staff)
    do_revoke_grant(grant, acting_user=urumqi_security_admin, reason="调离")
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert AuditEntry.objects.filter(event_type=AuditEvent.GRANT_REVOKED, reason="调离").exists()
    kashi_grant = Grant.objects.get(user=make_user("k2", unit=tree.kashi_city, role="bureau_staff"))
    with pytest.raises(GrantRefused):
        do_revoke_grant(kashi_grant, acting_user=urumqi_security_admin)


def test_builtin_operator_roles_carry_only_their_own_duties():
    from edugov.core.roles import BUILTIN_ROLES, builtin_role_actions, role_action_problems

    for spec in BUILTIN_ROLES:
        assert role_action_problems(spec.kind, builtin_role_actions(spec)) == [], spec.code
    assert role("auditor").actions == ["core.auditentry.view", "core.auditentry.export"]


def test_business_role_may_not_carry_operator_actions():
    from edugov.core.roles import role_action_problems

    assert role_action_problems("business", ["core.grant.add"])
    assert role_action_problems("business", ["core.auditentry.view"])
    assert role_action_problems("business", ["core.organization.view"]) == []


def test_operator_role_held_through_a_group_still_counts(tree, urumqi_security_admin):
    from django.contrib.auth.models import Group

    operators = Group.objects.create(name="天山区运维组")
    Grant.objects.create(group=operators, role=role("system_admin"), organization=tree.tianshan)
    person = make_user("ts_ops", unit=tree.tianshan)
    person.groups.add(operators)
    with pytest.raises(GrantRefused) as excinfo:
        do_create_grant(
            user=person, role=role("auditor"), organization=tree.tianshan, acting_user=urumqi_security_admin
        )
    assert excinfo.value.error_code == GrantErrorCode.AUDITOR_EXCLUSIVE


def test_group_grant_is_checked_against_every_member(tree, urumqi_security_admin):
    from django.contrib.auth.models import Group

    reviewers = Group.objects.create(name="审核组")
    make_user("member_auditor", unit=tree.tianshan, role="auditor").groups.add(reviewers)
    with pytest.raises(GrantRefused):
        do_create_grant(
            group=reviewers,
            role=role("bureau_staff"),
            organization=tree.tianshan,
            acting_user=urumqi_security_admin,
        )
