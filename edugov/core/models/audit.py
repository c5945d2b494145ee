from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("Audit entries are append-only.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("Audit entries are append-only.")


class AuditEntry(models.Model):
    """One audited event. Entries form a hash chain: each ``entry_hash`` covers the
    entry's content and the previous entry's hash, so an edited, deleted or reordered
    entry breaks the chain (``manage.py verify_audit``).
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    event_type = models.CharField(_("event"), max_length=64, db_index=True)
    success = models.BooleanField(_("succeeded"), default=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept beside the foreign key so the entry still says who acted if the account is renamed.
    acting_username = models.CharField(_("user name"), max_length=64, blank=True)
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    extra_data = models.JSONField(_("details"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["acting_user", "seq"], name="core_audit_user_seq"),
            models.Index(fields=["target_type", "target_id"], name="core_audit_target"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise AppendOnlyError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("Audit entries are append-only.")


class AuditChainHead(models.Model):
    """The single row that serialises appends and remembers the newest entry.

    Locking this row is how concurrent writers take turns; comparing it with the last
    entry is how a deleted tail is caught.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
