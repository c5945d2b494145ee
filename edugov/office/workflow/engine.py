"""The process engine of the office: BPMN 2.0 definitions run by SpiffWorkflow.

Definitions are versioned (``deploy``); an instance keeps the version it started with.
SpiffWorkflow's serialized workflow (without the spec, which is re-parsed from the
version's XML and cached per version) is stored in ``ProcessInstance.state``; the columns
lists need (status, next timer, tasks) are kept beside it. Every READY userTask of a
workflow has one open ``WorkTask`` row and one ``TaskCandidate`` row per person who may
act on it. Gateway conditions, scripts and timer expressions run under RestrictedPython
(``workflow.scripting``).

Lanes → people
--------------
Every userTask lies in a BPMN lane whose name says who does it:

* ``starter`` — the user who started the instance;
* a permission (contains dots), e.g. ``office.document.signoff`` — the holders of a role
  carrying it (``app.model.*`` wildcards count, as everywhere in edugov);
* a role code, e.g. ``bureau_leader`` — the holders of that role.

The task's unit U is the element variable (``unit``, an Organization id) for a
multi-instance task, else ``data["units"][step]`` when set, else the instance's
organization. Walking from U up through its ancestors, the first unit where some active
user holds an active (not revoked) grant *on that unit* — directly or through a group — for
the lane gives the candidates (a grant on an ancestor must cover the units below it). A
school's document therefore goes to the school's holder and a bureau's to the bureau's.
``data["assignees"][step] = user_id`` gives the task to that user alone. Each candidate with
an active delegation (today within starts_on..ends_on, not revoked) adds the delegate as a
candidate ``on_behalf_of`` them.

Due dates and titles
--------------------
A task's title is the userTask's ``name`` (拟稿, 核稿 …). ``edugov:dueWorkingDays="N"`` on
the userTask makes it due at the end of the working day (18:00) N working days from the
day it opens; process data ``due[step]`` (ISO datetime) or ``<step>_due`` (ISO date or
datetime) override it. ``edugov:outcomes`` lists the outcomes ``complete`` accepts and
``edugov:chases`` marks a reminder step (see ``workflow.definitions``).

Process data
------------
``complete`` sets ``outcome`` and ``<step>_outcome`` (e.g. ``review_outcome``) and the
caller's ``data`` in the task's data. A multi-instance step's output item (e.g.
``countersign_result``) defaults to ``{"unit": <item>, "outcome": ..., "by": <user id>}`` and
is collected in its output list (``countersign_results``). ``ProcessInstance.data`` is the
plain JSON of everything the steps have set so far (element variables left out).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask, ParallelMultiInstanceTask
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from edugov.core.audit import log_event
from edugov.office.choices import ProcessStatus, TaskStatus
from edugov.office.errors import OfficeError, ProcessError, TaskTaken
from edugov.office.events import OfficeEvent
from edugov.office.models import ProcessDefinition, ProcessInstance, TaskCandidate, WorkTask
from edugov.office.workflow import definitions
from edugov.office.workflow.lanes import candidate_pairs
from edugov.office.workflow.scripting import SCRIPT_ENGINE, due_for

logger = logging.getLogger(__name__)

__all__ = [
    "add_multi_instance_item",
    "cancel",
    "candidates_for",
    "complete",
    "deploy",
    "hand_over",
    "latest",
    "open_tasks",
    "reset_to",
    "start",
    "tick",
]

# --- serialization ---------------------------------------------------------------------------


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """The workflow without its spec: the spec is parsed from the definition's own XML."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


_CONFIG = dict(DEFAULT_CONFIG)
_CONFIG[BpmnWorkflow] = _SpeclessWorkflowConverter
SERIALIZER = BpmnWorkflowSerializer(registry=BpmnWorkflowSerializer.configure(_CONFIG))


def _dump(workflow: BpmnWorkflow) -> dict:
    dct = SERIALIZER.to_dict(workflow)
    dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
    try:
        return json.loads(json.dumps(dct, cls=DjangoJSONEncoder))
    except TypeError as exc:  # a script left something that is not JSON (a set, an object …)
        raise ProcessError(_("Process data must be plain values: %(error)s") % {"error": exc}) from None


