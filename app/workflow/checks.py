"""What a deploy checks in the diagrams beyond the XML schema: each problem names the element (id and name),
its line and says in Spanish what an analyst should fix.

Works on the XML (lxml) of the uploaded files; what it needs to know about the application (the registered
operations, the forms available, lane → role, the teams) comes in a ``CheckContext``.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from lxml import etree

from app.errors import DeployError
from app.i18n import _
from app.workflow import dataflow, dmn_checks
from app.workflow.deploy import BPMN_NS, SPIFF_NS, parse_xml
from app.workflow.xmlmodel import (
    DI_NS,
    Q,
    called_decisions,
    decision_ids,
    dmn_tables,
    element_diff,
    executable_process_ids,
    label,
    rule_diff,
    used_forms,
)

__all__ = ["CheckContext", "FormReference", "called_decisions", "decision_ids", "element_diff",
           "executable_process_ids", "broken_flows", "form_references", "problems", "rule_diff", "used_forms"]


@dataclass
class CheckContext:
    operations: dict  # name → handlers.registry.OperationInfo
    forms: dict[str, dict]  # form file name → JSON Schema, every form the upload may use
    lane_roles: dict[str, str]
    teams: set[str]
    problems: list[DeployError] = field(default_factory=list)
    # operation name → its own check of the parameters as written ({name: expression} → Spanish problems)
    operation_checks: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FormReference:
    form: str
    process_id: str
    file: str
    element: str
    name: str
    line: int | None


def _trees(files: dict[str, bytes]) -> dict:
    return {name: parse_xml(name, content) for name, content in sorted(files.items())}


def form_references(files: dict[str, bytes]) -> dict[str, list[FormReference]]:
    """The forms each process's user tasks name (``formJsonSchemaFilename``), by process id."""
    found: dict[str, list[FormReference]] = {}
    for name, tree in _trees(files).items():
        for process in tree.xpath("//bpmn:process", namespaces=Q):
            for prop in process.xpath(".//spiff:property[@name='formJsonSchemaFilename']", namespaces=Q):
                task = _owner(prop)
                found.setdefault(process.get("id"), []).append(FormReference(
                    prop.get("value", ""), process.get("id"), name, task.get("id"), label(task), task.sourceline))
    return found


def _owner(node):
    while node is not None and not (node.get("id") and not str(node.tag).startswith(f"{{{SPIFF_NS}}}")):
        node = node.getparent()
    return node


def broken_flows(files: dict[str, bytes]) -> list[DeployError]:
    """Flows from or to an element the process does not have. Checked before SpiffWorkflow parses the
    diagram, whose own message names the wrong element ("unsupported task type" on the flow's source)."""
    errors = []
    for name, content in sorted(files.items()):
        try:
            tree = parse_xml(name, content)
        except DeployError:
            continue  # the build reports what does not parse
        for process in tree.xpath("//bpmn:process", namespaces=Q):
            ids = {node.get("id") for node in process.iter() if isinstance(node.tag, str) and node.get("id")}
            for flow in process.xpath(".//bpmn:sequenceFlow", namespaces=Q):
                for end, ref in (("source", flow.get("sourceRef")), ("target", flow.get("targetRef"))):
                    if ref not in ids:
                        errors.append(_error(
                            _("The flow «%(flow)s» goes to «%(ref)s», which does not exist in the process "
                              "«%(process)s».", flow=label(flow), ref=ref, process=label(process)) if end == "target"
                            else _("The flow «%(flow)s» starts at «%(ref)s», which does not exist in the process "
                                   "«%(process)s».", flow=label(flow), ref=ref, process=label(process)), name, flow))
    return errors


def problems(files: dict[str, bytes], context: CheckContext) -> list[DeployError]:
    """Every problem of the diagrams and tables of ``files`` (call after ``deploy.build`` accepted them)."""
    trees = _trees(files)
    tables = {}
    for name, tree in trees.items():
        if name.endswith(".dmn"):
            tables.update(dmn_tables(tree, name))
    errors: list[DeployError] = []
    for name, tree in trees.items():
        if name.endswith(".dmn"):
            errors += dmn_checks.problems(name, tree)
            continue
        for process in tree.xpath("//bpmn:process", namespaces=Q):
            errors += _operators(name, process, context)
            errors += _forms(name, process, context)
            errors += _lanes(name, process, context)
            errors += _teams(name, process, context)
            errors += dataflow.problems(name, process, context, tables)
        errors += _shapes(name, tree)
    return errors


def _error(message: str, file: str, node) -> DeployError:
    return DeployError(message, file=file, element=node.get("id", ""), line=node.sourceline,
                       element_name=label(node))


