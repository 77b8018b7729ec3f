"""The restricted engine analysts' Python runs in: conditions, scripts, DMN cells, timers, parameters.

RestrictedPython rewrites the code at compile time (no names or attributes starting with ``_``, no
imports) and every attribute, item and iteration goes through a guard. Only the helpers below and a
small set of builtins are reachable. Compiled code is cached per expression: it is immutable.

The code runs in a separate evaluator process under a CPU-time and memory budget
(``app/workflow/sandbox_process.py``): an endless loop or a gigabyte allocation fails that one step as a
workflow error and takes nothing else down.
"""
from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment
from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_globals
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

from app import clock
from app.workflow import sandbox_process

_JINJA = SandboxedEnvironment(autoescape=False)  # plain text; pages escape it when they show it


def _add_hours(iso: str, hours: float) -> str:
    return (datetime.fromisoformat(iso) + timedelta(hours=hours)).astimezone(UTC).isoformat()


def _hours_between(start_iso: str, end_iso: str) -> float:
    delta = datetime.fromisoformat(end_iso) - datetime.fromisoformat(start_iso)
    return round(delta.total_seconds() / 3600, 2)


# The only functions analysts' code may call besides the safe builtins, and ``now`` (the application clock's
# time when the evaluation was asked for: see ``restricted_globals``).
HELPERS = {"add_hours": _add_hours, "hours_between": _hours_between}

_INPLACE = {
    "+=": lambda x, y: x + y,
    "-=": lambda x, y: x - y,
    "*=": lambda x, y: x * y,
    "/=": lambda x, y: x / y,
}


def _inplacevar(op, x, y):
    try:
        return _INPLACE[op](x, y)
    except KeyError:
        raise SyntaxError(f"operator {op} is not allowed") from None


def restricted_globals(now_iso: str | None = None) -> dict:
    builtins = dict(safe_globals["__builtins__"])
    builtins.update(limited_builtins)
    builtins.update(dict=dict, list=list, sorted=sorted, min=min, max=max, sum=sum, any=any, all=all,
                    enumerate=enumerate)
    g = dict(safe_globals)
    g.update(
        __builtins__=builtins,
        _getattr_=safer_getattr,
        _getitem_=default_guarded_getitem,
        _getiter_=default_guarded_getiter,
        _iter_unpack_sequence_=guarded_iter_unpack_sequence,
        _unpack_sequence_=guarded_unpack_sequence,
        _write_=full_write_guard,
        _inplacevar_=_inplacevar,
    )
    g.update(HELPERS)
    g["now"] = lambda: now_iso
    return g


class RestrictedCodeError(SyntaxError):
    """Code the restricted compiler refuses; ``lineno`` is set for SpiffWorkflow's error reporting."""

    def __init__(self, errors: tuple[str, ...] | list[str]):
        super().__init__("; ".join(errors))
        self.lineno = 1


@lru_cache(maxsize=4096)
def compile_expression(expression: str):
    result = compile_restricted_eval(expression)
    if result.errors:
        raise RestrictedCodeError(result.errors)
    return result.code


# Expressions made only of these nodes loop over nothing and grow nothing faster than the task data they read
# (a gateway condition, a DMN cell, a task property, a service task's parameter), so they are evaluated here,
# without the round trip to the evaluator process. Of arithmetic only ``+`` (a sum or a concatenation is at
# most as long as its operands together), of calls only ``str(x)`` (as long as x printed).
_BOUNDED_NODES = (ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Subscript, ast.Slice, ast.Attribute,
                  ast.Compare, ast.cmpop, ast.BoolOp, ast.boolop, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
                  ast.IfExp, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Add)


def _bounded_node(node: ast.AST) -> bool:
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Add)
    if isinstance(node, ast.Call):
        return (isinstance(node.func, ast.Name) and node.func.id == "str" and len(node.args) == 1
                and not node.keywords and not isinstance(node.args[0], ast.Starred))
    return isinstance(node, _BOUNDED_NODES)


@lru_cache(maxsize=4096)
def is_bounded(expression: str) -> bool:
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return False
    return all(_bounded_node(node) for node in ast.walk(tree))


@lru_cache(maxsize=256)
def template(source: str):
    return _JINJA.from_string(source)


# Likewise a template made only of text, values read from the data, comparisons and ``if`` (no filter, call,
# loop or arithmetic) is rendered here.
_BOUNDED_TEMPLATE_NODES = (nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Const,
                           nodes.If, nodes.CondExpr, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not)


@lru_cache(maxsize=256)
def is_bounded_template(source: str) -> bool:
    try:
        tree = _JINJA.parse(source)
    except TemplateSyntaxError:
        return False
    return all(isinstance(node, _BOUNDED_TEMPLATE_NODES) for node in tree.find_all(nodes.Node))


@lru_cache(maxsize=1024)
def compile_script(script: str):
    # RestrictedPython compiles imports and fails them only when run: refuse them up front.
    try:
        tree = ast.parse(script)
    except SyntaxError as err:
        raise RestrictedCodeError([f"Line {err.lineno}: {err.msg}"]) from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            raise RestrictedCodeError([f"Line {node.lineno}: imports are not allowed"])
    result = compile_restricted_exec(script)
    if result.errors:
        raise RestrictedCodeError(result.errors)
    return result.code


class RestrictedEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's script environment, evaluating in the budgeted evaluator process.

    Code is compiled here first (a refused construct fails with its line before anything runs); the task
    data goes to the evaluator and, after a script, the evaluator's version of it replaces ``context``, so
    a failed script leaves the task data as it was.
    """

    def __init__(self):
        super().__init__(restricted_globals())

    def evaluate(self, expression, context, external_context=None):
        code = compile_expression(expression)
        now_iso = clock.now().isoformat()
        if not is_bounded(expression):
            return sandbox_process.run("eval", expression, context, external_context or {}, now_iso)
        scope = restricted_globals(now_iso)
        scope.update(external_context or {})
        scope.update(context)
        value = eval(code, scope)  # noqa: S307 - restricted code object, bounded by the data it reads
        sandbox_process.require_serializable("result", value)
        return value

    def execute(self, script, context, external_context=None):
        compile_script(script)
        self.check_for_overwrite(context, external_context or {})
        data = sandbox_process.run("exec", script, context, external_context or {}, clock.now().isoformat())
        context.clear()
        context.update(data)
        return True


def render_template(source: str, context: dict) -> str:
    """A task's instructions (sandboxed Jinja), rendered in the budgeted evaluator process."""
    if is_bounded_template(source):
        return template(source).render(**context)
    return sandbox_process.run("render", source, context, {}, clock.now().isoformat())