def _parents_first(tasks: dict[str, Any], root: str) -> dict[str, Any]:
    """Tasks ordered from the root down. SpiffWorkflow stores a task's data as changes from its
    parent's and restores tasks in mapping order; PostgreSQL's jsonb does not keep that order."""
    ordered: dict[str, Any] = {}
    queue = [root]
    while queue:
        task_id = queue.pop(0)
        task = tasks.get(task_id)
        if task is None or task_id in ordered:
            continue
        ordered[task_id] = task
        queue.extend(task.get("children", []))
    ordered.update((k, v) for k, v in tasks.items() if k not in ordered)
    return ordered


def _load(instance: ProcessInstance) -> BpmnWorkflow:
    parsed = definitions.parsed(instance.definition)
    dct = copy.deepcopy(instance.state)
    dct["tasks"] = _parents_first(dct["tasks"], dct["root"])
    for sub in dct.get("subprocesses", {}).values():
        sub["tasks"] = _parents_first(sub["tasks"], sub["root"])
    SERIALIZER.migrate(dct)
    dct["spec"] = parsed.spec  # restored as is: the registry passes objects through
    dct["subprocess_specs"] = dict(parsed.subprocess_specs)
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow


def _plain(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """JSON-able copy of caller data (dates become ISO strings, models are refused)."""
    if not data:
        return {}
    try:
        return json.loads(json.dumps(dict(data), cls=DjangoJSONEncoder))
    except TypeError as exc:
        raise ProcessError(_("Process data must be plain values: %(error)s") % {"error": exc}) from None


# --- definitions -----------------------------------------------------------------------------


@transaction.atomic
def deploy(
    key: str, xml: str | bytes, *, acting_user: Any, name: str = "", builtin: bool = False
) -> ProcessDefinition:
    """Store a new version of ``key`` (or return the newest when the XML is unchanged)."""
    key = (key or "").strip()
    if not key or len(key) > 60:
        raise ProcessError(_("A process key is 1 to 60 characters long."))
    text, info = definitions.validate(xml)
    digest = definitions.sha256(text)
    last = ProcessDefinition.objects.select_for_update().filter(key=key).order_by("-version").first()
    if last is not None and last.sha256 == digest:
        return last
    try:
        with transaction.atomic():
            definition = ProcessDefinition.objects.create(
                key=key,
                version=(last.version + 1) if last else 1,
                name=(name or info.name)[:120],
                process_id=info.process_id,
                bpmn_xml=text,
                sha256=digest,
                is_builtin=builtin,
                uploaded_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
            )
    except IntegrityError:  # the first version of a new key, uploaded twice at the same moment
        raise ProcessError(_("Another version of this process was uploaded just now; try again.")) from None
    if not builtin:
        # Shipped versions arrive with migrate, like reference data; uploads are audited.
        log_event(
            OfficeEvent.PROCESS_DEPLOYED,
            acting_user=acting_user,
            target=definition,
            extra={"key": key, "version": definition.version, "sha256": digest},
        )
    return definition


def latest(key: str) -> ProcessDefinition:
    definition = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
    if definition is None:
        raise ProcessError(_('There is no process "%(key)s".') % {"key": key})
    return definition


def steps(definition: ProcessDefinition) -> dict[str, definitions.StepInfo]:
    """The userTasks of a version (id → StepInfo), in document order."""
    return definitions.parsed(definition).info.steps


# --- people ----------------------------------------------------------------------------------


def candidates_for(
    lane: str, unit: Any, *, data: dict | None = None, starter: Any = None, spec_name: str = ""
) -> list[Any]:
    """Users who may act on a task in ``lane`` at ``unit`` (holders first, then delegates)."""
    pairs, _assignee = candidate_pairs(lane, unit, data=data, starter=starter, spec_name=spec_name)
    return [user for user, _principal in pairs]


def open_tasks(instance: ProcessInstance) -> QuerySet[WorkTask]:
    return instance.tasks.filter(status=TaskStatus.OPEN).order_by("created_at", "pk")


# --- running ---------------------------------------------------------------------------------


def _is_human(task: Any) -> bool:
    return bool(task.task_spec.manual)


def _bpmn_id(task: Any) -> str:
    return task.task_spec.bpmn_id or task.task_spec.name


def _find(workflow: BpmnWorkflow, spiff_task_id: str) -> Any:
    """The SpiffWorkflow task with this id, or None when the flow has dropped it."""
    try:
        return workflow.get_task_from_id(UUID(spiff_task_id))
    except (TaskNotFoundException, ValueError):
        return None


def _mi_parent(task: Any) -> Any:
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, MultiInstanceTask):
        return parent
    return None


