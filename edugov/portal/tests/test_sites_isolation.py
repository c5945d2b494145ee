"""Site isolation: grants become Wagtail groups; an editor reaches their own site only (A.8, B.4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from edugov.core.actions.grants import do_create_grant, do_revoke_grant
from edugov.core.models import Role
from edugov.platform.testing.fixtures import PASSWORD, make_user
from edugov.portal.actions.sites_sync import current_site_groups, sync_site_groups
from edugov.portal.tests.sites_world import fill_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_admin(tree):
    return make_user("secadmin", unit=tree.province, role="security_admin")


def _groups(user):
    return set(user.groups.values_list("pk", flat=True))


def test_edit_grant_puts_user_in_that_sites_editors_group_only(tree, sites, security_admin):
    user = make_user("wlmq_editor", unit=tree.urumqi)
    grant = do_create_grant(
        role=Role.objects.get(code="site_editor"),
        organization=tree.urumqi,
        acting_user=security_admin,
        user=user,
    )
    assert _groups(user) == {sites.urumqi.editors_group_id}
    do_revoke_grant(grant, acting_user=security_admin)
    assert _groups(user) == set()


def test_publish_grant_puts_user_in_editors_and_reviewers_group(tree, sites, security_admin):
    user = make_user("wlmq_reviewer", unit=tree.urumqi)
    do_create_grant(
        role=Role.objects.get(code="site_reviewer"),
        organization=tree.urumqi,
        acting_user=security_admin,
        user=user,
    )
    assert _groups(user) == {sites.urumqi.editors_group_id, sites.urumqi.reviewers_group_id}


def test_grant_does_not_reach_sites_of_units_below(tree, sites):
    # The prefecture editor's grant includes the units below, but the school's site is the school's.
    user = make_user("wlmq_editor", unit=tree.urumqi, role="site_editor", include_descendants=True)
    assert _groups(user) == {sites.urumqi.editors_group_id}
    assert sites.school.editors_group_id not in _groups(user)


def test_site_set_up_after_the_grant_syncs_its_holders(tree):
    from edugov.portal.actions.sites import do_create_site

    user = make_user("ks_editor", unit=tree.kashi_city, role="site_editor")
    site = do_create_site(tree.kashi_city, hostname="kscity.test", acting_user=None)
    assert _groups(user) == {site.editors_group_id}


def test_sign_in_repairs_group_membership(client, tree, sites, no_mfa):
    user = make_user("wlmq_editor", unit=tree.urumqi, role="site_editor")
    user.groups.clear()
    user.groups.add(sites.province.reviewers_group)  # stale or forged membership
    client.post("/accounts/login/", {"login": "wlmq_editor", "password": PASSWORD})
    assert _groups(user) == {sites.urumqi.editors_group_id}


def test_every_cms_request_repairs_group_membership(client, tree, sites, no_mfa):
    user = make_user("wlmq_editor", unit=tree.urumqi, role="site_editor")
    client.force_login(user)
    user.groups.add(sites.province.editors_group)
    client.get("/cms/")
    assert current_site_groups(user) == {sites.urumqi.editors_group_id}


def test_sync_is_idempotent(tree, sites):
    user = make_user("wlmq_editor", unit=tree.urumqi, role="site_editor")
    assert sync_site_groups(user) is False


def test_cms_is_not_found_without_an_edit_grant_even_for_superusers(client, tree, sites, no_mfa):
    user = make_user("boss", unit=tree.province, role="bureau_staff")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    client.force_login(user)
    assert client.get("/cms/").status_code == 404
    assert (
        client.get(reverse("wagtailadmin_explore", args=[sites.province.site.root_page_id])).status_code
        == 404
    )


def test_anonymous_cms_goes_to_the_platform_sign_in(client, sites):
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_wagtail_own_sign_in_is_not_found(client, sites):
    assert client.get("/cms/login/").status_code == 404
    assert client.post("/cms/login/", {"username": "x", "password": "y"}).status_code == 404


def test_signed_in_staff_opens_cms_without_second_sign_in(client, tree, sites, no_mfa):
    make_user("wlmq_editor", unit=tree.urumqi, role="site_editor")
    assert client.post("/accounts/login/", {"login": "wlmq_editor", "password": PASSWORD}).status_code == 302
    assert client.get("/cms/").status_code == 200


def test_editor_edits_own_site_and_not_the_province_site(client, tree, sites, no_mfa):
    own = fill_site(sites.urumqi, "WLMQMARK")
    other = fill_site(sites.province, "JYTMARK")
    user = make_user("wlmq_editor", unit=tree.urumqi, role="site_editor")
    user.is_superuser = True  # grants nothing in edugov
    user.save(update_fields=["is_superuser"])
    client.force_login(user)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[own.article.pk])).status_code == 200
    assert client.get(reverse("wagtailimages:edit", args=[own.image.pk])).status_code == 200
    assert client.get(reverse("wagtaildocs:edit", args=[own.document.pk])).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:edit", args=[other.article.pk])).status_code == 404
    assert client.get(reverse("wagtailimages:edit", args=[other.image.pk])).status_code == 404
    assert client.get(reverse("wagtaildocs:edit", args=[other.document.pk])).status_code == 404
    # The school below Ürümqi is the school's site, not the prefecture editor's.
    school = fill_site(sites.school, "TSYXMARK")
    assert client.get(reverse("wagtailadmin_pages:edit", args=[school.article.pk])).status_code == 404


def test_cross_site_404_is_the_same_as_a_missing_page(client, tree, sites, no_mfa):
    other = fill_site(sites.province, "JYTMARK")
    client.force_login(make_user("wlmq_editor", unit=tree.urumqi, role="site_editor"))
    foreign = client.get(reverse("wagtailadmin_pages:edit", args=[other.article.pk]))
    missing = client.get(reverse("wagtailadmin_pages:edit", args=[999999]))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content


def test_listings_and_choosers_show_only_own_site(client, tree, sites, no_mfa):
    fill_site(sites.urumqi, "WLMQMARK")
    fill_site(sites.province, "JYTMARK")
    client.force_login(make_user("wlmq_editor", unit=tree.urumqi, role="site_reviewer"))
    root_id = sites.province.site.root_page.get_parent().pk
    urls = [
        "/cms/",
        reverse("wagtailadmin_explore", args=[root_id]),
        reverse("wagtailadmin_explore", args=[sites.urumqi.site.root_page_id]),
        reverse("wagtailadmin_pages:search") + "?q=文章",
        reverse("wagtailadmin_choose_page"),
        reverse("wagtailadmin_choose_page_child", args=[root_id]),
        reverse("wagtailadmin_choose_page_search") + "?q=文章",
        reverse("wagtailimages_chooser:choose_results") + "?q=图片",
        reverse("wagtaildocs_chooser:choose_results") + "?q=附件",
        reverse("wagtailimages:index"),
        reverse("wagtailimages_chooser:choose"),
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs_chooser:choose"),
        "/cms/api/main/pages/?child_of=root&for_explorer=1",
        "/cms/api/main/pages/?search=文章",
        "/cms/api/main/pages/?descendant_of=" + str(sites.urumqi.site.root_page_id),
    ]
    for url in urls:
        response = client.get(url, follow=True)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert "JYTMARK" not in body, url
    # and the own site's objects do show (the filters are not simply empty)
    assert "WLMQMARK" in client.get(reverse("wagtailimages:index")).content.decode()
    assert "WLMQMARK" in client.get(reverse("wagtaildocs:index")).content.decode()
    assert "WLMQMARK" in client.get("/cms/api/main/pages/?search=WLMQMARK").content.decode()
    assert "WLMQMARK" in client.get(reverse("wagtailadmin_pages:search") + "?q=WLMQMARK").content.decode()


def test_management_areas_are_not_found_for_everyone(client, tree, sites, no_mfa):
    client.force_login(make_user("wlmq_admin", unit=tree.urumqi, role="site_admin"))
    for url in [
        "/cms/users/",
        "/cms/groups/",
        "/cms/sites/",
        "/cms/locales/",
        "/cms/collections/",
        "/cms/workflows/list/",
        "/cms/workflows/tasks/index/",
        "/cms/reports/site-history/",
        "/cms/reports/aging-pages/",
        "/cms/reports/locked/",
        "/cms/snippets/",
        "/cms/password_reset/",
    ]:
        assert client.get(url).status_code == 404, url


def test_main_menu_has_only_editing_items(client, tree, sites, no_mfa):
    client.force_login(make_user("wlmq_editor", unit=tree.urumqi, role="site_reviewer"))
    body = client.get("/cms/").content.decode()
    for hidden in ["/cms/reports/", "/cms/users/", "/cms/groups/", "/cms/sites/", "/cms/workflows/"]:
        assert hidden not in body, hidden


def test_move_into_another_site_is_refused(client, tree, sites, no_mfa):
    own = fill_site(sites.urumqi, "WLMQMARK")
    other = fill_site(sites.province, "JYTMARK")
    client.force_login(make_user("wlmq_editor", unit=tree.urumqi, role="site_reviewer"))
    url = reverse("wagtailadmin_pages:move_confirm", args=[own.article.pk, other.section.pk])
    assert client.post(url).status_code == 404
    own.article.refresh_from_db()
    assert own.article.get_parent().pk == own.section.pk


def test_copy_into_another_site_is_refused(client, tree, sites, no_mfa):
    """The copy form names its destination in the body, not the URL: Wagtail's own check (may
    add a page there) refuses it, since the editor's groups hold permissions on their site only."""
    from wagtail.models import Page

    own = fill_site(sites.urumqi, "WLMQMARK")
    other = fill_site(sites.province, "JYTMARK")
    client.force_login(make_user("wlmq_editor", unit=tree.urumqi, role="site_reviewer"))
    before = Page.objects.count()
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[own.article.pk]),
        {
            "new_title": "WLMQMARK 复制",
            "new_slug": "wlmq-copy",
            "new_parent_page": other.section.pk,
            "copy_subpages": "",
            "publish_copies": "",
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert Page.objects.count() == before
    assert not other.section.get_children().filter(slug="wlmq-copy").exists()
    # Within the own site the same form works.
    client.post(
        reverse("wagtailadmin_pages:copy", args=[own.article.pk]),
        {"new_title": "WLMQMARK 复制", "new_slug": "wlmq-copy", "new_parent_page": own.section.pk},
    )
    assert own.section.get_children().filter(slug="wlmq-copy").exists()
