"""Test diagrams written by hand carry no drawing: ``drawn(xml)`` adds a shape (or edge) for every element,
laid out in a row, so the deploy check's "every element has a shape" holds for them."""
from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
WAYPOINT = "http://www.omg.org/spec/DD/20100524/DI"


def drawn(xml: str | bytes) -> bytes:
    root = etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)
    diagram = etree.SubElement(root, f"{{{DI}}}BPMNDiagram", id="dibujo_de_prueba", nsmap={"bpmndi": DI})
    plane = etree.SubElement(diagram, f"{{{DI}}}BPMNPlane", id="plano_de_prueba",
                             bpmnElement=root.find(f"{{{BPMN}}}process").get("id"))
    processes = root.findall(f"{{{BPMN}}}process")
    for index, node in enumerate(n for p in processes for n in p if n.get("id")):
        if node.tag == f"{{{BPMN}}}sequenceFlow":
            edge = etree.SubElement(plane, f"{{{DI}}}BPMNEdge", id=f"di_{node.get('id')}",
                                    bpmnElement=node.get("id"))
            for x in (0, 50):
                etree.SubElement(edge, f"{{{WAYPOINT}}}waypoint", x=str(100 * index + x), y="50",
                                 nsmap={"di": WAYPOINT})
        elif node.tag not in (f"{{{BPMN}}}laneSet",):
            shape = etree.SubElement(plane, f"{{{DI}}}BPMNShape", id=f"di_{node.get('id')}",
                                     bpmnElement=node.get("id"))
            etree.SubElement(shape, f"{{{DC}}}Bounds", x=str(100 * index), y="0", width="80", height="60",
                             nsmap={"dc": DC})
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8")
