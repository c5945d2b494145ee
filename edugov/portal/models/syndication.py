"""Syndication (推送/转载) between portal sites: explicit, reviewed, with provenance (PUB-2).

A reviewer of site A offers a live article to site B; a reviewer of site B accepts it into one
of B's sections, which creates a *draft* copy that goes through B's own review. The row keeps
where the copy came from (site, page, revision), who offered and who accepted, and when.
Nothing else shares content between sites.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet


class SyndicationStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Syndication(models.Model):
    """One offer of an article from ``source_site`` to ``target_site`` and what became of it."""

    # Offers are reached through the receiving site (its reviewers decide); see access_sites.
    scope_field = "target_site__organization"

    source_site = models.ForeignKey(
        "portal.PortalSite",
        on_delete=models.PROTECT,
        related_name="syndications_out",
        verbose_name=_("from site"),
    )
    target_site = models.ForeignKey(
        "portal.PortalSite",
        on_delete=models.PROTECT,
        related_name="syndications_in",
        verbose_name=_("to site"),
    )
    source_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("source page"),
    )
    # Kept as plain values too: provenance must survive the source page's deletion.
    source_page_ref = models.PositiveBigIntegerField(_("source page id"))
    source_revision_ref = models.PositiveBigIntegerField(_("source revision id"), null=True)
    source_title = models.CharField(_("source title"), max_length=255)
    source_url = models.CharField(_("source address"), max_length=500)
    status = models.CharField(
        _("status"), max_length=16, choices=SyndicationStatus.choices, default=SyndicationStatus.OFFERED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    copy_page = models.OneToOneField(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="syndication_source",
        verbose_name=_("copy"),
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-offered_at", "-pk"]
        verbose_name = _("syndication")
        verbose_name_plural = _("syndications")
        constraints = [
            models.UniqueConstraint(
                fields=["source_page_ref", "target_site"],
                condition=models.Q(status="offered"),
                name="portal_syndication_one_open_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_title}: {self.source_site_id} → {self.target_site_id} ({self.status})"
