"""The staff workspace shell: navigation per role, to-dos, unit switcher (PL-2)."""

import pytest
from django.urls import reverse

from edugov.core.models import Membership
from edugov.platform.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def nav_titles(response):
    return [item["title"] for section in response.context["nav"]() for item in section["items"]]


def test_navigation_shows_only_what_the_role_may_use(client, tree, no_mfa):
    client.force_login(make_user("sec", unit=tree.province, role="security_admin"))
    titles = [str(t) for t in nav_titles(client.get(reverse("workspace:home")))]
    assert "Grants" in titles or "授权" in titles
    client.force_login(make_user("aud", unit=tree.province, role="auditor"))
    titles = [str(t) for t in nav_titles(client.get(reverse("workspace:home")))]
    assert any(t in ("Audit log", "审计日志") for t in titles)
    assert not any(t in ("Grants", "授权", "Accounts", "账号", "Units", "单位") for t in titles)


def test_unit_switcher_changes_the_current_unit(client, tree, no_mfa):
    user = make_user("two_units", unit=tree.tianshan, role="bureau_staff")
    Membership.objects.create(user=user, organization=tree.school_tianshan, position="兼职教研员")
    client.force_login(user)
    home = client.get(reverse("workspace:home"))
    assert home.context["unit"] == tree.tianshan
    assert 'data-testid="unit-switcher"' in home.content.decode()
    response = client.post(reverse("workspace:switch_unit"), {"unit": tree.school_tianshan.pk})
    assert response.status_code == 302
    assert client.get(reverse("workspace:home")).context["unit"] == tree.school_tianshan


def test_unit_switcher_refuses_a_unit_the_user_is_not_in(client, tree, no_mfa):
    user = make_user("one_unit", unit=tree.tianshan, role="bureau_staff")
    client.force_login(user)
    client.post(reverse("workspace:switch_unit"), {"unit": tree.school_kashi.pk})
    assert client.get(reverse("workspace:home")).context["unit"] == tree.tianshan


def test_switch_unit_ignores_foreign_redirects(client, tree, no_mfa):
    client.force_login(make_user("redir", unit=tree.tianshan, role="bureau_staff"))
    response = client.post(
        reverse("workspace:switch_unit"), {"unit": tree.tianshan.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("workspace:home")


def test_todo_for_accounts_waiting_for_a_role(client, tree, no_mfa):
    make_user("new_hire", unit=tree.school_tianshan)
    make_user("kashi_hire", unit=tree.school_kashi)
    client.force_login(make_user("ts_sec", unit=tree.tianshan, role="security_admin"))
    page = client.get(reverse("workspace:todos")).content.decode()
    assert "new_hire" in page
    assert "kashi_hire" not in page
    assert reverse("workspace:grant_create") + "?user=new_hire" in page
    home = client.get(reverse("workspace:home"))
    assert home.context["todo_total"] == 1


def test_todos_empty_for_a_teacher(client, tree):
    client.force_login(make_user("plain_teacher", unit=tree.school_tianshan, role="teacher"))
    page = client.get(reverse("workspace:todos")).content.decode()
    assert 'data-testid="no-todos"' in page


def test_english_is_available(client, tree):
    client.force_login(make_user("en_teacher", unit=tree.school_tianshan, role="teacher"))
    client.post(reverse("set_language"), {"language": "en", "next": "/workspace/"})
    page = client.get(reverse("workspace:home")).content.decode()
    assert 'lang="en"' in page
    assert "My to-dos" in page


def test_memberships_are_loaded_once_per_page(client, tree, no_mfa):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user("many_units", unit=tree.tianshan, role="bureau_staff")
    for unit in (tree.school_tianshan, tree.shayibake, tree.school_shayibake):
        Membership.objects.create(user=user, organization=unit, position="兼职")
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("workspace:home")).content.decode()
    assert "沙依巴克区第一小学" in page  # offered by the unit switcher
    membership_reads = [q for q in ctx.captured_queries if 'FROM "core_membership"' in q["sql"]]
    assert len(membership_reads) == 1
