from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from edugov.core.choices import OrganizationKind, OrganizationLevel
from edugov.platform.querysets import RestrictedQuerySet


class OrganizationQuerySet(RestrictedQuerySet, MP_NodeQuerySet):
    def subtree(self, node: Organization) -> OrganizationQuerySet:
        """The node and every unit below it: one indexed prefix query on the path."""
        return self.filter(path__startswith=node.path)

    def below(self, node: Organization) -> OrganizationQuerySet:
        return self.filter(path__startswith=node.path, depth__gt=node.depth)

    def schools(self) -> OrganizationQuerySet:
        return self.filter(kind=OrganizationKind.SCHOOL)


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> OrganizationQuerySet:
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    """A unit of the one organisation tree: bureaus, their departments, and schools.

    The tree is a materialised path (django-treebeard): "every unit below X" is
    ``path LIKE 'X.path%'``, answered from the unique index on ``path``.
    """

    scope_field = ""
    node_order_by: list[str] = []
    steplen = 4

    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=OrganizationKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=OrganizationLevel.choices)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="organizations"
    )
    school_code = models.CharField(
        _("school code"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        help_text=_("10-digit school identification code; never reused."),
    )
    school_type = models.CharField(_("school type (JY/T)"), max_length=3, blank=True)
    school_sponsor = models.CharField(_("sponsorship (办别)"), max_length=2, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationManager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["kind", "path"], name="core_org_kind_path"),
            models.Index(fields=["region", "kind"], name="core_org_region_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="school") | models.Q(school_code__isnull=True),
                name="core_org_school_code_only_for_schools",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind == OrganizationKind.SCHOOL


class SchoolCode(models.Model):
    """Every school code ever assigned. A code is never given to a second school.

    When a school closes or changes category, its code is retired here and stays
    reserved (教育部《学校（机构）代码管理办法》).
    """

    code = models.CharField(_("school code"), max_length=10, primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="school_codes")
    assigned_on = models.DateField(_("assigned on"))
    retired_on = models.DateField(_("retired on"), null=True, blank=True)
    retired_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("school code")
        verbose_name_plural = _("school codes")

    def __str__(self) -> str:
        return self.code
