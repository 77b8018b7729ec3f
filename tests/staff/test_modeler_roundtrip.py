"""The files an analyst downloads from the modeler open in bpmn.io / Camunda Modeler (a generic modeler that
keeps unknown extensions) and in our modeler (bpmn-js with the SpiffWorkflow moddle descriptor), and come back
unchanged: every element, attribute, text and extension, in order. Written the way bpmn-js and dmn-js write
(their moddle libraries from node_modules, run by Node)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("modeler_roundtrip.mjs")
DESCRIPTOR = ROOT / "app" / "static" / "js" / "spiffworkflow-moddle.json"
FILES = sorted((ROOT / "processes").glob("*.bpmn")) + sorted((ROOT / "processes").glob("*.dmn"))
# Attributes whose value equals the schema's default are left out by the modelers (BPMN20.xsd, DMN13.xsd).
SCHEMA_DEFAULTS = {("boundaryEvent", "cancelActivity"): "true", ("decisionTable", "hitPolicy"): "UNIQUE",
                   ("startEvent", "isInterrupting"): "true", ("sequenceFlow", "isImmediate"): None}


def written_back(path: Path, descriptor: Path | None) -> bytes:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "bpmn-moddle").is_dir():
        pytest.skip("Node or node_modules missing (make install): the round trip needs bpmn-moddle")
    command = ["node", str(SCRIPT), str(path)] + ([str(descriptor)] if descriptor else [])
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def canonical(element) -> tuple:
    local = etree.QName(element).localname
    attributes = tuple(sorted((k, v) for k, v in element.attrib.items()
                              if SCHEMA_DEFAULTS.get((local, k), object()) != v))
    children = tuple(canonical(child) for child in element if isinstance(child.tag, str))
    return element.tag, attributes, (element.text or "").strip() if not children else "", children


@pytest.mark.parametrize("descriptor", [None, DESCRIPTOR], ids=["generic-modeler", "atiende-modeler"])
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_file_comes_back_unchanged(path, descriptor):
    original = etree.parse(str(path)).getroot()
    again = etree.fromstring(written_back(path, descriptor))
    assert canonical(again) == canonical(original)


def test_the_descriptor_reads_our_extensions_as_typed_elements():
    """The properties panel edits typed elements: none of the diagrams' extensions is left generic."""
    if shutil.which("node") is None or not (ROOT / "node_modules" / "bpmn-moddle").is_dir():
        pytest.skip("Node or node_modules missing (make install): the round trip needs bpmn-moddle")
    found = set()
    for path in FILES:
        if path.suffix == ".bpmn":
            done = subprocess.run(["node", str(SCRIPT), str(path), str(DESCRIPTOR), "--types"], cwd=ROOT,
                                  capture_output=True, check=True)
            found |= set(json.loads(done.stdout))
    assert {"spiffworkflow:ServiceTaskOperator", "spiffworkflow:Properties", "spiffworkflow:InstructionsForEndUser",
            "spiffworkflow:CalledDecisionId", "spiffworkflow:PreScript"} <= found
    # A generic read names an element by its tag ("spiffworkflow:serviceTaskOperator"), a typed one by its type.
    assert all(t.startswith("spiffworkflow:") and t.split(":")[1][0].isupper() for t in found), found
