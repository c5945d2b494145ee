"""Processes (BPMN 2.0 run by SpiffWorkflow): versioned definitions, running instances
whose state is JSON, and the human tasks they open (待办).

An instance stays on the definition version it started with. Columns that lists and the
timer tick need (status, assignees, next due time) are kept beside the JSON and indexed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from edugov.office.choices import ProcessStatus, TaskStatus
from edugov.platform.querysets import RestrictedQuerySet


class ProcessDefinition(models.Model):
    """One version of a BPMN process; rows are never edited, a new upload is a new version."""

    key = models.CharField(_("process key"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=120)
    process_id = models.CharField(_("BPMN process id"), max_length=120)
    bpmn_xml = models.TextField(_("BPMN XML"))
    sha256 = models.CharField(max_length=64)
    is_builtin = models.BooleanField(_("shipped with the product"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="office_procdef_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ProcessInstance(models.Model):
    """A running process. ``state`` is SpiffWorkflow's serialized workflow."""

    scope_field = "organization"

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="instances")
    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        "office.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="processes"
    )
    # Any other subject (an internal approval form, a loan request ...): "app_label.model:pk".
    subject_ref = models.CharField(max_length=80, blank=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ProcessStatus.choices, default=ProcessStatus.RUNNING
    )
    state = models.JSONField(default=dict)
    data = models.JSONField(_("process data"), default=dict, blank=True)
    # Optimistic lock: bumped by every change of ``state``.
    revision = models.PositiveIntegerField(default=0)
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        indexes = [models.Index(fields=["status", "next_due_at"], name="office_proc_due_idx")]

    def __str__(self) -> str:
        return self.title


class WorkTaskQuerySet(RestrictedQuerySet):
    def open_for(self, user):  # noqa: ANN001, ANN201
        """Open tasks ``user`` may act on now (as assignee, lane member or delegate)."""
        return self.filter(status=TaskStatus.OPEN, candidates__user=user, candidates__is_open=True)


class WorkTask(models.Model):
    """A human task (BPMN userTask) waiting for, or done by, someone: the to-do list's rows."""

    scope_field = "organization"

    process = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="tasks")
    document = models.ForeignKey(
        "office.Document", on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    # The unit the task belongs to and the lane's role in it.
    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    role_code = models.CharField(_("role"), max_length=48, blank=True)
    spec_name = models.CharField(_("BPMN element"), max_length=120)
    spiff_task_id = models.CharField(max_length=36)
    title = models.CharField(_("task"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    # Last reminder (催办) sent about this task, and by whom.
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handed_over_from = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = WorkTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open row per SpiffWorkflow task. A step the flow returns to (reset_to) keeps its
            # task id, so its earlier, done row and the new open row share it.
            models.UniqueConstraint(
                fields=["process", "spiff_task_id"],
                condition=models.Q(status="open"),
                name="office_task_spiff_open_unique",
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="office_task_due_idx"),
            models.Index(fields=["completed_by", "completed_at"], name="office_task_done_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class TaskCandidate(models.Model):
    """Who may act on an open task: the assignee, or everyone holding the lane's role there
    (and their delegates). Materialised so the to-do list is one indexed join."""

    task = models.ForeignKey(WorkTask, on_delete=models.CASCADE, related_name="candidates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Set when the user is a candidate only as someone's delegate (代理).
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_open = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "user"], name="office_candidate_unique")]
        indexes = [models.Index(fields=["user", "is_open", "task"], name="office_candidate_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.task_id}"


class Delegation(models.Model):
    """While ``user`` is away, ``delegate`` may act on their tasks (请假代理)."""

    scope_field = "organization"

    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.delegate_id}"
