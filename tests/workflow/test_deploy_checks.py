"""The deploy check stops each kind of bad change an analyst can make, naming the element, in Spanish; the
shipped processes pass it."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.models.ticket import SNAPSHOT_FIELDS
from app.services.processes import process_service
from tests.conftest import user
from tests.drawing import drawn
from tests.workflow.conftest import DATA, data_file, open_ticket

SCENARIO = data_file("scenario.bpmn").decode()


@pytest.fixture(autouse=True)
def scenario_forms(app, monkeypatch):
    monkeypatch.setitem(app.config, "FORMS_DIR", str(DATA / "forms"))


def check(files: dict[str, str | bytes]):
    return process_service.check({n: c.encode() if isinstance(c, str) else c for n, c in files.items()},
                                 user("analista"))


def problems_of(xml: str, name: str = "malo.bpmn"):
    report = check({name: xml})
    assert not report.ok
    return report.problems


def test_the_shipped_processes_pass_the_check(app):
    folder = Path(app.config["PROCESSES_DIR"])
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix in (".bpmn", ".dmn")}
    report = check(files)
    assert report.problems == []
    assert report.ok and not report.creates_versions  # main's processes are deployed as they are


def test_the_scenario_passes_and_a_new_process_would_be_version_one():
    report = check({"nuevo.bpmn": SCENARIO.replace('id="prueba_inicio"', 'id="prueba_nueva"')})
    assert report.ok, report.problems
    [change] = [c for c in report.changes if c.process_id == "prueba_nueva"]
    assert change.current_version is None and change.creates_version


def test_a_wrong_ticket_field_is_named():
    xml = SCENARIO.replace('ticket[&quot;sla_due_at&quot;]', 'ticket[&quot;canal&quot;]')
    [problem] = problems_of(xml)
    assert (problem.element, problem.element_name) == ("revisar", "Revisar")
    assert 'ticket["canal"]' in problem.message and "no existe" in problem.message
    assert "channel" in problem.message  # the fields it may read are listed


def test_a_variable_nobody_writes_is_named():
    [problem] = problems_of(SCENARIO.replace("repeat == True", "repetir == True"))
    assert problem.element == "gw" and "«repetir»" in problem.message


def test_an_unknown_form_is_named():
    [problem] = problems_of(SCENARIO.replace("prueba_otra.schema.json", "no_existe.schema.json"))
    assert (problem.element, problem.element_name) == ("otra", "Otra vuelta")
    assert "no_existe.schema.json" in problem.message


def test_a_form_uploaded_with_the_diagram_is_known():
    xml = SCENARIO.replace("prueba_otra.schema.json", "subido.schema.json")
    report = check({"malo.bpmn": xml, "subido.schema.json": data_file("forms/prueba_otra.schema.json")})
    assert report.ok, report.problems


def test_a_misspelt_lane_is_named():
    [problem] = problems_of(SCENARIO.replace('name="Técnico">\n        <bpmn:flowNodeRef>revisar',
                                             'name="Tecnico">\n        <bpmn:flowNodeRef>revisar'))
    assert (problem.element, problem.element_name) == ("lane_tecnico", "Tecnico")
    assert "rol" in problem.message and "Revisar" in problem.message


def test_an_unknown_operator_is_named():
    [problem] = problems_of(SCENARIO.replace('id="ticket.set_status"', 'id="ticket.cambiar_estado"'))
    assert (problem.element, problem.element_name) == ("set_status", "Estado en diagnóstico")
    assert "ticket.cambiar_estado" in problem.message and "no existe" in problem.message


def test_an_unknown_or_missing_parameter_is_named():
    xml = SCENARIO.replace('parameter id="status"', 'parameter id="estado"')
    messages = sorted(p.message for p in problems_of(xml) if p.element == "set_status")
    assert len(messages) == 2
    assert any("«estado»" in m for m in messages) and any("«status»" in m for m in messages)


def test_an_unknown_team_is_named():
    problems = problems_of(SCENARIO.replace("'soporte_n1'", "'soporte_n9'", 1))
    [problem] = problems
    assert problem.element == "revisar" and "soporte_n9" in problem.message


def test_a_missing_shape_is_named():
    xml = SCENARIO.replace('<bpmndi:BPMNShape id="di_revisar" bpmnElement="revisar">', '<bpmndi:BPMNShape '
                           'id="di_revisar" bpmnElement="otro_elemento">')
    [problem] = problems_of(xml)
    assert (problem.element, problem.element_name) == ("revisar", "Revisar")
    assert "forma" in problem.message


def test_a_flow_to_a_missing_element_says_so():
    xml = SCENARIO.replace('<bpmn:sequenceFlow id="f4" sourceRef="revisar" targetRef="to_next"/>',
                           '<bpmn:sequenceFlow id="f4" sourceRef="revisar" targetRef="no_existe"/>')
    problems = problems_of(xml)
    assert any(p.element == "f4" and "no_existe" in p.message for p in problems), problems


UNIQUE_TABLE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="http://x">
  <decision id="tabla_unica" name="Tabla">
    <decisionTable id="t" hitPolicy="%s">
      <input id="i1" label="Prioridad">
        <inputExpression id="ie1" typeRef="string"><text>priority</text></inputExpression>
      </input>
      <output id="o1" label="Horas" name="hours" typeRef="number"/>
      <rule id="r1"><inputEntry id="e1"><text>"alta"</text></inputEntry>
        <outputEntry id="oe1"><text>4</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="e2"><text>%s</text></inputEntry>
        <outputEntry id="oe2"><text>8</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""

CALLER = drawn("""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="x">
  <bpmn:process id="prueba_tabla" name="Prueba: tabla" isExecutable="true">
    <bpmn:startEvent id="inicio"/>
    <bpmn:sequenceFlow id="a" sourceRef="inicio" targetRef="decidir"/>
    <bpmn:businessRuleTask id="decidir" name="Decidir">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>tabla_unica</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="b" sourceRef="decidir" targetRef="fin"/>
    <bpmn:endEvent id="fin"/>
  </bpmn:process>
