from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.core.choices import RoleKind
from edugov.platform.querysets import RestrictedQuerySet


class Role(models.Model):
    """A named set of actions, each written ``<app>.<model>.<action>`` (``*`` for every action).

    Operator roles (三员) carry a kind; one person never holds two different kinds.
    """

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=64)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=RoleKind.choices, default=RoleKind.BUSINESS)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    is_builtin = models.BooleanField(_("built in"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name

    @property
    def is_operator(self) -> bool:
        return self.kind != RoleKind.BUSINESS

    def allows(self, permission: str) -> bool:
        app_model = permission.rsplit(".", 1)[0]
        return permission in self.actions or f"{app_model}.*" in self.actions


class GrantQuerySet(RestrictedQuerySet):
    def active(self) -> GrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class Grant(models.Model):
    """A user or group holds a role on a unit, optionally on every unit below it as well."""

    scope_field = "organization"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    role = models.ForeignKey(Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="grants")
    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="grants"
    )
    include_descendants = models.BooleanField(_("includes units below"), default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["organization__path", "role__code", "pk"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, group__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=False)
                ),
                name="core_grant_user_xor_group",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "revoked_at"], name="core_grant_user_active"),
            models.Index(fields=["group", "revoked_at"], name="core_grant_group_active"),
        ]

    def __str__(self) -> str:
        holder = self.user or self.group
        scope = "+" if self.include_descendants else ""
        return f"{holder}: {self.role} @ {self.organization}{scope}"
