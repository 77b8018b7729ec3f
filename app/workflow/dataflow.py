"""Data-flow check over a diagram: a variable an expression reads must be written by something before it.

What writes: the instance's start (``ticket``, the ticket snapshot), a message's ``messageVariable``, a form
(its top-level fields), a service task (its ``resultVariable``), a business rule task (its table's outputs),
a script (the names it assigns). What reads: gateway conditions, service parameters, task properties,
instructions (Jinja), timers, message payloads, scripts and the inputs of the tables a task calls.

The check is "may": a name is accepted if some path to the reader writes it, so it finds what is never
written before (a misspelt variable) rather than what a particular path forgets. ``ticket`` holds the
snapshot's fields only, and the result of an operation whose results are known holds only those keys:
``ticket["canal"]`` is refused by name.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from jinja2 import Environment, nodes
from lxml import etree

from app.errors import DeployError
from app.i18n import _
from app.models.ticket import SNAPSHOT_FIELDS
from app.workflow.deploy import EXPRESSION_PROPERTIES
from app.workflow.sandbox import restricted_globals
from app.workflow.xmlmodel import Q, label

TICKET = "ticket"
UNKNOWN = "*"  # what a task whose form is unknown writes: anything
_GLOBALS = set(restricted_globals()) | set(restricted_globals()["__builtins__"])
_JINJA = Environment(autoescape=False)
_JINJA_GLOBALS = set(_JINJA.globals) | {"loop", "self", "varargs", "kwargs"}
_READ_PROPERTIES = (*EXPRESSION_PROPERTIES, "excludedUser")
_DICT_METHODS = ("get", "items", "keys", "values")


@dataclass
class Read:
    code: str
    names: set[str]
    keys: list[tuple[str, str]]  # (variable, constant key) read as var["key"], var.get("key"), var.key (Jinja)
    after_writes: bool = False  # a condition on an outgoing flow reads after the element ran


@dataclass
class Node:
    element: object
    writes: set[str] = field(default_factory=set)
    reads: list[Read] = field(default_factory=list)


def problems(file: str, process, context, tables: dict) -> list[DeployError]:
    graph, preds = _graph(process, context, tables)
    available = _available(graph, preds)
    keys = _known_keys(process, context)
    errors = []
    for node_id, node in graph.items():
        for read in node.reads:
            seen = available[node_id] | (node.writes if read.after_writes else set())
            if UNKNOWN in seen:
                continue
            errors += [_unwritten(file, node.element, read.code, name) for name in sorted(read.names - seen - _GLOBALS)]
            for variable, key in read.keys:
                if variable in keys and key not in keys[variable] and variable in seen:
                    errors.append(_unknown_key(file, node.element, read.code, variable, key, keys[variable]))
    return errors


def _unwritten(file, element, code, name) -> DeployError:
    return DeployError(_("«%(element)s» reads the variable «%(name)s» (in %(code)s), but no earlier task, form, "
                         "table or script writes it.", element=label(element), name=name, code=_short(code)),
                       file=file, element=element.get("id", ""), line=element.sourceline, element_name=label(element))


def _unknown_key(file, element, code, variable, key, known) -> DeployError:
    return DeployError(_("«%(element)s» reads %(variable)s[\"%(key)s\"] (in %(code)s), which does not exist. "
                         "%(variable)s has: %(known)s.", element=label(element), variable=variable, key=key,
                         code=_short(code), known=", ".join(sorted(known))),
                       file=file, element=element.get("id", ""), line=element.sourceline, element_name=label(element))


def _short(code: str) -> str:
    code = " ".join(code.split())
    return f"«{code[:80]}…»" if len(code) > 80 else f"«{code}»"


def _known_keys(process, context) -> dict[str, set[str]]:
    """Variables whose keys are known: the ticket snapshot, and results of operations that list theirs."""
    keys = {TICKET: set(SNAPSHOT_FIELDS)}
    for operator in process.xpath(".//spiff:serviceTaskOperator", namespaces=Q):
        info = context.operations.get(operator.get("id", ""))
        variable = operator.get("resultVariable")
        if info is not None and info.results and variable:
            keys.setdefault(variable, set()).update(info.results)
    return keys


def _graph(process, context, tables) -> tuple[dict[str, Node], dict[str, set[str]]]:
    graph: dict[str, Node] = {}
    for element in process:
        if not isinstance(element.tag, str) or not element.get("id"):
            continue
        tag = etree.QName(element).localname
        if tag in ("sequenceFlow", "laneSet"):
            continue
        graph[element.get("id")] = _node(element, tag, context, tables)
    preds: dict[str, set[str]] = {node_id: set() for node_id in graph}
    for flow in process.xpath("bpmn:sequenceFlow", namespaces=Q):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if target in preds and source in graph:
            preds[target].add(source)
            condition = flow.findtext("bpmn:conditionExpression", namespaces=Q)
            if condition and condition.strip():
                graph[source].reads.append(_python_read(condition.strip(), after_writes=True))
    for boundary in process.xpath("bpmn:boundaryEvent", namespaces=Q):
        attached = boundary.get("attachedToRef")
        if attached in graph:  # it may fire before the task wrote anything: it sees what the task saw
            preds[boundary.get("id")] |= preds.get(attached, set())
    return graph, preds


def _available(graph: dict[str, Node], preds: dict[str, set[str]]) -> dict[str, set[str]]:
    starts = {n for n in graph if not preds[n]}
    available = {n: ({TICKET} if n in starts else set()) for n in graph}
    changed = True
    while changed:
        changed = False
        for node_id in graph:
            incoming = set(available[node_id])
            for pred in preds[node_id]:
                incoming |= available[pred] | graph[pred].writes
            if incoming != available[node_id]:
                available[node_id], changed = incoming, True
    return available


def _node(element, tag: str, context, tables) -> Node:
    node = Node(element)
    for variable in element.xpath(".//spiff:messageVariable", namespaces=Q):
        node.writes.add((variable.text or "").strip())
    for script in element.xpath(".//spiff:preScript", namespaces=Q):
        _script(node, script.text or "")
    for prop in element.xpath(".//spiff:property", namespaces=Q):
        if prop.get("name") in _READ_PROPERTIES and prop.get("value"):
            node.reads.append(_python_read(prop.get("value")))
        if prop.get("name") == "formJsonSchemaFilename":
            schema = context.forms.get(prop.get("value", ""))
            if not isinstance(schema, dict):  # an unknown form is reported once, not at every reader after it
                node.writes.add(UNKNOWN)
            else:
                node.writes |= set(schema.get("properties", {}))
    for instructions in element.xpath(".//spiff:instructionsForEndUser", namespaces=Q):
        node.reads.append(_jinja_read(instructions.text or ""))
    for parameter in element.xpath(".//spiff:parameter", namespaces=Q):
        node.reads.append(_python_read(parameter.get("value", "")))
    for timer in element.xpath(".//bpmn:timeDuration | .//bpmn:timeDate | .//bpmn:timeCycle", namespaces=Q):
        node.reads.append(_python_read((timer.text or "").strip()))
    for payload in element.xpath(".//spiff:messagePayload", namespaces=Q):
        node.reads.append(_python_read((payload.text or "").strip()))
    if tag == "scriptTask":
        _script(node, element.findtext("bpmn:script", default="", namespaces=Q))
    for operator in element.xpath(".//spiff:serviceTaskOperator", namespaces=Q):
        node.writes.add(operator.get("resultVariable") or f"spiff__{element.get('id')}_result")
    for called in element.xpath(".//spiff:calledDecisionId", namespaces=Q):
        table = tables.get((called.text or "").strip())
        if table is not None:
            node.reads += [_python_read(code) for _input, code in table.inputs if code]
            node.writes |= set(table.outputs)
    for script in element.xpath(".//spiff:postScript", namespaces=Q):
        _script(node, script.text or "", after=True)
    return node


def _script(node: Node, code: str, after: bool = False) -> None:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return  # the deploy's compile step reports it
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del)}
    read = _read_of(tree, code, after)
    read.names -= assigned
    node.reads.append(read)
    node.writes |= assigned


def _python_read(code: str, after_writes: bool = False) -> Read:
    try:
        tree = ast.parse(code, mode="eval")
    except SyntaxError:
        return Read(code, set(), [])
    return _read_of(tree, code, after_writes)


def _read_of(tree, code: str, after_writes: bool) -> Read:
    bound = set()  # comprehension and lambda variables are local
    for n in ast.walk(tree):
        if isinstance(n, ast.comprehension):
            bound |= {t.id for t in ast.walk(n.target) if isinstance(t, ast.Name)}
        elif isinstance(n, ast.Lambda):
            bound |= {a.arg for a in n.args.args}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound
    keys = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and _string(n.slice):
            keys.append((n.value.id, n.slice.value))
        elif (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get"
              and isinstance(n.func.value, ast.Name) and n.args and _string(n.args[0])):
            keys.append((n.func.value.id, n.args[0].value))
    return Read(code, names, keys, after_writes)


def _string(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _jinja_read(template: str) -> Read:
    try:
        parsed = _JINJA.parse(template)
    except Exception:  # a template error: the task shows it unrendered (app.workflow.index)
        return Read(template, set(), [])
    # Read the parsed tree only: compiling it (jinja2.meta) would fold constants such as 'a' * 10**10 here,
    # outside the evaluator's budget.
    stored = {n.name for n in parsed.find_all(nodes.Name) if n.ctx in ("store", "param")}
    names = {n.name for n in parsed.find_all(nodes.Name) if n.ctx == "load"} - stored - _JINJA_GLOBALS
    keys = [(n.node.name, n.attr) for n in parsed.find_all(nodes.Getattr)
            if isinstance(n.node, nodes.Name) and n.attr not in _DICT_METHODS]
    keys += [(n.node.name, n.arg.value) for n in parsed.find_all(nodes.Getitem)
             if isinstance(n.node, nodes.Name) and isinstance(n.arg, nodes.Const) and isinstance(n.arg.value, str)]
    return Read(template, names, keys)
