"""Reading, checking and parsing BPMN definitions (see ``engine`` for the lane rules).

``validate(xml)`` refuses a definition with a ``ProcessError`` whose message names the
element at fault (id and name) and says what is wrong; ``spec_for(definition)`` parses a
stored version once per process and keeps the SpiffWorkflow spec in memory.

Attributes of our own (namespace ``urn:edugov:bpmn``, prefix ``edugov``) on a userTask:

* ``edugov:outcomes="pass return"`` — the outcomes the step accepts (space separated);
  ``complete()`` refuses any other. Without it any outcome is accepted.
* ``edugov:dueWorkingDays="3"`` — the task is due at the end of the working day three
  working days after it opens (process data ``due[step]`` or ``<step>_due`` override it).
* ``edugov:chases="signoff"`` — a reminder step (催办) opened by a timer on ``signoff``: it is
  cancelled by the engine as soon as ``signoff`` is no longer waiting.
"""

from __future__ import annotations

import ast
import hashlib
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn.parser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.exceptions import SpiffWorkflowException

from edugov.office.errors import ProcessError
from edugov.office.workflow.scripting import UnsafeExpression, compile_expression, compile_script

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
EDUGOV_NS = "urn:edugov:bpmn"
NS = {"bpmn": BPMN_NS}
STARTER_LANE = "starter"
MAX_XML_BYTES = 2 * 1024 * 1024

# Elements the engine cannot run: refused at deploy time rather than failing later.
UNSUPPORTED = ("callActivity", "serviceTask", "sendTask", "receiveTask")


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def _local(tag: Any) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


@dataclass(frozen=True)
class StepInfo:
    """A userTask of a definition, as the pages and the engine need it."""

    id: str
    name: str
    lane: str
    outcomes: tuple[str, ...] = ()
    due_working_days: int | None = None
    chases: str = ""
    multi_instance: bool = False
    element_variable: str = ""


@dataclass
class DefinitionInfo:
    process_id: str
    name: str
    steps: dict[str, StepInfo] = field(default_factory=dict)
    lanes: list[str] = field(default_factory=list)


def sha256(xml: str) -> str:
    return hashlib.sha256(xml.encode("utf-8")).hexdigest()


def as_text(xml: str | bytes) -> str:
    if isinstance(xml, bytes):
        try:
            return xml.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProcessError(_("The file is not UTF-8 encoded XML.")) from None
    return xml


def element_error(node: Any, problem: str) -> ProcessError:
    """A refusal naming the element: ``Element "review" (核稿): it is in no lane.``"""
    element_id = node.get("id", "") if node is not None else ""
    name = (node.get("name", "") if node is not None else "") or _local(getattr(node, "tag", "")) or "-"
    message = _('Element "%(id)s" (%(name)s): %(problem)s') % {
        "id": element_id,
        "name": name,
        "problem": problem,
    }
    line = getattr(node, "sourceline", None)
    return ProcessError(message, element_id=element_id, line=line)


def _parser() -> etree.XMLParser:
    # No entities, no DTDs, no network: a definition is data, never a way to read files.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def parse_xml(text: str) -> Any:
    """The root element of a well-formed document, or a ProcessError with the line."""
    data = text.encode("utf-8")
    if len(data) > MAX_XML_BYTES:
        raise ProcessError(_("The file is too large for a process definition (2 MB at most)."))
    try:
        root = etree.fromstring(data, parser=_parser())  # noqa: S320 - hardened parser, no entities
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        raise ProcessError(
            _("The file is not well-formed XML (line %(line)s): %(error)s")
            % {"line": line, "error": exc.msg},
            line=line,
        ) from None
    if root.getroottree().docinfo.doctype:
        raise ProcessError(_("The file must not contain a document type declaration (DOCTYPE)."))
    if root.tag != _q("definitions"):
        raise ProcessError(
            _("The file is not a BPMN 2.0 document: its root element must be bpmn:definitions.")
        )
    return root


_validator_lock = threading.Lock()


@lru_cache(maxsize=1)
def _xsd_validator() -> BpmnValidator:
    return BpmnValidator()


def _check_schema(root: Any) -> None:
    with _validator_lock:
        validator = _xsd_validator()
        if validator.validator.validate(root):
            return
        error = validator.validator.error_log.last_error
    node = _node_at_line(root, error.line)
    problem = _("it does not follow the BPMN 2.0 schema (line %(line)s): %(error)s") % {
        "line": error.line,
        "error": error.message,
    }
    if node is not None and node.get("id"):
        raise element_error(node, problem)
    raise ProcessError(problem, line=error.line)


def _node_at_line(root: Any, line: int) -> Any:
    found = None
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.sourceline == line:
            return node
        if node.sourceline is not None and node.sourceline < line:
            found = node
    return found