def _operators(file: str, process, context: CheckContext) -> list[DeployError]:
    errors = []
    for operator in process.xpath(".//spiff:serviceTaskOperator", namespaces=Q):
        task, op_name = _owner(operator.getparent()), operator.get("id", "")
        info = context.operations.get(op_name)
        if info is None:
            errors.append(_error(_("The service task «%(task)s» uses the operation «%(op)s», which does not exist. "
                                   "Available operations: %(known)s.", task=label(task), op=op_name,
                                   known=", ".join(sorted(context.operations))), file, task))
            continue
        given = {p.get("id") for p in operator.xpath("spiff:parameters/spiff:parameter", namespaces=Q)}
        known = {p.name for p in info.parameters}
        for extra in sorted(given - known):
            errors.append(_error(_("The service task «%(task)s» passes the parameter «%(param)s», which the "
                                   "operation «%(op)s» does not take (it takes: %(known)s).", task=label(task),
                                   param=extra, op=op_name, known=", ".join(sorted(known)) or "-"), file, task))
        for missing in sorted(p.name for p in info.parameters if p.required and p.name not in given):
            errors.append(_error(_("The service task «%(task)s» does not pass the parameter «%(param)s», which "
                                   "the operation «%(op)s» needs.", task=label(task), param=missing, op=op_name),
                                 file, task))
        own_check = context.operation_checks.get(op_name)
        if own_check is not None:
            expressions = {p.get("id"): p.get("value", "")
                           for p in operator.xpath("spiff:parameters/spiff:parameter", namespaces=Q)}
            errors += [_error(_("The service task «%(task)s»: %(problem)s", task=label(task), problem=problem),
                              file, task) for problem in own_check(expressions)]
    return errors


def _forms(file: str, process, context: CheckContext) -> list[DeployError]:
    return [_error(_("The task «%(task)s» uses the form «%(form)s», which is neither in the upload, nor in "
                     "forms/, nor in the deployed processes.", task=label(_owner(prop)), form=prop.get("value", "")),
                   file, _owner(prop))
            for prop in process.xpath(".//spiff:property[@name='formJsonSchemaFilename']", namespaces=Q)
            if prop.get("value", "") not in context.forms]


_MANUAL = ("userTask", "manualTask")


def _lanes(file: str, process, context: CheckContext) -> list[DeployError]:
    """A lane holding a person's task must map to a role, else nobody would ever see that task."""
    errors = []
    for lane in process.xpath(".//bpmn:lane", namespaces=Q):
        refs = {(r.text or "").strip() for r in lane.xpath("bpmn:flowNodeRef", namespaces=Q)}
        manual = [n for n in process.xpath("./*", namespaces=Q)
                  if n.get("id") in refs and etree.QName(n).localname in _MANUAL]
        if manual and lane.get("name", "") not in context.lane_roles:
            errors.append(_error(_("The lane «%(lane)s» has no role, so nobody could work its task «%(task)s». "
                                   "Lanes with a role: %(known)s.", lane=lane.get("name", ""),
                                   task=label(manual[0]), known=", ".join(sorted(context.lane_roles))), file, lane))
    return errors


def _teams(file: str, process, context: CheckContext) -> list[DeployError]:
    """A candidate team written as a literal code must exist (an expression is only known at run time)."""
    errors = []
    for prop in process.xpath(".//spiff:property[@name='candidateTeam']", namespaces=Q):
        try:
            body = ast.parse(prop.get("value", ""), mode="eval").body
        except SyntaxError:
            continue
        if isinstance(body, ast.Constant) and isinstance(body.value, str) and body.value not in context.teams:
            task = _owner(prop)
            errors.append(_error(_("The task «%(task)s» names the team «%(team)s», which does not exist. Teams: "
                                   "%(known)s.", task=label(task), team=body.value,
                                   known=", ".join(sorted(context.teams)) or "-"), file, task))
    return errors


# Elements that must be drawn: an element without a shape would be invisible in the modeler.
_DRAWN = ("task", "userTask", "serviceTask", "scriptTask", "businessRuleTask", "manualTask", "sendTask",
          "receiveTask", "callActivity", "subProcess", "startEvent", "endEvent", "intermediateCatchEvent",
          "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway", "inclusiveGateway", "parallelGateway",
          "eventBasedGateway", "sequenceFlow")


def _shapes(file: str, tree) -> list[DeployError]:
    drawn = {node.get("bpmnElement") for node in tree.iter(f"{{{DI_NS}}}BPMNShape", f"{{{DI_NS}}}BPMNEdge")}
    errors = []
    for process in tree.xpath("//bpmn:process", namespaces=Q):
        for node in process.iter(*(f"{{{BPMN_NS}}}{tag}" for tag in _DRAWN)):
            if node.get("id") not in drawn:
                errors.append(_error(_("«%(element)s» has no shape in the diagram: open the file in the modeler "
                                       "and draw it (or delete it).", element=label(node)), file, node))
    return errors