def _element_variables(workflow: BpmnWorkflow) -> set[str]:
    names = set()
    for spec in workflow.spec.task_specs.values():
        if isinstance(spec, MultiInstanceTask):
            names.update(item.bpmn_id for item in (spec.input_item, spec.output_item) if item is not None)
    return names


class _Run:
    """One change of one instance: load, change, step the engine, sync rows, save."""

    def __init__(self, instance: ProcessInstance, workflow: BpmnWorkflow | None = None) -> None:
        self.instance = instance
        self.parsed = definitions.parsed(instance.definition)
        self.workflow = workflow if workflow is not None else _load(instance)
        self.hidden = _element_variables(self.workflow)
        self.fired: list[str] = []

    def absorb(self, task: Any) -> None:
        data = self.instance.data
        for key, value in task.data.items():
            if key not in self.hidden and not key.startswith("_"):
                data[key] = value

    def _did(self, task: Any) -> None:
        if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            self.fired.append(_bpmn_id(task))
        self.absorb(task)

    def step(self) -> None:
        # SpiffWorkflow leaves the catching events of a branch dropped by a reset registered
        # as waiting; forget them before timers are refreshed.
        events = self.workflow.event_manager.tasks
        for task_id in [t for t in events if _find(self.workflow, str(t)) is None]:
            events.pop(task_id)
        try:
            self.workflow.refresh_timers()
            self.workflow.do_engine_steps(did_complete_task=self._did)
            while self._cancel_chasers():
                self.workflow.do_engine_steps(did_complete_task=self._did)
        except SpiffWorkflowException as exc:
            raise self._error(exc) from exc

    def _error(self, exc: SpiffWorkflowException) -> ProcessError:
        task = getattr(exc, "task", None)
        detail = str(exc.args[0]) if exc.args else exc.__class__.__name__
        inner = exc.__cause__ or exc.__context__
        if inner is not None and not isinstance(inner, SpiffWorkflowException):
            detail = f"{detail} ({inner.__class__.__name__}: {inner})"
        if task is not None:
            step = self.parsed.info.steps.get(_bpmn_id(task))
            name = task.task_spec.bpmn_name or (step.name if step else "-")
            return ProcessError(
                _('Step "%(id)s" (%(name)s) failed: %(error)s')
                % {"id": _bpmn_id(task), "name": name, "error": detail},
                element_id=_bpmn_id(task),
            )
        return ProcessError(_("The process failed: %(error)s") % {"error": detail})

    def _cancel_chasers(self) -> bool:
        """Reminder steps (``edugov:chases``) end when the step they chase stops waiting."""
        steps = self.parsed.info.steps
        waiting = {
            _bpmn_id(t)
            for t in self.workflow.get_tasks(state=TaskState.READY | TaskState.STARTED)
            if _bpmn_id(t) in steps
        }
        cancelled = False
        for task in self.workflow.get_tasks(state=TaskState.READY):
            step = steps.get(_bpmn_id(task))
            if step is not None and step.chases and step.chases not in waiting:
                task.cancel()
                cancelled = True
        return cancelled

    # -- rows --

    def ready_tasks(self) -> list[Any]:
        return [t for t in self.workflow.get_tasks(state=TaskState.READY) if _is_human(t)]

    def unit_for(self, task: Any) -> Any:
        from edugov.core.models import Organization

        step = self.parsed.info.steps.get(_bpmn_id(task))
        unit_id = None
        if step is not None and step.multi_instance and _mi_parent(task) is not None:
            unit_id = task.data.get(step.element_variable or "unit")
        else:
            units = task.data.get("units")
            if isinstance(units, Mapping):
                unit_id = units.get(_bpmn_id(task))
        if unit_id is not None:
            pk = unit_id.pk if isinstance(unit_id, Organization) else unit_id
            unit = Organization.objects.filter(pk=pk).first()
            if unit is None:
                raise ProcessError(
                    _('Step "%(id)s": unit %(unit)s does not exist.') % {"id": _bpmn_id(task), "unit": pk}
                )
            return unit
        return self.instance.organization

    def sync(self) -> list[WorkTask]:
        """Close rows of tasks that are no longer READY; open rows for new READY ones."""
        instance = self.instance
        ready = {str(t.id): t for t in self.ready_tasks()}
        now = timezone.now()
        stale = [row for row in open_tasks(instance) if row.spiff_task_id not in ready]
        for row in stale:
            spiff = _find(self.workflow, row.spiff_task_id)
            row.status = TaskStatus.CANCELLED
            row.completed_at = now
            if spiff is not None and spiff.state == TaskState.COMPLETED:
                row.status = TaskStatus.DONE
            row.save(update_fields=["status", "completed_at"])
        if stale:
            TaskCandidate.objects.filter(task__in=stale, is_open=True).update(is_open=False)
        existing = set(open_tasks(instance).values_list("spiff_task_id", flat=True))
        created = []
        for spiff_id, task in ready.items():
            if spiff_id not in existing:
                created.append(self._open_row(task))
        return created

    def _open_row(self, task: Any) -> WorkTask:
        instance = self.instance
        step = self.parsed.info.steps.get(_bpmn_id(task))
        lane = step.lane if step else (task.task_spec.lane or "")
        unit = self.unit_for(task)
        pairs, assignee = candidate_pairs(
            lane, unit, data=task.data, starter=instance.started_by, spec_name=_bpmn_id(task)
        )
        row = WorkTask.objects.create(
            process=instance,
            document=instance.document,
            organization=unit,
            role_code=lane[:48],
            spec_name=_bpmn_id(task)[:120],
            spiff_task_id=str(task.id),
            title=(task.task_spec.bpmn_name or _bpmn_id(task))[:200],
            assignee=assignee,
            due_at=due_for(task.data, _bpmn_id(task), step.due_working_days if step else None),
        )
        TaskCandidate.objects.bulk_create(
            [TaskCandidate(task=row, user=user, on_behalf_of=principal) for user, principal in pairs]
        )
        if not pairs:
            logger.warning(
                "office process %s: nobody holds lane %s for step %s at unit %s",
                instance.pk,
                lane,
                row.spec_name,
                unit.pk,
            )
        return row

    def next_due(self) -> dt.datetime | None:
        times = []
        for event in self.workflow.waiting_events():
            value = event.value
            if isinstance(value, str):
                try:
                    parsed = dt.datetime.fromisoformat(value)
                except ValueError:
                    continue
                times.append(parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed))
        return min(times) if times else None

    def save(self) -> list[WorkTask]:
        created = self.sync()
        instance = self.instance
        instance.state = _dump(self.workflow)
        instance.data = _plain(instance.data)
        instance.revision += 1
        instance.next_due_at = self.next_due()
        instance.error = ""
        fields = ["state", "data", "revision", "next_due_at", "error"]
        if self.workflow.is_completed() and instance.status == ProcessStatus.RUNNING:
            instance.status = ProcessStatus.COMPLETED
            instance.finished_at = timezone.now()
            instance.next_due_at = None
            fields += ["status", "finished_at"]
            self.instance.data.update(_plain(_clean(self.workflow.data, self.hidden)))
        instance.save(update_fields=fields)
        return created


