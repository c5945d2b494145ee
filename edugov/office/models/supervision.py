"""Supervision (督查督办, IN-3): items with deadlines, milestones, progress reports and warnings.

A supervising unit (usually the bureau office's 督查室, or a leader's office) creates an
item — by hand, from a leader's instruction on an incoming document (领导批示), from a
meeting decision (会议决定) or from a document (公文) — and gives it to a lead unit (牵头
单位) with co-owner units (协办单位). The owners report progress (append-only, with
evidence files); the supervising unit changes deadlines (with a reason, audited),
completes, cancels and escalates.

Who sees an item: users holding ``office.supervisionitem.view`` on the supervising unit,
on the lead unit or on a co-owner unit (or on a unit above one of them, as grants
inherit downward). ``report`` is checked on the lead and co-owner units; ``add`` and
``manage`` on the supervising unit only (see :class:`SupervisionItemQuerySet`).

RAG warning (红黄牌, 行政效能电子监察), computed on the owner unit's work calendar:

* grey — the item is completed or cancelled;
* red — overdue: the item's deadline, or the deadline of any milestone not yet done, is
  before today;
* amber — the nearest open deadline (item or milestone) falls within
  ``AMBER_WORKING_DAYS`` (3) working days from today, or there has been no progress
  report for ``STALE_WORKING_DAYS`` (10) working days or more (counted from the last
  report, or from the item's creation when nothing was reported yet);
* green — otherwise.

The colour is stored on the item (so lists filter and count by it) and recomputed on every
change and by the daily job ``edugov.office.actions.supervision.send_reminders``, which
also reminds the owners of items due within ``AMBER_WORKING_DAYS`` working days or overdue,
and escalates items overdue by ``ESCALATE_WORKING_DAYS`` (3) working days or more to the
supervising unit's leaders. Each threshold is a setting (``EDUGOV_SUPERVISION_*``, below)
with the default stated here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.core.choices import Jurisdiction
from edugov.office.models.documents import AppendOnly
from edugov.platform.querysets import RestrictedQuerySet, permission_name

__all__ = [
    "ProgressEvidence",
    "ProgressReport",
    "Rag",
    "ReminderKind",
    "SourceKind",
    "SupervisionItem",
    "SupervisionMilestone",
    "SupervisionReminder",
    "SupervisionStatus",
]

# --- Thresholds (settings, with these defaults) -------------------------------------------

AMBER_WORKING_DAYS = 3  # EDUGOV_SUPERVISION_AMBER_WORKING_DAYS: "due soon" horizon
STALE_WORKING_DAYS = 10  # EDUGOV_SUPERVISION_STALE_WORKING_DAYS: no report for this long
ESCALATE_WORKING_DAYS = 3  # EDUGOV_SUPERVISION_ESCALATE_WORKING_DAYS: overdue this long
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024  # EDUGOV_SUPERVISION_EVIDENCE_MAX_BYTES


def threshold(name: str) -> int:
    """A threshold from the settings (``EDUGOV_SUPERVISION_<NAME>``) or its default above."""
    return int(getattr(settings, f"EDUGOV_SUPERVISION_{name}", globals()[name]))


# --- Choices --------------------------------------------------------------------------------


class SourceKind(models.TextChoices):
    INSTRUCTION = "instruction", _("Leader instruction 领导批示")
    MEETING = "meeting", _("Meeting decision 会议决定")
    DOCUMENT = "document", _("Document 公文")
    MANUAL = "manual", _("Entered by hand 手工")


class SupervisionStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    COMPLETED = "completed", _("Completed 办结")
    CANCELLED = "cancelled", _("Cancelled")


class Rag(models.TextChoices):
    GREEN = "green", _("On track")
    AMBER = "amber", _("Warning 黄牌")
    RED = "red", _("Overdue 红牌")
    GREY = "grey", _("No warning (closed)")


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Escalated")


# --- Models ---------------------------------------------------------------------------------

# Which units an action is checked on: the supervising unit manages; the owners report.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "view": ("organization", "owner_unit", "co_units"),
    "report": ("owner_unit", "co_units"),
    "add": ("organization",),
    "manage": ("organization",),
}


class SupervisionItemQuerySet(RestrictedQuerySet):
    def restrict(self, user: Any, action: str = "view") -> Self:
        """Items whose supervising, lead or co-owner unit is in the user's scope for ``action``.

        ``view`` looks at all three; ``report`` at the lead and co-owner units; ``add`` and
        ``manage`` at the supervising unit only.
        """
        from edugov.core.permissions.scopes import scope_q

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        perm = permission_name(self.model, action)
        combined = None
        many = False
        for field in ACTION_FIELDS.get(action, ("organization",)):
            q = scope_q(user, perm, field=field)
            if q is None:
                continue
            many = many or field == "co_units"
            combined = q if combined is None else combined | q
        if combined is None:
            return self.none()
        if many:
            # co_units is to-many: select ids, so an item never comes back twice.
            return self.filter(pk__in=self.model._default_manager.filter(combined).values("pk"))
        return self.filter(combined)


class SupervisionItem(models.Model):
    """One supervised task (督办事项) with its lead unit, deadline and warning colour."""

    scope_field = "organization"

    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("supervising unit"),
        on_delete=models.PROTECT,
        related_name="supervision_items",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("requirements"), blank=True)
    source_kind = models.CharField(
        _("source"), max_length=16, choices=SourceKind.choices, default=SourceKind.MANUAL
    )
    source_document = models.ForeignKey(
        "office.Document",
        verbose_name=_("source document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_items",
    )
    # Another area's record, as "<app>.<model>:<pk>" (e.g. "office.meetingdecision:12").
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True, db_index=True)
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    owner_unit = models.ForeignKey(
        "core.Organization",
        verbose_name=_("lead unit 牵头单位"),
        on_delete=models.PROTECT,
        related_name="supervision_items_led",
    )
    co_units = models.ManyToManyField(
        "core.Organization",
        verbose_name=_("co-owner units 协办单位"),
        blank=True,
        related_name="supervision_items_shared",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person 责任人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    co_owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("co-owners"), blank=True, related_name="+"
    )
    due_on = models.DateField(_("deadline"), db_index=True)
    # How the deadline was counted when it was given in working days (core calendar's lines).
    due_explanation = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SupervisionStatus.choices, default=SupervisionStatus.OPEN
    )
    rag = models.CharField(_("warning"), max_length=5, choices=Rag.choices, default=Rag.GREEN)
    rag_computed_on = models.DateField(null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("progress"), default=0)
    last_report_at = models.DateTimeField(_("last report"), null=True, blank=True)
    # The last day the owners were reminded (set by the daily job, cleared on a new deadline).
    reminded_on = models.DateField(_("reminded"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # None when a system job created it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    completed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)

    objects = SupervisionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision item")
        verbose_name_plural = _("supervision items")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="office_sup_status_due"),
            models.Index(fields=["owner_unit", "status", "rag"], name="office_sup_owner_rag"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == SupervisionStatus.OPEN

    @property
    def source_model(self) -> str:
        """The ``<app>.<model>`` part of ``source_ref`` ("" when there is none)."""
        return self.source_ref.split(":", 1)[0] if ":" in self.source_ref else ""


class SupervisionMilestone(models.Model):
    """A dated step of an item (阶段节点); done by the owners or the supervising unit."""

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("milestone")
        ordering = ["item", "position", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ProgressReport(AppendOnly):
    """One progress report (进展反馈) by an owner unit; never changed once written."""

    item = models.ForeignKey(SupervisionItem, on_delete=models.PROTECT, related_name="reports")
    milestone = models.ForeignKey(
        SupervisionMilestone, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("per cent done"))
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="office_progress_percent_range")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.percent}%"


def evidence_path(instance: ProgressEvidence, filename: str) -> str:
    return f"office/supervision/{instance.sha256[:2]}/{instance.sha256}"


class ProgressEvidence(AppendOnly):
    """A file given with a progress report (佐证材料): PDF, image or office document, ≤ 20 MB."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.name


