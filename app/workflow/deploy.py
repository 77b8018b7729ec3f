"""Parse, validate and compile a set of BPMN/DMN files into deployable process specs.

Nothing here touches the database: ``app.services.processes.process_service`` stores what this returns.
Every problem becomes a ``DeployError`` naming the file, the element id, its line and the problem.
"""
from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent

from app.errors import DeployError
from app.i18n import _
from app.workflow.engine import new_parser, serialize_spec
from app.workflow.sandbox import compile_expression, compile_script

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20240513/MODEL/",
)
# Task properties whose values are Python expressions (docs/architecture.md).
EXPRESSION_PROPERTIES = ("candidateTeam", "assignee", "dueAt")

_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass
class DeployableProcess:
    process_id: str
    name: str
    source_file: str
    sources: dict[str, str]
    spec_json: str
    content_hash: str
    start_message: str | None


class DeployErrors(DeployError):
    """Every problem found in one deploy, so an analyst fixes them all in one go."""

    status = 422

    def __init__(self, errors: list[DeployError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.all = errors
        self.errors = {}
        for error in errors:
            where = ", ".join(filter(None, (error.line and _("line %(n)s", n=error.line),
                                            error.element and _("element %(id)s", id=error.element))))
            self.errors.setdefault(error.file or "-", []).append(f"{where}: {error.message}" if where
                                                                 else error.message)

    def __str__(self) -> str:
        return self.message


def build(files: dict[str, bytes]) -> list[DeployableProcess]:
    """Validate ``{file name: content}`` (.bpmn and .dmn) and return one entry per executable process."""
    trees, errors = {}, []
    for name, content in sorted(files.items()):
        try:
            trees[name] = parse_xml(name, content)
            _require_kind(name, trees[name])
        except DeployError as err:
            errors.append(err)
    if errors:
        raise DeployErrors(errors)

    parser = new_parser(validate=True)
    for name, tree in trees.items():
        try:
            if name.endswith(".dmn"):
                parser.add_dmn_xml(tree.getroot(), filename=name)
            else:
                parser.add_bpmn_xml(tree, filename=name)
        except ValidationException as err:
            errors.append(_from_validation(err, name, tree))
        errors.extend(_compile_expressions(name, tree))
        errors.extend(_id_clashes(name, tree))
    if errors:
        raise DeployErrors(errors)

    processes = []
    for process_id in sorted(parser.get_process_ids()):
        process_parser = parser.get_process_parser(process_id)
        file_name = _file_of(trees, process_id)
        try:
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
        except ValidationException as err:
            errors.append(_from_validation(err, file_name, trees.get(file_name)))
            continue
        if not process_parser.process_executable:
            continue
        spec_json = serialize_spec(spec, subprocess_specs)
        sources = {file_name: _text(files[file_name], trees[file_name])}
        sources.update({n: _text(files[n], trees[n]) for n in trees if n.endswith(".dmn")})
        processes.append(DeployableProcess(
            process_id=process_id,
            name=spec.description or process_id,
            source_file=file_name,
            sources=sources,
            spec_json=spec_json,
            content_hash=hashlib.sha256(
                json.dumps(json.loads(spec_json), sort_keys=True).encode()).hexdigest(),
            start_message=_start_message(spec),
        ))
    if errors:
        raise DeployErrors(errors)
    return processes


def parse_xml(name: str, content: bytes):
    if not name.endswith((".bpmn", ".dmn")):
        raise DeployError(_("only .bpmn and .dmn files are accepted"), file=name)
    if re.search(rb"<!DOCTYPE|<!ENTITY", content, re.IGNORECASE):
        raise DeployError(_("the file declares a DOCTYPE or entities: refused for safety"), file=name,
                          line=_line_of_match(content, rb"<!(DOCTYPE|ENTITY)"))
    try:
        tree = etree.fromstring(content, _SAFE_PARSER).getroottree()
    except etree.XMLSyntaxError as err:
        raise DeployError(_("malformed XML: %(error)s", error=err.msg), file=name, line=err.lineno) from None
    except ValueError as err:  # an encoding lxml does not know
        raise DeployError(_("malformed XML: %(error)s", error=str(err)), file=name) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # in an encoding the byte check can't read
        raise DeployError(_("the file declares a DOCTYPE or entities: refused for safety"), file=name)
    return tree


def _require_kind(name: str, tree) -> None:
    """A .dmn must be a DMN document and a .bpmn a BPMN one: SpiffWorkflow fails on anything else with an
    internal error."""
    root = tree.getroot()
    if name.endswith(".dmn") and root.nsmap.get(None) not in DMN_NAMESPACES:
        raise DeployError(_("the file is not a DMN decision table (its root element is not DMN definitions)"),
                          file=name, line=root.sourceline)
    if name.endswith(".bpmn") and root.tag != f"{{{BPMN_NS}}}definitions":
        raise DeployError(_("the file is not a BPMN diagram (its root element is not BPMN definitions)"),
                          file=name, line=root.sourceline)


def _text(content: bytes, tree) -> str:
    """The diagram as text to keep and show: as uploaded when it is UTF-8, else written out again in UTF-8
    (a UTF-16 or ISO-8859-1 file is valid XML; its declared encoding would be wrong once stored as text)."""
    if (tree.docinfo.encoding or "UTF-8").upper() in ("UTF-8", "UTF8", "US-ASCII", "ASCII"):
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return etree.tostring(tree, encoding="UTF-8", xml_declaration=True).decode("utf-8")


def _line_of_match(content: bytes, pattern: bytes) -> int | None:
    match = re.search(pattern, content, re.IGNORECASE)
    return content[: match.start()].count(b"\n") + 1 if match else None


def _from_validation(err: ValidationException, name: str, tree) -> DeployError:
    line = err.line_number or None
    if not line and err.id and tree is not None:
        nodes = tree.xpath("//*[@id=$i]", i=err.id)
        line = nodes[0].sourceline if nodes else None
    message = str(err).split("\n")[0] if str(err) else type(err).__name__
    if err.__cause__ is not None and not message:
        message = str(err.__cause__)
    return DeployError(message, file=err.file_name or name, element=err.id or err.tag or "", line=line)


def _file_of(trees, process_id: str) -> str:
    for name, tree in trees.items():
        if tree.xpath("//bpmn:process[@id=$i]", i=process_id, namespaces={"bpmn": BPMN_NS}):
            return name
    return ""


def _id_clashes(name: str, tree) -> list[DeployError]:
    """SpiffWorkflow indexes operator and parameter ids with element ids: a clash breaks parsing with a
    misleading message ("no support implemented for this task type"), so name it plainly."""
    ns = {"spiff": SPIFF_NS}
    elements = {node.get("id") for node in tree.iter() if node.get("id")
                and not str(node.tag).startswith(f"{{{SPIFF_NS}}}")}
    return [DeployError(_("the id %(id)r is used both by an element and by a service task operator or "
                          "parameter: rename the element", id=node.get("id")), file=name,
                        element=node.get("id"), line=node.sourceline)
            for node in tree.xpath("//spiff:serviceTaskOperator | //spiff:parameter", namespaces=ns)
            if node.get("id") in elements]


def _start_message(spec) -> str | None:
    for task_spec in spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        if isinstance(task_spec, StartEvent) and isinstance(definition, MessageEventDefinition):
            return definition.name
    return None


def _element_of(node):
    while node is not None and node.get("id") is None:
        node = node.getparent()
    return node.get("id") if node is not None else ""


def _compile_expressions(name: str, tree) -> list[DeployError]:
    """Compile every Python snippet with the restricted compiler: a syntax error is a deploy error."""
    errors = []
    for node, code, is_script in _snippets(tree):
        try:
            (compile_script if is_script else compile_expression)(code)
        except SyntaxError as err:
            errors.append(DeployError(_("invalid expression %(code)r: %(error)s", code=code, error=err.msg), file=name,
                                      element=_element_of(node), line=node.sourceline))
    errors.extend(_dmn_errors(name, tree))
    return errors


def _snippets(tree):
    ns = {"bpmn": BPMN_NS, "spiff": SPIFF_NS}
    for node in tree.xpath("//bpmn:conditionExpression", namespaces=ns):
        yield node, (node.text or "").strip(), False
    for node in tree.xpath("//bpmn:script | //spiff:preScript | //spiff:postScript", namespaces=ns):
        if (node.text or "").strip():
            yield node, node.text, True
    for node in tree.xpath("//bpmn:timeDuration | //bpmn:timeDate | //bpmn:timeCycle", namespaces=ns):
        yield node, (node.text or "").strip(), False
    for node in tree.xpath("//spiff:parameter", namespaces=ns):
        yield node, node.get("value", ""), False
    for node in tree.xpath("//spiff:messagePayload", namespaces=ns):
        yield node, (node.text or "").strip(), False
    for node in tree.xpath("//spiff:property", namespaces=ns):
        if node.get("name") in EXPRESSION_PROPERTIES:
            yield node, node.get("value", ""), False


def _dmn_errors(name: str, tree) -> list[DeployError]:
    root = tree.getroot()
    ns = root.nsmap.get(None)
    if ns not in DMN_NAMESPACES:
        return []
    q = {"dmn": ns}
    errors = []
    for table in tree.xpath("//dmn:decisionTable", namespaces=q):
        input_nodes = table.xpath("dmn:input/dmn:inputExpression/dmn:text", namespaces=q)
        inputs = [(node.text or "").strip() for node in input_nodes]
        for node, code in zip(input_nodes, inputs, strict=True):
            errors.extend(_check(name, node, code))
        for rule in table.xpath("dmn:rule", namespaces=q):
            for index, entry in enumerate(rule.xpath("dmn:inputEntry/dmn:text", namespaces=q)):
                cell = (entry.text or "").strip()
                if cell and cell != "-" and index < len(inputs):
                    errors.extend(_check(name, entry, _match_expression(inputs[index], cell), cell))
            for entry in rule.xpath("dmn:outputEntry/dmn:text", namespaces=q):
                if (entry.text or "").strip():
                    errors.extend(_check(name, entry, entry.text.strip()))
    return errors


def _match_expression(input_expr: str, cell: str) -> str:
    """The expression SpiffWorkflow's DMN engine will evaluate for a cell (DMNEngine.evaluate)."""
    if "?" in cell:
        return cell.replace("?", "(dmninputexpr)")
    try:
        ast.parse(cell, mode="eval")
        return f"({input_expr}) == ({cell})"
    except SyntaxError:
        return f"{input_expr} {cell}"


def _check(name, node, code, cell=None) -> list[DeployError]:
    shown = cell or code
    try:
        compile_expression(code)
        if cell is not None:
            body = ast.parse(cell, mode="eval").body if "?" not in cell and _parses(cell) else None
            if isinstance(body, ast.Tuple) or (isinstance(body, ast.UnaryOp) and isinstance(body.op, ast.Not)):
                raise SyntaxError(_("never matches in SpiffWorkflow; write ? in [...] or ? not in [...]"))
    except SyntaxError as err:
        return [DeployError(_("invalid DMN cell %(cell)r: %(error)s", cell=shown, error=err.msg), file=name,
                            element=_element_of(node), line=node.sourceline)]
    return []


def _parses(code: str) -> bool:
    try:
        ast.parse(code, mode="eval")
        return True
    except SyntaxError:
        return False


# A decision-table input that is the case's category: ``category``, ``ticket["category"]``, ``x.category``.
_CATEGORY_INPUT = re.compile(r"""(?:^|[.\["'])category["'\]]*$""")


@dataclass
class CodeReference:
    """A category code a DMN cell compares with, and where it is written."""

    code: str
    file: str
    element: str
    line: int | None


def category_references(files: dict[str, bytes]) -> list[CodeReference]:
    """Every string a DMN cell compares a category input with (call after ``build`` accepted the files)."""
    found = []
    for name, content in sorted(files.items()):
        if not name.endswith(".dmn"):
            continue
        tree = parse_xml(name, content)
        ns = tree.getroot().nsmap.get(None)
        if ns not in DMN_NAMESPACES:
            continue
        q = {"dmn": ns}
        for table in tree.xpath("//dmn:decisionTable", namespaces=q):
            inputs = [(n.text or "").strip() for n in table.xpath("dmn:input/dmn:inputExpression/dmn:text",
                                                                  namespaces=q)]
            for rule in table.xpath("dmn:rule", namespaces=q):
                for index, entry in enumerate(rule.xpath("dmn:inputEntry/dmn:text", namespaces=q)):
                    if index < len(inputs) and _CATEGORY_INPUT.search(inputs[index]):
                        found += [CodeReference(code, name, _element_of(entry), entry.sourceline)
                                  for code in _strings((entry.text or "").strip())]
    return found


def _strings(cell: str) -> list[str]:
    if not cell or cell == "-":
        return []
    try:
        tree = ast.parse(cell.replace("?", "_input"), mode="eval")
    except SyntaxError:
        return []
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
