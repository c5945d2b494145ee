"""Reference state the portal needs after every migrate (no audit entries: like reference data).

* one Wagtail ``Locale`` per portal language, and the page and collection tree roots;
* no stock "Welcome to Wagtail" site: a host without a unit's site gets the platform's landing page;
* no workflow on the tree root (each site has its own review workflow);
* no page or collection permission from Wagtail's stock "Editors"/"Moderators" groups: every
  permission an editor holds comes from a platform grant on one unit's site (deny by default).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def prepare_wagtail(*, using: str = "default", **kwargs: Any) -> None:
    from django.contrib.auth.models import Group
    from wagtail.models import GroupCollectionPermission, GroupPagePermission, Locale, Page, Site

    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.using(using).get_or_create(language_code=code)
    # The tree roots come from Wagtail's data migrations; a database flush (between transactional
    # tests, or `manage.py flush`) removes them and only post_migrate runs again.
    from wagtail.models import Collection

    if not Page.objects.using(using).filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
    if not Collection.objects.using(using).filter(depth=1).exists():
        Collection.add_root(name="Root")
    stock = Page.objects.using(using).filter(
        depth=2, content_type__app_label="wagtailcore", content_type__model="page"
    )
    Site.objects.using(using).filter(root_page__in=stock).delete()
    for page in stock:
        if page.numchild == 0:
            page.delete()
    stock_groups = Group.objects.using(using).filter(name__in=["Editors", "Moderators"])
    GroupPagePermission.objects.using(using).filter(group__in=stock_groups).delete()
    GroupCollectionPermission.objects.using(using).filter(group__in=stock_groups).delete()
    stock_groups.filter(user__isnull=True).delete()
    # Wagtail's stock "Moderators approval" workflow sits on the tree root and would apply to
    # every site; each site gets its own review workflow instead (portal.publishing).
    from wagtail.models import WorkflowPage

    WorkflowPage.objects.using(using).filter(page__depth=1).delete()