def _clean(data: Mapping[str, Any], hidden: set[str]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in hidden and not k.startswith("_")}


def _for_update(*, skip_locked: bool = False) -> QuerySet[ProcessInstance]:
    """Lock the instance row only, not the rows joined in by select_related."""
    of = ("self",) if connection.features.has_select_for_update_of else ()
    return ProcessInstance.objects.select_for_update(skip_locked=skip_locked, of=of).select_related(
        "definition", "organization", "started_by"
    )


def _locked(instance: ProcessInstance) -> ProcessInstance:
    return _for_update().get(pk=instance.pk)


def _require_running(instance: ProcessInstance) -> None:
    if instance.status != ProcessStatus.RUNNING:
        raise ProcessError(
            _("The process is %(status)s; it can no longer be changed.")
            % {"status": instance.get_status_display()}
        )


@transaction.atomic
def start(
    key: str,
    *,
    organization: Any,
    acting_user: Any,
    title: str,
    document: Any = None,
    subject_ref: str = "",
    data: dict | None = None,
) -> ProcessInstance:
    """Start the newest version of ``key`` and run it until it waits for people or timers."""
    definition = latest(key)
    parsed = definitions.parsed(definition)
    initial = _plain(data)
    instance = ProcessInstance.objects.create(
        definition=definition,
        organization=organization,
        document=document,
        subject_ref=subject_ref[:80],
        title=title[:200],
        data=dict(initial),
        started_by=acting_user,
        state={},
    )
    workflow = BpmnWorkflow(parsed.spec, dict(parsed.subprocess_specs), script_engine=SCRIPT_ENGINE)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(copy.deepcopy(initial))
    run = _Run(instance, workflow)
    run.step()
    run.save()
    log_event(
        OfficeEvent.PROCESS_STARTED,
        acting_user=acting_user,
        target=instance,
        extra={"key": key, "version": definition.version, "document": getattr(document, "pk", None)},
    )
    return instance


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'MONTH_DAY_FORMAT')} {formats.time_format(local, 'H:i')}"