class SupervisionReminder(models.Model):
    """A reminder the daily job recorded for an item: at most one per item and day."""

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "sent_on"], name="office_sup_reminder_daily"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.sent_on} {self.kind}"


# --- The RAG rule ------------------------------------------------------------------------


def jurisdiction_of(unit: Any) -> str:
    """The work-calendar jurisdiction of a unit: Xinjiang's for units in region 65, else national."""
    code = str(getattr(unit, "region_id", "") or "")
    return Jurisdiction.XINJIANG if code.startswith(Jurisdiction.XINJIANG) else Jurisdiction.NATIONAL


@dataclass(frozen=True)
class RagDates:
    """The day's thresholds as dates on one calendar (computed once per day and jurisdiction).

    * ``amber_until``: a deadline on or before this day is "due soon" (``AMBER_WORKING_DAYS``
      working days after today);
    * ``stale_on_or_before``: a last report on or before this day is ``STALE_WORKING_DAYS``
      working days old or more;
    * ``escalate_on_or_before``: a deadline on or before this day is overdue by
      ``ESCALATE_WORKING_DAYS`` working days or more.
    """

    today: dt.date
    amber_until: dt.date
    stale_on_or_before: dt.date
    escalate_on_or_before: dt.date

    @classmethod
    def for_day(cls, today: dt.date, jurisdiction: str = Jurisdiction.NATIONAL) -> RagDates:
        from edugov.core.calendar import add_working_days

        stale = threshold("STALE_WORKING_DAYS")
        escalate = threshold("ESCALATE_WORKING_DAYS")
        return cls(
            today=today,
            amber_until=add_working_days(today, threshold("AMBER_WORKING_DAYS"), jurisdiction).result,
            stale_on_or_before=working_days_before(today, stale, jurisdiction),
            escalate_on_or_before=working_days_before(today, escalate, jurisdiction),
        )


