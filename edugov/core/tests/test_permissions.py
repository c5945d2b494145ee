"""Grants inherited down the organisation tree (PL-2); restrict-by-default reads."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from edugov.core.access import access_organization, access_user
from edugov.core.models import Grant, Organization, Role
from edugov.core.permissions.scopes import has_permission
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def test_county_grant_covers_its_schools_and_nothing_else(tree):
    staff = make_user("ts_staff", unit=tree.tianshan, role="bureau_staff")
    visible = set(Organization.objects.restrict(staff, "view").values_list("name", flat=True))
    assert visible == {"天山区教育局", "天山区第一小学"}


def test_grant_without_descendants_covers_only_the_unit(tree):
    staff = make_user("ts_only", unit=tree.tianshan, role="bureau_staff", include_descendants=False)
    assert list(Organization.objects.restrict(staff, "view")) == [tree.tianshan]
    assert not has_permission(staff, "core.organization.view", tree.school_tianshan)


def test_province_grant_covers_every_unit(tree):
    leader = make_user("leader", unit=tree.province, role="bureau_leader")
    assert Organization.objects.restrict(leader, "view").count() == Organization.objects.count()


def test_anonymous_and_grantless_users_see_nothing(tree):
    nobody = make_user("nobody", unit=tree.tianshan)
    assert not Organization.objects.restrict(AnonymousUser(), "view").exists()
    assert not Organization.objects.restrict(nobody, "view").exists()
    assert not Organization.objects.restrict(None, "view").exists()


def test_inactive_user_sees_nothing(tree):
    staff = make_user("gone", unit=tree.province, role="bureau_leader")
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert not Organization.objects.restrict(staff, "view").exists()


def test_revoked_grant_no_longer_counts(tree):
    from django.utils import timezone

    staff = make_user("rev", unit=tree.tianshan, role="bureau_staff")
    Grant.objects.filter(user=staff).update(revoked_at=timezone.now())
    staff = type(staff).objects.get(pk=staff.pk)
    assert not Organization.objects.restrict(staff, "view").exists()


def test_group_grants_apply_to_members(tree):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="喀什督导组")
    Grant.objects.create(group=group, role=Role.objects.get(code="bureau_staff"), organization=tree.kashgar)
    member = make_user("kg_member", unit=tree.kashgar)
    member.groups.add(group)
    assert tree.school_kashi in Organization.objects.restrict(member, "view")
    assert tree.school_tianshan not in Organization.objects.restrict(member, "view")


def test_action_must_be_in_the_role(tree):
    staff = make_user("viewer", unit=tree.province, role="bureau_staff")
    assert Organization.objects.restrict(staff, "view").exists()
    assert not Organization.objects.restrict(staff, "change").exists()


def test_scope_is_computed_with_one_query_per_request(tree, django_assert_num_queries):
    staff = make_user("q_staff", unit=tree.urumqi, role="bureau_staff")
    staff = type(staff).objects.get(pk=staff.pk)
    with django_assert_num_queries(2):  # the grants once, then the filtered units
        list(Organization.objects.restrict(staff, "view"))
    with django_assert_num_queries(1):
        list(Organization.objects.restrict(staff, "view"))


@pytest.mark.parametrize("which", ["missing", "forbidden"])
def test_access_helpers_answer_missing_and_forbidden_alike(tree, which):
    staff = make_user("ts_a", unit=tree.tianshan, role="bureau_staff")
    target = 999_999 if which == "missing" else tree.school_kashi.pk
    with pytest.raises(Http404) as excinfo:
        access_organization(staff, target)
    assert str(excinfo.value) == "Unit not found." or "单位" in str(excinfo.value)


def test_access_user_is_scoped_by_membership(tree):
    staff = make_user("ts_viewer", unit=tree.tianshan, role="bureau_staff")
    colleague = make_user("ts_colleague", unit=tree.school_tianshan)
    stranger = make_user("kashi_teacher", unit=tree.school_kashi)
    assert access_user(staff, colleague.pk) == colleague
    with pytest.raises(Http404):
        access_user(staff, stranger.pk)


def test_subtree_is_one_indexed_prefix_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1) as ctx:
        names = set(Organization.objects.subtree(tree.urumqi).values_list("name", flat=True))
    assert names == {
        "乌鲁木齐市教育局",
        "天山区教育局",
        "沙依巴克区教育局",
        "天山区第一小学",
        "沙依巴克区第一小学",
    }
    assert "LIKE" in ctx.captured_queries[0]["sql"].upper()
