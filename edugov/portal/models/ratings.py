"""The 好差评 closed loop of every case kind (STANDARDS §7.2; BEYOND A.5, B.2, B.20).

One rating per reply round (``round`` = the case's ``reopen_count`` when rated). A bad
rating opens a ``Rectification`` on the working-day clock with a 回访 (``FollowUp``) to
record; the handler may appeal a malicious rating (``RatingAppeal``, decided at the parent
unit); an upheld appeal excludes the rating from statistics but keeps it. Nothing closes
by itself: a ``CaseClosure`` row records the person, outcome and reason of each closing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet
from edugov.portal.choices import Rating


class CaseRating(models.Model):
    scope_field = "unit"

    case = models.ForeignKey("portal.Case", on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField(default=0)
    # The unit rated: the handling unit when the rating was given (kept if the case moves on).
    unit = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    level = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)
    # An upheld appeal (申诉复核) takes the rating out of the statistics; the row stays.
    excluded = models.BooleanField(_("excluded from statistics"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="portal_rating_one_per_round")]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.case_id} #{self.round}: {self.level}"

    @property
    def is_bad(self) -> bool:
        from edugov.portal.choices import BAD_RATINGS

        return self.level in BAD_RATINGS


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Rectified")
    CANCELLED = "cancelled", _("Cancelled: the rating was excluded on appeal")


class Rectification(models.Model):
    """整改: opened by a bad rating, due in ``EDUGOV_RECTIFICATION_DAYS`` working days."""

    scope_field = "unit"

    case = models.ForeignKey("portal.Case", on_delete=models.CASCADE, related_name="rectifications")
    rating = models.OneToOneField(CaseRating, on_delete=models.CASCADE, related_name="rectification")
    unit = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    due_on = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    notes = models.TextField(_("what was rectified"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"


class FollowUpMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    ONLINE = "online", _("Online")


class FollowUp(models.Model):
    """回访: staff asked the requester what they think of the rectification."""

    scope_field = "case__handling_unit"

    case = models.ForeignKey("portal.Case", on_delete=models.CASCADE, related_name="follow_ups")
    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    method = models.CharField(_("method"), max_length=8, choices=FollowUpMethod.choices)
    on = models.DateField(_("date"))
    opinion = models.TextField(_("requester's opinion"), max_length=2000)
    satisfied = models.BooleanField(_("requester satisfied"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.case_id} {self.on}"


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    UPHELD = "upheld", _("Upheld: rating excluded")
    REJECTED = "rejected", _("Rejected: rating stands")


class RatingAppeal(models.Model):
    """申诉复核: the handler says a rating is malicious or mistaken; the parent unit decides."""

    scope_field = "rating__unit"

    rating = models.ForeignKey(CaseRating, on_delete=models.CASCADE, related_name="appeals")
    reason = models.TextField(_("reason"), max_length=2000)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("rating appeal")
        verbose_name_plural = _("rating appeals")

    def __str__(self) -> str:
        return f"{self.rating_id} {self.status}"


class CloseOutcome(models.TextChoices):
    """How a case was closed (BEYOND B.2: "closed – not fixed" is a status with reasons)."""

    RESOLVED = "resolved", _("Closed – resolved")
    NOT_OURS = "not_ours", _("Closed – not our responsibility")
    NOT_RESOLVED = "not_resolved", _("Closed – not resolved, with reason")


class CaseClosure(models.Model):
    """Each closing of a case, by a person with a reason (a reopened case may close again)."""

    scope_field = "case__handling_unit"

    case = models.ForeignKey("portal.Case", on_delete=models.CASCADE, related_name="closures")
    round = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=CloseOutcome.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["closed_at", "pk"]
        verbose_name = _("case closure")
        verbose_name_plural = _("case closures")

    def __str__(self) -> str:
        return f"{self.case_id} {self.outcome}"