def _taken(row: WorkTask) -> TaskTaken:
    if row.status == TaskStatus.DONE and row.completed_by is not None:
        return TaskTaken(
            _("This task was already handled by %(name)s on %(when)s.")
            % {"name": row.completed_by.get_full_name(), "when": _when(row.completed_at)},
            task=row.pk,
        )
    return TaskTaken(
        _("This task is no longer open: the process moved on (%(when)s).")
        % {"when": _when(row.completed_at)},
        task=row.pk,
    )


def _open_row_for(task: WorkTask, acting_user: Any) -> tuple[ProcessInstance, WorkTask, TaskCandidate]:
    """Lock the instance, re-read the task and check that ``acting_user`` may act on it."""
    instance = _locked(task.process)
    row = WorkTask.objects.select_related("completed_by").get(pk=task.pk)
    if row.status != TaskStatus.OPEN:
        raise _taken(row)
    _require_running(instance)
    candidate = row.candidates.filter(user=acting_user, is_open=True).first()
    if candidate is None:
        raise OfficeError(_("You are not among the people who may act on this task."), task=row.pk)
    return instance, row, candidate


def _spiff_task(run: _Run, row: WorkTask) -> Any:
    spiff = _find(run.workflow, row.spiff_task_id)
    if spiff is None or spiff.state != TaskState.READY:
        raise ProcessError(_("The task and its process disagree; ask a process administrator."), task=row.pk)
    return spiff


