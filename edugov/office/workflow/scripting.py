"""The script engine of the office's processes: RestrictedPython, never plain ``eval``.

Every gateway condition, script task and timer expression of a BPMN definition is compiled
with ``compile_restricted`` (at deploy time, so an unsafe definition is refused before it
is stored) and evaluated with guarded attribute/item/iteration access and a short list of
safe built-ins. There are no imports, no names or attributes starting with ``_``, no
``print``, no ``open``.

Names an expression may use, besides the process data (each key of the task's data is a
variable):

* ``len min max sum any all sorted abs round int float str bool list dict set tuple
  range enumerate zip isinstance`` and the literals ``True False None``;
* ``get(name, default=None)`` — the process variable ``name`` or ``default`` when it is not
  set (a missing variable used directly is an error that stops the process);
* ``now()`` (aware, Asia/Shanghai), ``today()``, ``date(y, m, d)``, ``timedelta(...)``;
* ``add_working_days(date, n)`` — the date n working days after ``date`` (the work calendar);
* ``due_at(step, working_days)`` — an ISO datetime for a timer (``timeDate``): the process
  data ``due[step]`` (ISO datetime) or ``<step>_due`` (ISO date or datetime) when set, else
  the end of the working day ``working_days`` working days from today.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from django.utils import timezone
from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

# Tasks are due at the end of the working day (local time).
END_OF_WORKING_DAY = dt.time(18, 0)


class UnsafeExpression(ValueError):
    """The expression does not compile under RestrictedPython (the message says why)."""


def _safe_builtins() -> dict[str, Any]:
    names = {
        "None": None,
        "True": True,
        "False": False,
        "len": len,
        "min": min,
        "max": max,
        "sum": sum,
        "any": any,
        "all": all,
        "sorted": sorted,
        "abs": abs,
        "round": round,
        "int": int,
        "float": float,
        "str": str,
        "bool": bool,
        "dict": dict,
        "set": set,
        "frozenset": frozenset,
        "tuple": tuple,
        "enumerate": enumerate,
        "zip": zip,
        "isinstance": isinstance,
        "range": limited_builtins["range"],
        "list": limited_builtins["list"],
        "ValueError": ValueError,
        "KeyError": KeyError,
    }
    return names


_BUILTINS = _safe_builtins()


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    # ``x += y`` and friends on plain values.
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "+=": lambda a, b: a + b,
        "-=": lambda a, b: a - b,
        "*=": lambda a, b: a * b,
        "|=": lambda a, b: a | b,
        "&=": lambda a, b: a & b,
    }
    if op not in ops:
        raise UnsafeExpression(f"operator {op} is not allowed")
    return ops[op](x, y)


_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "__name__": "edugov_process",
    "__metaclass__": type,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
}


def _refuse_imports(source: str, mode: str) -> None:
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError:
        return  # RestrictedPython reports it, with the line
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            raise UnsafeExpression(f"Line {node.lineno}: imports are not allowed.")


@lru_cache(maxsize=2048)
def compile_expression(source: str) -> Any:
    """Compiled code of an expression; raises UnsafeExpression with the reasons."""
    result = compile_restricted_eval(source.strip(), filename="<expression>")
    if result.errors or result.code is None:
        raise UnsafeExpression("; ".join(result.errors) or "does not compile")
    return result.code


@lru_cache(maxsize=512)
def compile_script(source: str) -> Any:
    """Compiled code of a script task; raises UnsafeExpression with the reasons."""
    _refuse_imports(source, "exec")
    result = compile_restricted_exec(source, filename="<script>")
    if result.errors or result.code is None:
        raise UnsafeExpression("; ".join(result.errors) or "does not compile")
    return result.code


# --- helpers visible to expressions ----------------------------------------------------


def end_of_working_day(date: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date, END_OF_WORKING_DAY))


def working_days_from_today(n: int) -> dt.datetime:
    """End of the working day ``n`` working days after today (today when n is 0)."""
    from edugov.core.calendar import add_working_days

    today = timezone.localdate()
    return end_of_working_day(add_working_days(today, int(n)).result if n else today)


def parse_due(value: Any) -> dt.datetime | None:
    """An ISO date (end of that day) or datetime (naive ones are local time), else None."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return end_of_working_day(value)
    if not isinstance(value, str) or not value:
        return None
    try:
        if "T" in value or " " in value.strip():
            parsed = dt.datetime.fromisoformat(value)
            return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        return end_of_working_day(dt.date.fromisoformat(value))
    except ValueError:
        return None


def due_for(data: Mapping[str, Any], step: str, working_days: int | None) -> dt.datetime | None:
    """When a step is due: data ``due[step]``, else data ``<step>_due``, else working days."""
    due = data.get("due")
    if isinstance(due, Mapping) and (parsed := parse_due(due.get(step))) is not None:
        return parsed
    if (parsed := parse_due(data.get(f"{step}_due"))) is not None:
        return parsed
    if working_days is None:
        return None
    return working_days_from_today(working_days)


def _helpers(context: Mapping[str, Any]) -> dict[str, Any]:
    from edugov.core.calendar import add_working_days

    def get(name: str, default: Any = None) -> Any:
        return context.get(name, default)

    def due_at(step: str, working_days: int = 3) -> str:
        return due_for(context, step, working_days).isoformat()  # type: ignore[union-attr]

    return {
        "get": get,
        "due_at": due_at,
        "now": timezone.localtime,
        "today": timezone.localdate,
        "date": dt.date,
        "timedelta": dt.timedelta,
        "add_working_days": lambda date, n: add_working_days(date, int(n)).result,
    }


HELPER_NAMES = frozenset(_helpers({}))


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's script environment, with RestrictedPython doing the evaluation."""

    def _globals(self, context: Mapping[str, Any], external_context: Mapping[str, Any] | None) -> dict:
        glb = dict(_GUARDS)
        glb.update(_helpers(context))
        glb.update(external_context or {})
        glb.update(context)
        return glb

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = compile_expression(expression)
        return eval(code, self._globals(context, external_context))  # noqa: S307 - RestrictedPython code

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = compile_script(script)
        glb = self._globals(copy.deepcopy(context), external_context)
        reserved = (set(_GUARDS) | HELPER_NAMES | set(external_context or {})) - set(context)
        exec(code, glb)  # noqa: S102 - RestrictedPython code
        for key in [k for k in context if k not in glb]:
            del context[key]
        for key, value in glb.items():
            if key in reserved or key.startswith("_") or callable(value):
                continue
            context[key] = value
        return True

    def call_service(self, context: dict, **kwargs: Any) -> Any:
        raise NotImplementedError("service tasks are not supported")


class RestrictedScriptEngine(PythonScriptEngine):
    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression: str) -> None:
        compile_expression(expression)


SCRIPT_ENGINE = RestrictedScriptEngine()
