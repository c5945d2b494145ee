"""Editorial review and published-page snapshots (PUB-1, PUB-11).

* :class:`SiteReviewTask` is one step of a site's review workflow (初审, 复审, 终审, …): a Wagtail
  group-approval task that belongs to one portal site and has a due time in working days.
  Only members of the step's group who still hold ``portal.portalsite.publish`` on the site's
  unit may approve it; being a superuser grants nothing.
* :class:`PublishedSnapshot` records, for each live page, the hash of the HTML an anonymous
  visitor receives and of the content of the revision that was published, so that
  ``manage.py check_published`` can tell a tampered page (database edit, template change, a
  defaced front server) from a published one.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask

PUBLISH_PERMISSION = "portal.portalsite.publish"
DEFAULT_DUE_WORKING_DAYS = 3


class SiteReviewTask(AbstractGroupApprovalTask):
    portal_site = models.ForeignKey(
        "portal.PortalSite", on_delete=models.CASCADE, related_name="review_tasks", verbose_name=_("site")
    )
    due_working_days = models.PositiveSmallIntegerField(
        _("due in working days"), default=DEFAULT_DUE_WORKING_DAYS
    )

    admin_form_fields = ["name", "groups", "due_working_days"]

    class Meta:
        verbose_name = _("site review step")
        verbose_name_plural = _("site review steps")

    # Wagtail lets superusers approve every task; on this platform is_superuser grants nothing,
    # and group membership counts only while the platform grant behind it is still active.
    def _user_in_groups(self, user: Any) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if not super()._user_in_groups(user):
            return False
        from edugov.core.permissions.scopes import has_permission

        return has_permission(user, PUBLISH_PERMISSION, self.portal_site.organization)

    def user_can_access_editor(self, obj: Any, user: Any) -> bool:
        return self._user_in_groups(user)

    def locked_for_user(self, obj: Any, user: Any) -> bool:
        return not self._user_in_groups(user)

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, Any, bool]]:
        if not self._user_in_groups(user):
            return []
        return [
            ("reject", _("Request changes"), True),
            ("approve", _("Approve"), False),
            ("approve", _("Approve with comment"), True),
        ]

    def get_task_states_user_can_moderate(self, user: Any, **kwargs: Any) -> Any:
        from wagtail.models import TaskState

        if self._user_in_groups(user):
            return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        return TaskState.objects.none()

    @classmethod
    def get_description(cls) -> Any:
        return _("Members of the step's group who may publish on the site's unit approve this step")


class PublishedSnapshot(models.Model):
    """What a live page looked like when it was published (or re-baselined)."""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="portal_snapshot", verbose_name=_("page")
    )
    site = models.ForeignKey(
        "wagtailcore.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=16)
    url = models.CharField(_("address"), max_length=500)
    html_sha256 = models.CharField(max_length=64)
    content_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("published page snapshot")
        verbose_name_plural = _("published page snapshots")

    def __str__(self) -> str:
        return f"{self.page_id} {self.url}"