@transaction.atomic
def complete(
    task: WorkTask, *, acting_user: Any, outcome: str = "", data: dict | None = None
) -> ProcessInstance:
    """Do an open task with ``outcome``; the process moves on to its next steps."""
    instance, row, candidate = _open_row_for(task, acting_user)
    run = _Run(instance)
    spiff = _spiff_task(run, row)
    step = run.parsed.info.steps.get(row.spec_name)
    if step is not None and step.outcomes and outcome not in step.outcomes:
        raise ProcessError(
            _('Step "%(id)s" (%(name)s) has no outcome "%(outcome)s"; it accepts: %(allowed)s.')
            % {"id": step.id, "name": step.name, "outcome": outcome, "allowed": ", ".join(step.outcomes)}
        )
    updates = _plain(data)
    updates["outcome"] = outcome
    updates[f"{row.spec_name}_outcome"] = outcome
    parent = _mi_parent(spiff)
    if parent is not None and parent.task_spec.output_item is not None:
        name = parent.task_spec.output_item.bpmn_id
        if name not in updates:
            item = spiff.data.get(step.element_variable) if step and step.element_variable else None
            updates[name] = {"unit": item, "outcome": outcome, "by": acting_user.pk}
    spiff.data.update(updates)
    try:
        spiff.run()
    except SpiffWorkflowException as exc:
        raise run._error(exc) from exc
    run.absorb(spiff)
    now = timezone.now()
    row.status = TaskStatus.DONE
    row.completed_at = now
    row.completed_by = acting_user
    row.outcome = outcome[:40]
    row.save(update_fields=["status", "completed_at", "completed_by", "outcome"])
    row.candidates.filter(is_open=True).update(is_open=False)
    run.step()
    run.save()
    log_event(
        OfficeEvent.TASK_COMPLETED,
        acting_user=acting_user,
        target=row,
        extra={
            "process": instance.pk,
            "step": row.spec_name,
            "outcome": outcome,
            "on_behalf_of": candidate.on_behalf_of_id,
        },
    )
    return instance


@transaction.atomic
def hand_over(task: WorkTask, *, to_user: Any, acting_user: Any, reason: str = "") -> WorkTask:
    """Pass an open task to a colleague (and their delegates)."""
    instance, row, _candidate = _open_row_for(task, acting_user)
    if to_user is None or not to_user.is_active:
        raise OfficeError(_("The task can only be handed over to an active account."))
    if to_user.pk == acting_user.pk:
        raise OfficeError(_("You already hold this task."))
    from edugov.office.workflow.lanes import delegates_of

    row.candidates.filter(is_open=True).update(is_open=False)
    pairs = [(to_user, None), *[(d, p) for d, p in delegates_of([to_user]) if d.pk != to_user.pk]]
    for user, principal in pairs:
        TaskCandidate.objects.update_or_create(
            task=row, user=user, defaults={"is_open": True, "on_behalf_of": principal}
        )
    row.assignee = to_user
    row.handed_over_from = acting_user
    row.save(update_fields=["assignee", "handed_over_from"])
    log_event(
        OfficeEvent.TASK_HANDED_OVER,
        acting_user=acting_user,
        target=row,
        extra={"process": instance.pk, "step": row.spec_name, "to_user": to_user.pk},
        reason=reason,
    )
    return row


@transaction.atomic
def add_multi_instance_item(
    instance: ProcessInstance, spec_name: str, item: Any, *, acting_user: Any
) -> list[WorkTask]:
    """Add one more item (e.g. a department to countersign) to a running parallel step."""
    from edugov.core.models import Organization

    instance = _locked(instance)
    _require_running(instance)
    if isinstance(item, Organization):
        item = item.pk
    item = _plain({"item": item})["item"]
    run = _Run(instance)
    running = [
        t
        for t in run.workflow.get_tasks(state=TaskState.STARTED)
        if _bpmn_id(t) == spec_name and isinstance(t.task_spec, ParallelMultiInstanceTask)
    ]
    if not running:
        raise ProcessError(
            _('Step "%(step)s" is not running, so nobody can be added to it.') % {"step": spec_name}
        )
    parent = running[-1]
    spec = parent.task_spec
    if spec.data_input is None:
        raise ProcessError(_('Step "%(step)s" does not run over a list of items.') % {"step": spec_name})
    items = spec.data_input.get(parent)
    if not isinstance(items, list):
        raise ProcessError(_('Step "%(step)s" does not run over a list of items.') % {"step": spec_name})
    if item in items:
        raise ProcessError(
            _('Step "%(step)s" already includes %(item)s.') % {"step": spec_name, "item": item}
        )
    items.append(item)
    try:
        spec.create_child(parent, item, len(items) - 1)
    except SpiffWorkflowException as exc:
        raise run._error(exc) from exc
    instance.data[spec.data_input.bpmn_id] = list(items)
    run.step()
    created = run.save()
    log_event(
        OfficeEvent.COUNTERSIGNER_ADDED,
        acting_user=acting_user,
        target=instance,
        extra={"step": spec_name, "item": item, "tasks": [t.pk for t in created]},
    )
    return created


