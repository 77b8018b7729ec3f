"""Reading diagrams and decision tables as XML: which processes and decisions a file holds, what a table's
inputs and outputs are, and a readable diff of elements and rules between two versions of a file."""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from app.errors import DeployError
from app.i18n import _
from app.workflow.deploy import BPMN_NS, DMN_NAMESPACES, SPIFF_NS, parse_xml

DI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
Q = {"bpmn": BPMN_NS, "spiff": SPIFF_NS}


def label(node) -> str:
    """An element as an analyst knows it: its name, else its id."""
    return (node.get("name") or "").strip() or node.get("id", "") if node is not None else ""


def _tree(text: str | bytes, name: str):
    return parse_xml(name, text.encode("utf-8") if isinstance(text, str) else text)


def _readable(text: str | bytes, name: str):
    """The tree, or None when the file does not parse (the build reports that, with its line)."""
    try:
        return _tree(text, name)
    except DeployError:
        return None


def called_decisions(bpmn_text: str | bytes) -> set[str]:
    tree = _readable(bpmn_text, "x.bpmn") if bpmn_text else None
    if tree is None:
        return set()
    return {(n.text or "").strip() for n in tree.xpath("//spiff:calledDecisionId", namespaces=Q)}


def used_forms(bpmn_text: str | bytes) -> set[str]:
    tree = _readable(bpmn_text, "x.bpmn") if bpmn_text else None
    if tree is None:
        return set()
    return {n.get("value", "") for n in tree.xpath("//spiff:property[@name='formJsonSchemaFilename']",
                                                   namespaces=Q)}


def _dmn_q(tree) -> dict | None:
    ns = tree.getroot().nsmap.get(None)
    return {"dmn": ns} if ns in DMN_NAMESPACES else None


def decision_ids(dmn_files: dict[str, bytes]) -> dict[str, str]:
    """{decision id: file name} of the decision tables."""
    found = {}
    for name, content in dmn_files.items():
        tree = _readable(content, name)
        q = _dmn_q(tree) if tree is not None else None
        if q:
            found.update({d.get("id"): name for d in tree.xpath("//dmn:decision", namespaces=q)})
    return found


def executable_process_ids(files: dict[str, bytes]) -> set[str]:
    found = set()
    for name, content in files.items():
        tree = _readable(content, name) if name.endswith(".bpmn") else None
        if tree is not None:
            found |= {p.get("id") for p in tree.xpath("//bpmn:process[@isExecutable='true']", namespaces=Q)}
    return found


@dataclass
class Table:
    decision_id: str
    file: str
    hit_policy: str
    inputs: list  # (input element, expression text)
    outputs: list[str]  # output names
    rules: list  # (rule element, [input cell texts], [output cell texts])
    node: object  # the decisionTable element


def dmn_tables(tree, file: str) -> dict[str, Table]:
    q = _dmn_q(tree)
    if not q:
        return {}
    tables = {}
    for decision in tree.xpath("//dmn:decision", namespaces=q):
        for table in decision.xpath("dmn:decisionTable", namespaces=q)[:1]:  # SpiffWorkflow reads the first
            inputs = [(i, (i.findtext("dmn:inputExpression/dmn:text", namespaces=q) or "").strip())
                      for i in table.xpath("dmn:input", namespaces=q)]
            outputs = [o.get("name", "") for o in table.xpath("dmn:output", namespaces=q)]
            rules = [(r, [(t.text or "").strip() for t in r.xpath("dmn:inputEntry/dmn:text", namespaces=q)],
                      [(t.text or "").strip() for t in r.xpath("dmn:outputEntry/dmn:text", namespaces=q)])
                     for r in table.xpath("dmn:rule", namespaces=q)]
            tables[decision.get("id")] = Table(decision.get("id"), file, (table.get("hitPolicy") or "UNIQUE").upper(),
                                               inputs, outputs, rules, table)
    return tables


def _elements(text: str, process_id: str) -> dict[str, tuple[str, str, str]]:
    """{id: (tag, name, canonical XML)} of the elements of a process (its lanes, nodes, flows)."""
    if not text:
        return {}
    tree = _tree(text, "x.bpmn")
    found = {}
    for process in tree.xpath("//bpmn:process[@id=$i]", i=process_id, namespaces=Q):
        for node in process.iter():
            if node is process or not isinstance(node.tag, str) or not node.get("id") \
                    or not node.tag.startswith(f"{{{BPMN_NS}}}"):
                continue
            found[node.get("id")] = (etree.QName(node).localname, label(node),
                                     etree.tostring(node, method="c14n").decode("utf-8"))
    return found


def element_diff(old_text: str, new_text: str, process_id: str) -> list[dict]:
    """Elements added, removed or changed, as dicts of ``report.ElementChange``'s fields."""
    old, new = _elements(old_text, process_id), _elements(new_text, process_id)
    diff = []
    for element in sorted(set(old) | set(new)):
        before, after = old.get(element), new.get(element)
        if before == after:
            continue
        tag, name = (after or before)[0], (after or before)[1]
        if before is None:
            diff.append({"element": element, "name": name, "kind": tag, "change": "added"})
        elif after is None:
            diff.append({"element": element, "name": name, "kind": tag, "change": "removed"})
        else:
            details = []
            if before[1] != after[1]:
                details.append(_("name: «%(before)s» → «%(after)s»", before=before[1], after=after[1]))
            if before[2].replace(before[1], "") != after[2].replace(after[1], ""):
                details.append(_("properties, expressions or connections changed"))
            diff.append({"element": element, "name": name, "kind": tag, "change": "changed",
                         "details": tuple(details)})
    return diff


def rule_diff(old_text: str, new_text: str) -> list[dict]:
    """Rules of a decision table added, removed or changed (by rule id), with their cells."""
    old = _rules(old_text)
    new = _rules(new_text)
    diff = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        change = "added" if before is None else "removed" if after is None else "changed"
        diff.append({"decision": key[0], "rule": key[1], "change": change,
                     "before": tuple(before or ()), "after": tuple(after or ())})
    return diff


def _rules(text: str) -> dict[tuple[str, str], list[str]]:
    if not text:
        return {}
    tree = _tree(text, "x.dmn")
    return {(table.decision_id, rule.get("id", "")): cells_in + cells_out
            for table in dmn_tables(tree, "").values() for rule, cells_in, cells_out in table.rules}