def _check_code(node: Any, source: str | None, *, kind: str, script: bool = False) -> None:
    if not source or not source.strip():
        raise element_error(node, _("the %(kind)s is empty.") % {"kind": kind})
    try:
        compile_script(source) if script else compile_expression(source)
    except UnsafeExpression as exc:
        raise element_error(
            node, _("the %(kind)s is not allowed: %(error)s") % {"kind": kind, "error": exc}
        ) from None


def _check_timer(event: Any, timer: Any) -> None:
    exprs = [timer.find(_q(tag)) for tag in ("timeDate", "timeDuration", "timeCycle")]
    present = [(e, _local(e.tag)) for e in exprs if e is not None]
    if len(present) != 1:
        raise element_error(event, _("a timer needs exactly one of timeDate, timeDuration or timeCycle."))
    expr, tag = present[0]
    _check_code(event, expr.text, kind=_("timer expression"))
    # A literal ("P3D", "2025-11-21T18:00:00+08:00") is checked now; a computed one when it runs.
    try:
        value = ast.literal_eval(expr.text.strip())
    except (ValueError, SyntaxError):
        return
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        if tag == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        elif tag == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            TimerEventDefinition.parse_time_or_duration(value)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises bare Exception for a bad ISO 8601 value
        raise element_error(
            event,
            _("the timer value %(value)r is not an ISO 8601 date, duration or cycle.") % {"value": value},
        ) from None


def lane_is_valid(lane: str) -> bool:
    from edugov.core.models import Role
    from edugov.core.roles import ACTIONS, BUILTIN_ROLES

    if lane == STARTER_LANE:
        return True
    if "." in lane:
        return lane in ACTIONS
    return any(r.code == lane for r in BUILTIN_ROLES) or Role.objects.filter(code=lane).exists()


def _lane_problem(name: str) -> str | None:
    if not name:
        return _("the lane has no name; name it after a role or a permission.")
    if len(name) > 48:
        return _("the lane name is longer than 48 characters.")
    if not lane_is_valid(name):
        return _(
            'the lane "%(lane)s" is neither "starter", a registered permission '
            "(like office.document.review) nor a role code."
        ) % {"lane": name}
    return None


def _due_days(node: Any, *, check: bool) -> int | None:
    due = node.get(f"{{{EDUGOV_NS}}}dueWorkingDays")
    if due is None:
        return None
    try:
        days = int(due)
        if not 0 <= days <= 366:
            raise ValueError(due)
    except ValueError:
        if not check:
            return None
        raise element_error(
            node, _("dueWorkingDays must be a whole number of working days (0 to 366).")
        ) from None
    return days


def _steps(process: Any, *, check: bool = True) -> tuple[dict[str, StepInfo], list[str]]:
    """The user tasks and lane names; ``check`` refuses bad lanes and attributes (off for
    stored versions, whose roles may have been deleted since they were uploaded)."""
    lanes: dict[str, str] = {}
    lane_names: list[str] = []
    for lane in process.iter(_q("lane")):
        name = (lane.get("name") or "").strip()
        if check and (problem := _lane_problem(name)):
            raise element_error(lane, problem)
        if name not in lane_names:
            lane_names.append(name)
        for ref in lane.findall(_q("flowNodeRef")):
            if ref.text:
                lanes[ref.text.strip()] = name
    steps: dict[str, StepInfo] = {}
    for node in process.iter(_q("userTask"), _q("manualTask")):
        step_id = node.get("id", "")
        if check and step_id not in lanes:
            raise element_error(node, _("it is in no lane."))
        if check and len(step_id) > 120:
            raise element_error(node, _("the id is longer than 120 characters."))
        mi = node.find(_q("multiInstanceLoopCharacteristics"))
        item = mi.find(_q("inputDataItem")) if mi is not None else None
        steps[step_id] = StepInfo(
            id=step_id,
            name=node.get("name") or step_id,
            lane=lanes.get(step_id, ""),
            outcomes=tuple((node.get(f"{{{EDUGOV_NS}}}outcomes") or "").split()),
            due_working_days=_due_days(node, check=check),
            chases=node.get(f"{{{EDUGOV_NS}}}chases") or "",
            multi_instance=mi is not None,
            element_variable=(item.get("name") or item.get("id") or "") if item is not None else "",
        )
        chases = steps[step_id].chases
        if check and chases and process.find(f".//{_q('userTask')}[@id='{chases}']") is None:
            raise element_error(node, _('it chases "%(step)s", which is no user task.') % {"step": chases})
    return steps, lane_names


