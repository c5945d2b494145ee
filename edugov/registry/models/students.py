"""Students, their guardians, enrolments (学籍) and status changes (学籍异动).

A person has at most one *active* enrolment in the whole node (一人一籍, DB-2); the
database enforces it with a partial unique index, so two schools enrolling the same
person at the same moment cannot both succeed. Enrolments end but are never deleted:
the history stays with the person, and each school keeps seeing its own period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edugov.core.fields import EncryptedTextField
from edugov.platform.querysets import RestrictedQuerySet
from edugov.registry.choices import DuplicateStatus, EnrolmentState
from edugov.registry.models.base import PersonIdentity, RegistryRecord


class Student(PersonIdentity, RegistryRecord):
    # A student is visible wherever one of their enrolments (current or past) is.
    scope_field = "enrolments__school"
    scope_is_many = True

    # 学籍号: one number for life (G + ID number; J or L without one; STANDARDS §4.2). A G
    # number carries the ID number, so it is encrypted like it, with a lookup hash for
    # exact search and uniqueness and a masked copy for lists (ADR 0006).
    student_number = EncryptedTextField(_("student number"))
    student_number_hash = models.CharField(
        _("student number lookup hash"), max_length=64, null=True, blank=True, editable=False
    )
    student_number_masked = models.CharField(
        _("student number (masked)"), max_length=24, blank=True, editable=False
    )
    household_region = models.CharField(_("household registration region"), max_length=6, blank=True)
    address = EncryptedTextField(_("home address"))
    left_behind = models.BooleanField(_("left-behind child"), default=False)
    migrant = models.BooleanField(_("migrant child"), default=False)
    disability = models.CharField(_("disability category"), max_length=1, blank=True)
    aid_eligible = models.BooleanField(_("eligible for financial aid"), default=False)
    # Set when this record was merged into another (a recorded, reversible merge).
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
    )

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=Q(id_hash__isnull=False), name="registry_student_one_per_id"
            ),
            models.UniqueConstraint(
                fields=["student_number_hash"],
                condition=Q(student_number_hash__isnull=False),
                name="registry_student_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["name", "birth_date"], name="registry_student_name_birth"),
            # Prefix search by name ("starts with") on PostgreSQL under a non-C collation;
            # SQLite ignores the operator class.
            models.Index(
                fields=["name"], opclasses=["varchar_pattern_ops"], name="registry_student_name_prefix"
            ),
        ]


class Guardian(RegistryRecord):
    """A guardian may have several children in several schools."""

    scope_field = "links__student__enrolments__school"
    scope_is_many = True

    name = models.CharField(_("name"), max_length=50)
    phone = EncryptedTextField(_("phone"))
    phone_hash = models.CharField(_("phone lookup hash"), max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("phone (masked)"), max_length=20, blank=True)
    id_number = EncryptedTextField(_("ID number"))
    id_hash = models.CharField(_("ID lookup hash"), max_length=64, null=True, blank=True, db_index=True)
    address = EncryptedTextField(_("address"))
    employer = models.CharField(_("employer"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return self.name


class GuardianLink(models.Model):
    scope_field = "student__enrolments__school"
    scope_is_many = True

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardian_links")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="links")
    # GB/T 4761 family relation code (``family_relation`` table).
    relation = models.CharField(_("relation"), max_length=2)
    is_primary = models.BooleanField(_("main contact"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("guardian of a student")
        constraints = [
            models.UniqueConstraint(fields=["student", "guardian"], name="registry_guardian_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.guardian_id} → {self.student_id}"


class Enrolment(RegistryRecord):
    """One period of a student at one school; ``state=active`` is the one current place."""

    scope_field = "school"

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.PROTECT, related_name="enrolments"
    )
    school = models.ForeignKey(
        "core.Organization", verbose_name=_("school"), on_delete=models.PROTECT, related_name="enrolments"
    )
    grade = models.CharField(_("grade"), max_length=2)
    class_name = models.CharField(_("class"), max_length=20, blank=True)
    entry_date = models.DateField(_("entry date"))
    study_mode = models.CharField(_("study mode"), max_length=1, default="1")
    # Current status code (``student_status`` table: 01 在读, 02 休学 …).
    status = models.CharField(_("status"), max_length=2, default="01")
    state = models.CharField(
        _("state"), max_length=8, choices=EnrolmentState.choices, default=EnrolmentState.ACTIVE
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    # The status-change kind that ended the enrolment (``status_change_kind`` table).
    end_reason = models.CharField(_("ended by"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=Q(state="active"), name="registry_one_active_enrolment"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "state", "grade", "class_name"], name="registry_enrol_school"),
        ]

    def __str__(self) -> str:
        return f"{self.student} @ {self.school}"


class StatusChange(models.Model):
    """One status change (学籍异动), dated; together with enrolments, the person's history."""

    scope_field = "enrolment__school"

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="status_changes")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="status_changes")
    kind = models.CharField(_("change"), max_length=2)  # ``status_change_kind`` table
    effective_on = models.DateField(_("effective"))
    from_status = models.CharField(_("status before"), max_length=2, blank=True)
    to_status = models.CharField(_("status after"), max_length=2, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    transfer = models.ForeignKey(
        "registry.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="status_changes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["effective_on", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.effective_on}"


class DuplicateSuspect(models.Model):
    """Two student records that may be one person (no ID number: name + birth date + guardian)."""

    scope_field = "organization"

    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, related_name="+")
    first = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("why suspected"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("duplicate suspect")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="registry_duplicate_pair_unique")
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≟ {self.second_id}"


class StudentMerge(models.Model):
    """A merge of ``merged`` into ``kept``; ``moved`` lists what moved, so it can be undone."""

    scope_field = "organization"

    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    kept = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    suspect = models.ForeignKey(DuplicateSuspect, on_delete=models.SET_NULL, null=True, blank=True)
    moved = models.JSONField(default=dict)
    reason = models.TextField(_("reason"), blank=True)
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reverted_at = models.DateTimeField(null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("student merge")

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"
