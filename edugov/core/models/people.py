from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet


class EdugovUserManager(UserManager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(self, username, email=None, password=None, **extra_fields):  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(username, email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A real-name account. What it may do comes from grants, never from is_superuser."""

    # Accounts are scoped through their memberships; see UserScope in permissions.scopes.
    scope_field = "memberships__organization"
    scope_is_many = True

    username = models.CharField(
        _("user name"), max_length=64, unique=True, validators=[UnicodeUsernameValidator()]
    )
    real_name = models.CharField(_("real name"), max_length=64)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    password_must_change = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when an administrator issues a one-time password."),
    )
    is_staff = models.BooleanField(default=False, help_text="Unused: edugov has no Django admin.")
    date_joined = models.DateTimeField(_("created"), default=timezone.now)

    objects = EdugovUserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.real_name} ({self.username})" if self.real_name else self.username

    def get_full_name(self) -> str:
        return self.real_name or self.username

    def get_short_name(self) -> str:
        return self.real_name or self.username


class Membership(models.Model):
    """A user's place in a unit, with the position held there (one user, several units)."""

    scope_field = "organization"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="memberships"
    )
    position = models.CharField(_("position"), max_length=64, blank=True)
    is_primary = models.BooleanField(_("primary unit"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-is_primary", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="core_membership_unique"),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"