@transaction.atomic
def reset_to(instance: ProcessInstance, spec_name: str, *, acting_user: Any, reason: str) -> ProcessInstance:
    """Return the flow to an earlier userTask (退回, 撤回): open tasks are cancelled and the
    step opens again, with the process data as it is now."""
    instance = _locked(instance)
    _require_running(instance)
    run = _Run(instance)
    done = [
        (task.last_state_change, index, task)
        for index, task in enumerate(run.workflow.get_tasks(state=TaskState.COMPLETED))
        if _bpmn_id(task) == spec_name and _mi_parent(task) is None
    ]
    if not done:
        raise ProcessError(
            _('Step "%(step)s" has not been done yet, so the process cannot return to it.')
            % {"step": spec_name}
        )
    target = max(done, key=lambda entry: entry[:2])[2]
    data = copy.deepcopy(target.parent.data) if target.parent is not None else {}
    data.update(copy.deepcopy(_clean(instance.data, run.hidden)))
    for key in ("outcome", f"{spec_name}_outcome"):
        data.pop(key, None)
    spec = target.task_spec
    if isinstance(spec, MultiInstanceTask) and spec.data_output is not None:
        data[spec.data_output.bpmn_id] = {} if isinstance(data.get(spec.data_output.bpmn_id), dict) else []
    try:
        run.workflow.reset_from_task_id(target.id, data=data)
        run.workflow.completed = False
    except SpiffWorkflowException as exc:
        raise run._error(exc) from exc
    run.step()
    run.save()
    log_event(
        OfficeEvent.PROCESS_RESET,
        acting_user=acting_user,
        target=instance,
        extra={"step": spec_name},
        reason=reason,
    )
    return instance


@transaction.atomic
def cancel(instance: ProcessInstance, *, acting_user: Any, reason: str) -> ProcessInstance:
    """Stop a running process; its open tasks are cancelled."""
    instance = _locked(instance)
    _require_running(instance)
    run = _Run(instance)
    run.workflow.cancel()
    instance.status = ProcessStatus.CANCELLED
    instance.finished_at = timezone.now()
    run.save()
    instance.next_due_at = None
    instance.save(update_fields=["status", "finished_at", "next_due_at"])
    log_event(OfficeEvent.PROCESS_CANCELLED, acting_user=acting_user, target=instance, reason=reason)
    return instance


def tick(now: dt.datetime | None = None, *, limit: int = 500) -> int:
    """Fire due timers; returns how many instances moved on. Run every minute (periodic.py)."""
    now = now or timezone.now()
    due = list(
        ProcessInstance.objects.filter(status=ProcessStatus.RUNNING, next_due_at__lte=now)
        .order_by("next_due_at")
        .values_list("pk", flat=True)[:limit]
    )
    skip_locked = connection.features.has_select_for_update_skip_locked
    advanced = 0
    for pk in due:
        try:
            advanced += _tick_one(pk, now, skip_locked)
        except Exception as exc:  # one broken instance must not stop the others
            logger.exception("office process %s: timer failed", pk)
            _record_error(pk, exc)
    return advanced


def _tick_one(pk: int, now: dt.datetime, skip_locked: bool) -> int:
    with transaction.atomic():
        instance = (
            _for_update(skip_locked=skip_locked)
            .filter(pk=pk, status=ProcessStatus.RUNNING, next_due_at__lte=now)
            .first()
        )
        if instance is None:
            return 0
        run = _Run(instance)
        run.step()
        created = run.save()
        if not run.fired:
            return 0
        log_event(
            OfficeEvent.PROCESS_TIMER,
            acting_user=None,
            target=instance,
            extra={"timers": run.fired, "tasks": [t.pk for t in created]},
        )
        return 1


def _record_error(pk: int, exc: Exception) -> None:
    message = exc.message if isinstance(exc, OfficeError) else f"{exc.__class__.__name__}: {exc}"
    # The timer stays unfired until the next change of the instance computes it again.
    ProcessInstance.objects.filter(pk=pk).update(error=message[:2000], next_due_at=None)