def working_days_before(today: dt.date, n: int, jurisdiction: str = Jurisdiction.NATIONAL) -> dt.date:
    """The latest day ``d`` with ``working_days_between(d, today) == n`` (n working days ago).

    Any day on or before it is at least ``n`` working days before ``today``.
    """
    from edugov.core.calendar import load_calendar

    if n <= 0:
        return today
    window = dt.timedelta(days=2 * n + 60)  # five working days a week, plus the longest holidays
    first = today - window
    calendar = load_calendar(first, today, jurisdiction)
    day, counted = today, 0
    while counted < n:
        if day < first:  # pragma: no cover - only after months of holidays
            first = day - window
            calendar = load_calendar(first, day, jurisdiction)
        if calendar.classify(day).counted:
            counted += 1
        day -= dt.timedelta(days=1)
    return day


def open_deadlines(item: SupervisionItem, milestones: list[SupervisionMilestone]) -> list[dt.date]:
    return [item.due_on, *(m.due_on for m in milestones if m.done_at is None)]


def compute_rag(item: SupervisionItem, milestones: list[SupervisionMilestone], dates: RagDates) -> str:
    """The item's colour on ``dates.today`` (the rule in this module's docstring)."""
    if item.status != SupervisionStatus.OPEN:
        return Rag.GREY
    nearest = min(open_deadlines(item, milestones))
    if nearest < dates.today:
        return Rag.RED
    if nearest <= dates.amber_until:
        return Rag.AMBER
    last = item.last_report_at or item.created_at
    if last is not None:
        from django.utils import timezone

        if timezone.localtime(last).date() <= dates.stale_on_or_before:
            return Rag.AMBER
    return Rag.GREEN