</bpmn:definitions>""")


def test_overlapping_rules_under_unique_are_named_and_first_or_disjoint_rules_pass():
    [problem] = [p for p in check({"t.dmn": UNIQUE_TABLE % ("UNIQUE", "-"), "c.bpmn": CALLER}).problems
                 if p.element == "r2"]
    assert "r1" in problem.message and "UNIQUE" in problem.message and problem.element_name == "tabla_unica"
    assert not any(p.element == "r2" for p in check({"t.dmn": UNIQUE_TABLE % ("FIRST", "-"), "c.bpmn": CALLER})
                   .problems)
    disjoint = UNIQUE_TABLE % ("UNIQUE", '? not in ["alta"]')
    assert not any(p.element == "r2" for p in check({"t.dmn": disjoint, "c.bpmn": CALLER}).problems)


def test_a_dmn_input_reading_an_unknown_variable_is_named():
    report = check({"t.dmn": UNIQUE_TABLE % ("FIRST", "-"), "c.bpmn": CALLER})
    [problem] = report.problems
    assert problem.element == "decidir" and "«priority»" in problem.message


def test_a_dmn_alone_is_checked_with_the_deployed_diagram_that_calls_it(app):
    table = (Path(app.config["PROCESSES_DIR"]) / "objetivos_sla.dmn").read_text(encoding="utf-8")
    report = check({"objetivos_sla.dmn": table.replace("<text>36</text>", "<text>40</text>")})
    assert report.ok, report.problems
    assert any("objetivos_sla" in note and "queja_reparacion" in note for note in report.notes)
    [change] = [c for c in report.changes if c.process_id == "queja_reparacion"]
    assert change.creates_version
    [rule] = change.rules
    assert (rule.rule, rule.change) == ("os_r3", "changed") and "40" in rule.after


def test_a_dmn_nobody_calls_is_refused_plainly():
    report = check({"t.dmn": UNIQUE_TABLE % ("FIRST", "-")})
    assert [p.message for p in report.problems] == [
        "Ningún proceso desplegado usa tabla_unica: súbalo junto con el diagrama que lo usa."]


def test_a_shipped_diagram_with_a_wrong_field_and_a_misspelt_variable_is_stopped(app):
    xml = (Path(app.config["PROCESSES_DIR"]) / "queja_reparacion.bpmn").read_text(encoding="utf-8")
    xml = xml.replace("ticket['team']", "ticket['canal']", 1).replace('outcome == "visita"', 'resultado == "visita"')
    report = check({"queja_reparacion.bpmn": xml})
    found = {(p.element, p.message.split(" (en ")[0]) for p in report.problems}
    assert found == {("diagnostico", "«Diagnóstico» lee ticket[\"canal\"]"),
                     ("gw_resultado_diagnostico", "«¿Cómo continuar?» lee la variable «resultado»")}, report.problems


def test_the_simulation_drives_every_flow_of_each_gateway(app):
    xml = (Path(app.config["PROCESSES_DIR"]) / "queja_reparacion.bpmn").read_text(encoding="utf-8")
    report = check({"queja_reparacion.bpmn": xml})
    paths = [p for p in report.simulation if p.process_id == "queja_reparacion"]
    taken = {choice for p in paths for choice in p.choices}
    assert {"gw_reporte_valido→rechazar_reporte", "gw_reporte_valido→leer_categoria"} <= taken
    [rejected] = [p for p in paths if "gw_reporte_valido→rechazar_reporte" in p.choices]
    assert rejected.ok and rejected.elements[-1] == "end_queja_denegada"


def test_a_path_that_fails_in_the_simulation_names_where_it_stopped():
    report = check({"sim.bpmn": SCENARIO.replace('doubled = len(ticket["number"]) * 2', "doubled = 1 / 0")})
    [failed] = [p for p in report.simulation if not p.ok]
    assert failed.process_id == "prueba_inicio" and "«Calcular»" in failed.message
    assert "ZeroDivisionError" in failed.message


def test_the_fields_the_check_allows_are_the_snapshot_s(app):
    assert tuple(open_ticket().snapshot()) == SNAPSHOT_FIELDS


def test_a_notice_with_an_unknown_template_or_channel_is_named():
    notify = SCENARIO.replace('id="ticket.set_status"', 'id="notify"').replace(
        '<spiffworkflow:parameter id="status" type="str" value="\'diagnosing\'"/>',
        '<spiffworkflow:parameter id="template" type="str" value="\'no_existe\'"/>'
        '<spiffworkflow:parameter id="channel" type="str" value="\'fax\'"/>')
    messages = [p.message for p in problems_of(notify) if p.element == "set_status"]
    assert any("no_existe" in m for m in messages) and any("fax" in m for m in messages)
