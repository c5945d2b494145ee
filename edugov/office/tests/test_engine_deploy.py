"""Deploy-time checks: every refusal names the element at fault; expressions are sandboxed."""

from __future__ import annotations

import pytest
from django.utils import translation

from edugov.core.models import AuditEntry
from edugov.office.errors import ProcessError
from edugov.office.events import OfficeEvent
from edugov.office.models import ProcessDefinition
from edugov.office.workflow import engine, scripting
from edugov.office.workflow.testing import build_office, the_task

pytestmark = pytest.mark.django_db

KEY = "test.simple"


def bpmn(
    *,
    lanes: str = '<bpmn:lane id="l1" name="starter"><bpmn:flowNodeRef>ask</bpmn:flowNodeRef></bpmn:lane>',
    flow_condition: str = "",
    extra: str = "",
    task_attrs: str = "",
    script: str = 'answer = "yes"',
) -> str:
    condition = (
        f"<bpmn:conditionExpression>{flow_condition}</bpmn:conditionExpression>" if flow_condition else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:edugov="urn:edugov:bpmn" id="defs" targetNamespace="urn:test">
  <bpmn:process id="simple" name="简单流程" isExecutable="true">
    <bpmn:laneSet id="lanes">{lanes}</bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask"/>
    <bpmn:userTask id="ask" name="询问" {task_attrs}/>
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" name="判断" default="f4"/>
    <bpmn:sequenceFlow id="f3" name="肯定" sourceRef="gw" targetRef="compute">{
        condition or '<bpmn:conditionExpression>ask_outcome == "yes"</bpmn:conditionExpression>'
    }</bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="end"/>
    <bpmn:scriptTask id="compute" name="计算"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f5" sourceRef="compute" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    {extra}
  </bpmn:process>
</bpmn:definitions>"""


def refused(xml, match):
    before = ProcessDefinition.objects.count()
    with translation.override("en"), pytest.raises(ProcessError) as excinfo:
        engine.deploy(KEY, xml, acting_user=None)
    assert ProcessDefinition.objects.count() == before
    assert match in excinfo.value.message, excinfo.value.message
    return excinfo.value


def test_a_valid_definition_is_stored_and_audited():
    definition = engine.deploy(KEY, bpmn(), acting_user=None, name="Simple")
    assert (definition.key, definition.version, definition.process_id) == (KEY, 1, "simple")
    assert definition.name == "Simple"
    assert not definition.is_builtin
    assert AuditEntry.objects.filter(
        event_type=OfficeEvent.PROCESS_DEPLOYED, target_id=str(definition.pk)
    ).exists()
    second = engine.deploy(KEY, bpmn(script='answer = "no"'), acting_user=None)
    assert second.version == 2
    assert second.name == "简单流程"


def test_task_without_lane_is_named():
    lanes = '<bpmn:lane id="l1" name="starter"><bpmn:flowNodeRef>start</bpmn:flowNodeRef></bpmn:lane>'
    error = refused(bpmn(lanes=lanes), 'Element "ask" (询问): it is in no lane.')
    assert error.details["element_id"] == "ask"


def test_invalid_lane_name_is_named():
    lanes = (
        '<bpmn:lane id="l1" name="office.document.fly"><bpmn:flowNodeRef>ask</bpmn:flowNodeRef></bpmn:lane>'
    )
    refused(
        bpmn(lanes=lanes), 'Element "l1" (office.document.fly): the lane "office.document.fly" is neither'
    )
    lanes = '<bpmn:lane id="l2" name="no_such_role"><bpmn:flowNodeRef>ask</bpmn:flowNodeRef></bpmn:lane>'
    refused(bpmn(lanes=lanes), 'Element "l2" (no_such_role)')


def test_role_code_and_permission_lanes_are_accepted():
    lanes = (
        '<bpmn:lane id="l1" name="bureau_leader"><bpmn:flowNodeRef>ask</bpmn:flowNodeRef></bpmn:lane>'
        '<bpmn:lane id="l2" name="office.document.review">'
        "<bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>"
    )
    assert engine.deploy(KEY, bpmn(lanes=lanes), acting_user=None).version == 1


def test_bad_condition_is_named():
    refused(bpmn(flow_condition="ask_outcome ==="), 'Element "f3" (肯定): the condition is not allowed')


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('touch /tmp/pwned')",
        "ask_outcome.__class__.__mro__",
        "().__class__.__bases__[0].__subclasses__()",
        "_secret",
    ],
)
def test_unsafe_condition_is_refused_at_deploy(expression):
    error = refused(bpmn(flow_condition=expression), 'Element "f3" (肯定): the condition is not allowed')
    assert "_" in error.message


def test_unsafe_script_is_refused_at_deploy():
    refused(bpmn(script="import os\nos.system('id')"), 'Element "compute" (计算): the script is not allowed')
    refused(bpmn(script="x = answer.__class__"), 'Element "compute" (计算): the script is not allowed')
    refused(bpmn(script="x = (1"), 'Element "compute" (计算): the script is not allowed')


def test_unsafe_expressions_never_run():
    env = scripting.RestrictedEnvironment()
    for expression in ("__import__('os')", "x.__class__", "open('/etc/passwd')"):
        with pytest.raises((scripting.UnsafeExpression, NameError)):
            env.evaluate(expression, {"x": 1})
    # Formatting cannot reach attributes either; open and eval are not there.
    with pytest.raises(NotImplementedError):
        env.evaluate("'{0.__class__}'.format(x)", {"x": 1})
    with pytest.raises(scripting.UnsafeExpression):
        env.evaluate("eval('1')", {})
    assert env.evaluate("len(items) > 1 and max(items) == 3", {"items": [1, 3]}) is True
    context = {"items": [1, 2]}
    env.execute("total = sum(items)\nitems = sorted(items, reverse=True)", context)
    assert context == {"items": [2, 1], "total": 3}


def test_malformed_xml_gives_the_line():
    error = refused(bpmn().replace('<bpmn:endEvent id="end"/>', '<bpmn:endEvent id="end">'), "(line 17)")
    assert "not well-formed XML" in error.message
    assert error.details["line"] == 17


def test_doctype_and_entities_are_refused():
    xml = (
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        + bpmn().split("?>", 1)[1]
    )
    refused(xml, "document type declaration")


def test_exactly_one_executable_process():
    xml = bpmn().replace(
        "</bpmn:definitions>", '<bpmn:process id="second" isExecutable="true"/></bpmn:definitions>'
    )
    refused(xml, "exactly one executable process; this one has 2")
    refused(bpmn().replace('isExecutable="true"', 'isExecutable="false"'), "this one has 0")


def test_bad_timer_value_is_named():
    extra = (
        '<bpmn:boundaryEvent id="late" name="超时" attachedToRef="ask" cancelActivity="false">'
        '<bpmn:timerEventDefinition><bpmn:timeDuration>"P3X"</bpmn:timeDuration></bpmn:timerEventDefinition>'
        "</bpmn:boundaryEvent>"
    )
    refused(bpmn(extra=extra), 'Element "late" (超时): the timer value')
    unsafe = extra.replace('"P3X"', "__import__('os')")
    refused(bpmn(extra=unsafe), 'Element "late" (超时): the timer expression is not allowed')
    good = extra.replace('"P3X"', '"P3D"')
    assert engine.deploy(KEY, bpmn(extra=good), acting_user=None).version == 1


def test_spiffworkflow_errors_name_the_element():
    xml = bpmn().replace('default="f4"', "")
    refused(xml, 'Element "f4"')


def test_schema_errors_name_the_element():
    refused(bpmn(task_attrs='bogus="1"'), 'Element "ask" (询问): it does not follow the BPMN 2.0 schema')


def test_bad_due_working_days_and_chases():
    refused(bpmn(task_attrs='edugov:dueWorkingDays="three"'), 'Element "ask" (询问): dueWorkingDays')
    refused(bpmn(task_attrs='edugov:chases="nothing"'), 'it chases "nothing"')


def test_unsupported_elements_are_refused():
    extra = '<bpmn:serviceTask id="call" name="调用"/>'
    refused(bpmn(extra=extra), 'Element "call" (调用): serviceTask is not supported')


def test_a_deployed_definition_runs_with_its_script(tree):
    office = build_office(tree)
    engine.deploy(KEY, bpmn(script='answer = "computed " + str(len(get("items", [])))'), acting_user=None)
    instance = engine.start(
        KEY, organization=tree.province, acting_user=office.drafter, title="t", data={"items": [1, 2]}
    )
    engine.complete(the_task(instance, "ask"), acting_user=office.drafter, outcome="yes")
    instance.refresh_from_db()
    assert instance.status == "completed"
    assert instance.data["answer"] == "computed 2"


def test_a_failing_expression_at_run_time_rolls_back(tree):
    office = build_office(tree)
    engine.deploy(KEY, bpmn(flow_condition="missing_variable == 1"), acting_user=None)
    instance = engine.start(KEY, organization=tree.province, acting_user=office.drafter, title="t")
    task = the_task(instance, "ask")
    with translation.override("en"), pytest.raises(ProcessError, match='Step "gw"'):
        engine.complete(task, acting_user=office.drafter, outcome="yes")
    task.refresh_from_db()
    assert task.status == "open"
