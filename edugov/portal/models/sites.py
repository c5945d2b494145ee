"""One portal site per unit of the organisation tree (网站群, PUB-2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet


class PortalSite(models.Model):
    """A Wagtail ``Site`` owned by a unit: its host name, page tree, media collection and editors.

    Site isolation (BEYOND A.8) keys on this row: an editor reaches a page, image or
    document only through the ``PortalSite`` whose unit their grant covers.
    """

    scope_field = "organization"

    organization = models.OneToOneField(
        "core.Organization", on_delete=models.PROTECT, related_name="portal_site", verbose_name=_("unit")
    )
    site = models.OneToOneField(
        "wagtailcore.Site", on_delete=models.PROTECT, related_name="portal", verbose_name=_("site")
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        on_delete=models.PROTECT,
        related_name="portal_site",
        verbose_name=_("media collection"),
    )
    # Wagtail's permission tables speak Django groups: the platform's grants are synced into
    # these two groups (editors edit and submit; reviewers also approve and publish).
    editors_group = models.OneToOneField(
        "auth.Group", on_delete=models.PROTECT, related_name="+", verbose_name=_("editors group")
    )
    reviewers_group = models.OneToOneField(
        "auth.Group", on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewers group")
    )
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organization__path"]
        verbose_name = _("portal site")
        verbose_name_plural = _("portal sites")

    def __str__(self) -> str:
        return f"{self.organization.name} ({self.site.hostname})"
