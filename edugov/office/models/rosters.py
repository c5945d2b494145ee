"""Duty rosters (值班安排, IN-7): rosters of slots, swaps between people, and duty logs.

A roster belongs to a unit and covers a date range; each slot is one person on one shift
of one day, one of them the leader on duty (带班领导). People ask to swap; the unit's
approver decides and an approval exchanges the two people atomically. Duty logs are
append-only: what happened on a shift is never rewritten.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edugov.office.models.documents import AppendOnly
from edugov.office.models.meetings import AliasedRestrictedQuerySet

__all__ = [
    "DutyLog",
    "DutyRoster",
    "DutySlot",
    "DutySwap",
    "RosterKind",
    "Shift",
    "SwapStatus",
]


class RosterKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    HOLIDAY = "holiday", _("Holiday 节假日")


class Shift(models.TextChoices):
    DAY = "day", _("Day shift")
    NIGHT = "night", _("Night shift")
    ALL_DAY = "all_day", _("24 hours")


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DutyRoster(models.Model):
    """A unit's duty roster for a date range; shift times are set per roster."""

    scope_field = "organization"
    permission_prefix = "office.roster"

    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="duty_rosters"
    )
    title = models.CharField(_("title"), max_length=120)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    kind = models.CharField(_("kind"), max_length=10, choices=RosterKind.choices, default=RosterKind.REGULAR)
    holiday_name = models.CharField(_("holiday"), max_length=64, blank=True)
    day_starts = models.TimeField(_("day shift starts"), default=dt.time(8, 30))
    day_ends = models.TimeField(_("day shift ends"), default=dt.time(18, 0))
    night_starts = models.TimeField(_("night shift starts"), default=dt.time(18, 0))
    night_ends = models.TimeField(_("night shift ends (next morning)"), default=dt.time(8, 30))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AliasedRestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="office_roster_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def shift_hours(self, shift: str) -> tuple[dt.time, dt.time]:
        """(start, end) of a shift; the end is on the next day when it is not after the start."""
        if shift == Shift.DAY:
            return self.day_starts, self.day_ends
        if shift == Shift.NIGHT:
            return self.night_starts, self.night_ends
        return self.day_starts, self.day_starts


class DutySlot(models.Model):
    """One person on one shift of one day; ``phone`` is the number to call for that shift."""

    scope_field = "roster__organization"
    permission_prefix = "office.roster"

    roster = models.ForeignKey(DutyRoster, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(_("date"))
    shift = models.CharField(_("shift"), max_length=10, choices=Shift.choices, default=Shift.ALL_DAY)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on duty"),
        on_delete=models.PROTECT,
        related_name="duty_slots",
    )
    is_leader = models.BooleanField(_("leader on duty 带班领导"), default=False)
    phone = models.CharField(_("duty phone"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AliasedRestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty slot")
        verbose_name_plural = _("duty slots")
        ordering = ["date", "-is_leader", "shift", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "date", "shift", "person"], name="office_slot_unique"),
        ]
        indexes = [
            models.Index(fields=["date", "roster"], name="office_slot_date_idx"),
            models.Index(fields=["person", "date"], name="office_slot_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.shift} {self.person_id}"


class DutySwap(models.Model):
    """A request to swap: with another slot, or to hand one's slot to another person."""

    scope_field = "slot_from__roster__organization"
    permission_prefix = "office.roster"

    slot_from = models.ForeignKey(
        DutySlot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="swaps_out"
    )
    slot_to = models.ForeignKey(
        DutySlot,
        verbose_name=_("swap with slot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="swaps_in",
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hand over to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=SwapStatus.choices, default=SwapStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    objects = AliasedRestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty swap")
        verbose_name_plural = _("duty swaps")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_to__isnull=False) | Q(target_user__isnull=False), name="office_swap_target"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="office_swap_status_idx")]

    def __str__(self) -> str:
        return f"{self.slot_from_id} -> {self.slot_to_id or self.target_user_id}"


class DutyLog(AppendOnly):
    """What happened on a shift (值班记录): written by the person on duty, never changed."""

    scope_field = "slot__roster__organization"
    permission_prefix = "office.roster"

    slot = models.ForeignKey(DutySlot, on_delete=models.PROTECT, related_name="logs")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("log"))
    incidents = models.TextField(_("events and incidents"), blank=True)
    handed_over_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = AliasedRestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty log")
        verbose_name_plural = _("duty logs")
        ordering = ["slot", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.slot_id} {self.created_at:%Y-%m-%d %H:%M}"