def _check_expressions(process: Any) -> None:
    for tag in UNSUPPORTED:
        for node in process.iter(_q(tag)):
            raise element_error(node, _("%(element)s is not supported by this engine.") % {"element": tag})
    for flow in process.iter(_q("sequenceFlow")):
        cond = flow.find(_q("conditionExpression"))
        if cond is not None:
            _check_code(flow, cond.text, kind=_("condition"))
    for task in process.iter(_q("scriptTask")):
        script = task.find(_q("script"))
        _check_code(task, script.text if script is not None else None, kind=_("script"), script=True)
    for mi in process.iter(_q("multiInstanceLoopCharacteristics")):
        owner = mi.getparent()
        for tag, kind in (
            ("loopCardinality", _("cardinality")),
            ("completionCondition", _("completion condition")),
        ):
            node = mi.find(_q(tag))
            if node is not None:
                _check_code(owner, node.text, kind=kind)
    for loop in process.iter(_q("standardLoopCharacteristics")):
        node = loop.find(_q("loopCondition"))
        if node is not None:
            _check_code(loop.getparent(), node.text, kind=_("loop condition"))
    for timer in process.iter(_q("timerEventDefinition")):
        _check_timer(timer.getparent(), timer)
    for cond in process.iter(_q("conditionalEventDefinition")):
        node = cond.find(_q("condition"))
        _check_code(cond.getparent(), node.text if node is not None else None, kind=_("condition"))


def _executable_process(root: Any) -> Any:
    processes = root.findall(_q("process"))
    executable = [p for p in processes if p.get("isExecutable", "true") != "false"]
    if len(executable) != 1:
        raise ProcessError(
            _("A definition must contain exactly one executable process; this one has %(count)s.")
            % {"count": len(executable)}
        )
    return executable[0]


def _spiff_error(root: Any, exc: Exception) -> ProcessError:
    node = None
    element_id = getattr(exc, "id", "") or ""
    if element_id:
        node = root.find(f".//*[@id='{element_id}']") if "'" not in element_id else None
    message = str(exc.args[0]) if exc.args else exc.__class__.__name__
    if node is not None:
        return element_error(node, message)
    line = getattr(exc, "line_number", None)
    return ProcessError(_("The definition cannot be run: %(error)s") % {"error": message}, line=line)


def _parse_specs(root: Any, process_id: str) -> tuple[Any, dict[str, Any]]:
    parser = BpmnParser()
    try:
        parser.add_bpmn_xml(root)
        spec = parser.get_spec(process_id)
        subprocesses = parser.get_subprocess_specs(process_id)
    except (ValidationException, SpiffWorkflowException) as exc:
        raise _spiff_error(root, exc) from None
    for each in (spec, *subprocesses.values()):
        _connect_loops(each)
    return spec, subprocesses


def _connect_loops(spec: Any) -> None:
    # The serializer does this when it restores a spec; specs parsed from XML need it too, or a
    # restored multi-instance task would never hear that its children completed.
    for task_spec in list(spec.task_specs.values()):
        if isinstance(task_spec, LoopTask) and task_spec.task_spec:
            child = spec.task_specs.get(task_spec.task_spec)
            if child is not None and not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)


def validate(xml: str | bytes) -> tuple[str, DefinitionInfo]:
    """Check a definition; returns its text and a summary, or raises ProcessError."""
    text = as_text(xml)
    root = parse_xml(text)
    process = _executable_process(root)
    _check_schema(root)
    process_id = process.get("id", "")
    if not process_id:
        raise element_error(process, _("the process has no id."))
    if len(process_id) > 120:
        raise element_error(process, _("the id is longer than 120 characters."))
    steps, lanes = _steps(process)
    if not steps:
        raise element_error(process, _("the process has no user task, so nobody would ever act on it."))
    _check_expressions(process)
    _parse_specs(root, process_id)
    info = DefinitionInfo(
        process_id=process_id, name=process.get("name") or process_id, steps=steps, lanes=lanes
    )
    return text, info


# --- parsed specs, per stored version ------------------------------------------------------


@dataclass
class ParsedDefinition:
    spec: Any
    subprocess_specs: dict[str, Any]
    info: DefinitionInfo


# Keyed by (id, sha256): an id alone could come back after a rolled-back transaction.
_cache: dict[tuple[int, str], ParsedDefinition] = {}
_cache_lock = threading.Lock()


def parsed(definition: Any) -> ParsedDefinition:
    """The parsed spec of a stored version (versions never change, so the cache never goes stale)."""
    key = (definition.pk, definition.sha256)
    hit = _cache.get(key)
    if hit is not None:
        return hit
    root = parse_xml(definition.bpmn_xml)
    process = _executable_process(root)
    steps, lanes = _steps(process, check=False)
    spec, subprocesses = _parse_specs(root, definition.process_id)
    info = DefinitionInfo(
        process_id=definition.process_id,
        name=process.get("name") or definition.process_id,
        steps=steps,
        lanes=lanes,
    )
    result = ParsedDefinition(spec, subprocesses, info)
    with _cache_lock:
        _cache.setdefault(key, result)
    return _cache[key]


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
