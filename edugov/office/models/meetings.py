"""Meetings (会议, IN-6): rooms, meetings with their agenda and attendees, minutes and decisions.

A room is booked by scheduling a meeting in it; two meetings that are not cancelled never
overlap in one room (the booking action locks the room row while it checks). Attendees
confirm (or decline, or send a delegate) and may be checked in; the minutes record the
decisions, each of which can become a supervision item (督办).
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edugov.platform.querysets import RestrictedQuerySet

__all__ = [
    "AgendaItem",
    "AttendeeResponse",
    "AttendeeRole",
    "Meeting",
    "MeetingAttendee",
    "MeetingDecision",
    "MeetingKind",
    "MeetingMinutes",
    "MeetingRoom",
    "MeetingStatus",
]

# Remote meeting links: only web links; never javascript:, data: or file: URLs.
remote_url_validator = URLValidator(schemes=["http", "https"])


class AliasedRestrictedQuerySet(RestrictedQuerySet):
    """``restrict()`` checking ``<model.permission_prefix>.<action>`` instead of the model's name.

    The office registers one family of permissions per area (``office.meeting.*``,
    ``office.roster.*``); rooms, rosters, slots and swaps are governed by them.
    """

    def restrict(self, user: Any, action: str = "view") -> Self:
        from edugov.core.permissions.scopes import scope_q

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        permission = f"{self.model.permission_prefix}.{action}"  # type: ignore[attr-defined]
        q = scope_q(user, permission, field=self.model.scope_field)  # type: ignore[attr-defined]
        if q is None:
            return self.none()
        return self.filter(q)


class MeetingKind(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    REMOTE = "remote", _("Remote (video)")
    HYBRID = "hybrid", _("Hybrid")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")


class AttendeeRole(models.TextChoices):
    REQUIRED = "required", _("Required")
    OPTIONAL = "optional", _("Optional")


class AttendeeResponse(models.TextChoices):
    PENDING = "pending", _("Not yet answered")
    ACCEPTED = "accepted", _("Will attend")
    DECLINED = "declined", _("Declined")
    DELEGATED = "delegated", _("Sends a delegate")


class MeetingRoom(models.Model):
    """A meeting room of a unit; the unit and the units below it may book it."""

    scope_field = "organization"
    permission_prefix = "office.meeting"

    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="meeting_rooms"
    )
    name = models.CharField(_("name"), max_length=80)
    location = models.CharField(_("location"), max_length=120, blank=True)
    capacity = models.PositiveSmallIntegerField(_("seats"), default=0)
    equipment = models.CharField(_("equipment"), max_length=200, blank=True)
    has_video = models.BooleanField(_("video conferencing"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AliasedRestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting room")
        verbose_name_plural = _("meeting rooms")
        ordering = ["organization__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="office_room_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class MeetingQuerySet(RestrictedQuerySet):
    def visible_to(self, user: Any) -> Self:
        """Meetings of units where ``user`` holds office.meeting.view, and meetings they attend or called."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        from edugov.core.permissions.scopes import scope_q

        q = Q(called_by=user) | Q(pk__in=MeetingAttendee.objects.filter(user=user).values("meeting_id"))
        scope = scope_q(user, "office.meeting.view", field="organization")
        if scope is not None:
            q |= scope
        return self.filter(q)


class Meeting(models.Model):
    """A meeting called by a unit (召开单位), in a room, remotely or both."""

    scope_field = "organization"

    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("calling unit"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.IN_PERSON
    )
    room = models.ForeignKey(
        MeetingRoom,
        verbose_name=_("room"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    place = models.CharField(_("place (if not in a room)"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    remote_url = models.URLField(
        _("video meeting link"), max_length=500, blank=True, validators=[remote_url_validator]
    )
    remote_meeting_id = models.CharField(_("video meeting number"), max_length=64, blank=True)
    remote_passcode = models.CharField(_("video meeting passcode"), max_length=64, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("called by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="office_meeting_times"
            ),
        ]
        indexes = [
            models.Index(fields=["room", "starts_at"], name="office_meeting_room_idx"),
            models.Index(fields=["organization", "starts_at"], name="office_meeting_unit_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_remote(self) -> bool:
        return self.kind in (MeetingKind.REMOTE, MeetingKind.HYBRID)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("item"), max_length=200)
    presenter = models.CharField(_("presenter"), max_length=64, blank=True)
    minutes_allotted = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="office_agenda_position_unique")
        ]

    def __str__(self) -> str:
        return self.title


class MeetingAttendee(models.Model):
    """One person asked to attend, with their answer; a delegate gets a row of their own."""

    scope_field = "meeting__organization"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendee"),
        on_delete=models.PROTECT,
        related_name="meeting_attendances",
    )
    unit = models.ForeignKey(
        "core.Organization",
        verbose_name=_("attends for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=AttendeeRole.choices, default=AttendeeRole.REQUIRED
    )
    response = models.CharField(
        _("answer"), max_length=10, choices=AttendeeResponse.choices, default=AttendeeResponse.PENDING
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    delegated_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="delegations"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting attendee")
        verbose_name_plural = _("meeting attendees")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="office_attendee_unique"),
        ]
        indexes = [models.Index(fields=["user", "response"], name="office_attendee_user_idx")]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.user_id}"


class MeetingMinutes(models.Model):
    """The minutes (会议纪要) of a held meeting; the text can change until they are approved."""

    scope_field = "meeting__organization"

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting minutes")
        verbose_name_plural = _("meeting minutes")

    def __str__(self) -> str:
        return f"{self.meeting_id}"


class MeetingDecision(models.Model):
    """One decision (议定事项) in the minutes; may be handed to supervision (督办)."""

    scope_field = "minutes__meeting__organization"

    minutes = models.ForeignKey(MeetingMinutes, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("decision"))
    owner_unit = models.ForeignKey(
        "core.Organization",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # The office.SupervisionItem created from this decision (its pk), once supervised.
    supervision_ref = models.PositiveBigIntegerField(_("supervision item"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["minutes", "position"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "position"], name="office_decision_position_unique")
        ]

    def __str__(self) -> str:
        return self.text[:40]
