"""Deploy: every kind of broken diagram is refused with file, element, line and problem; nothing changes."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import DeployError
from app.extensions import db
from app.models import ProcessVersion
from app.services.processes import process_service
from tests.workflow.conftest import DATA, data_file

SCENARIO = data_file("scenario.bpmn").decode()


@pytest.fixture(autouse=True)
def scenario_forms(app, monkeypatch):
    monkeypatch.setitem(app.config, "FORMS_DIR", str(DATA / "forms"))


def renamed(xml: str, suffix: str) -> str:
    """The scenario under other process ids, so a test's versions don't leak into other tests."""
    return xml.replace('id="prueba_inicio"', f'id="prueba_inicio_{suffix}"').replace(
        'id="prueba_ronda"', f'id="prueba_ronda_{suffix}"').replace(
        'name="siguiente_ronda"', f'name="siguiente_ronda_{suffix}"')


def version_count() -> int:
    return db.session.scalar(select(func.count(ProcessVersion.id)))


def refused(files: dict[str, str]) -> list[DeployError]:
    before = version_count()
    with pytest.raises(DeployError) as info:
        process_service.deploy_files({name: text.encode() for name, text in files.items()})
    assert version_count() == before, "a refused deploy must not store anything"
    return getattr(info.value, "all", [info.value])


def line_of(xml: str, needle: str) -> int:
    return xml[: xml.index(needle)].count("\n") + 1


def test_unchanged_diagram_keeps_its_version_and_a_change_makes_a_new_one():
    xml = renamed(SCENARIO, "v")
    first = process_service.deploy_files({"v.bpmn": xml.encode()})
    again = process_service.deploy_files({"v.bpmn": xml.encode()})
    changed = process_service.deploy_files({"v.bpmn": xml.replace('name="Revisar"', 'name="Revisar bien"').encode()})
    by_id = lambda results: {r.process_id: (r.version, r.created) for r in results}  # noqa: E731
    assert by_id(first)["prueba_inicio_v"] == (1, True)
    assert by_id(again)["prueba_inicio_v"] == (1, False)
    assert by_id(changed)["prueba_inicio_v"] == (2, True)
    assert by_id(changed)["prueba_ronda_v"] == (1, False)


def test_malformed_xml_names_file_and_line():
    xml = SCENARIO.replace("</bpmn:userTask>", "</bpmn:userTaskk>", 1)
    [error] = refused({"roto.bpmn": xml})
    assert error.file == "roto.bpmn"
    assert error.line == line_of(xml, "</bpmn:userTaskk>")
    assert "XML" in error.message


def test_schema_violation_names_the_line():
    xml = SCENARIO.replace('<bpmn:userTask id="revisar" name="Revisar">',
                           '<bpmn:userTask id="revisar" name="Revisar" prioridad="alta">')
    [error] = refused({"xsd.bpmn": xml})
    assert error.file == "xsd.bpmn"
    assert error.line == line_of(xml, 'prioridad="alta"')


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
])
def test_doctype_and_entities_are_refused(prolog):
    xml = SCENARIO.replace('<?xml version="1.0" encoding="UTF-8"?>',
                           '<?xml version="1.0" encoding="UTF-8"?>\n' + prolog)
    [error] = refused({"xxe.bpmn": xml})
    assert "DOCTYPE" in error.message and error.line == 2


def test_python_syntax_error_in_a_condition_is_a_deploy_error():
    xml = SCENARIO.replace("repeat == True", "repeat ==")
    [error] = refused({"cond.bpmn": xml})
    assert error.element == "r3"
    assert error.line == line_of(xml, "repeat ==")


@pytest.mark.parametrize("script", ["import os", "x = ().__class__.__base__", "y = __import__('os')"])
def test_scripts_outside_the_sandbox_are_refused_at_deploy(script):
    xml = SCENARIO.replace('doubled = len(ticket["number"]) * 2', script)
    [error] = refused({"script.bpmn": xml})
    assert error.element == "script"


def test_service_task_without_operator_names_the_element_and_line():
    start = SCENARIO.index("<bpmn:extensionElements>", SCENARIO.index('id="set_status"'))
    end = SCENARIO.index("</bpmn:extensionElements>", start) + len("</bpmn:extensionElements>")
    xml = SCENARIO[:start] + SCENARIO[end:]
    errors = refused({"svc.bpmn": xml})
    assert any(e.element == "set_status" and e.line == line_of(xml, 'id="set_status"') for e in errors)


def test_flow_to_a_missing_element_is_refused():
    xml = SCENARIO.replace('targetRef="script"', 'targetRef="no_existe"')
    errors = refused({"flow.bpmn": xml})
    assert any(e.file == "flow.bpmn" and e.line for e in errors)


def test_missing_dmn_decision_is_refused():
    script_task = ('<bpmn:scriptTask id="script" name="Calcular">\n'
                   '      <bpmn:script>doubled = len(ticket["number"]) * 2</bpmn:script>\n    </bpmn:scriptTask>')
    xml = SCENARIO.replace(
        script_task,
        '<bpmn:businessRuleTask id="script" name="Calcular"><bpmn:extensionElements>'
        '<spiffworkflow:calledDecisionId>no_existe</spiffworkflow:calledDecisionId>'
        '</bpmn:extensionElements></bpmn:businessRuleTask>')
    errors = refused({"dmn.bpmn": xml})
    assert any("no_existe" in e.message or e.element == "script" for e in errors)


def test_dmn_cell_that_never_matches_is_refused():
    dmn = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="http://x">
  <decision id="prioridad_prueba" name="Prioridad">
    <decisionTable id="t" hitPolicy="UNIQUE">
      <input id="i1" label="Categoría">
        <inputExpression id="ie1" typeRef="string"><text>category</text></inputExpression>
      </input>
      <output id="o1" label="Prioridad" name="priority" typeRef="string"/>
      <rule id="r1">
        <inputEntry id="e1"><text>"sin_servicio","lentitud"</text></inputEntry>
        <outputEntry id="oe1"><text>"alta"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>"""
    [error] = [e for e in refused({"prioridad.dmn": dmn}) if e.element == "e1"]
    assert "?" in error.message


def test_a_broken_file_keeps_the_live_version_live():
    xml = renamed(SCENARIO, "live")
    process_service.deploy_files({"live.bpmn": xml.encode()})
    refused({"live.bpmn": xml.replace('name="Revisar"', 'name="Revisar"><broken')})
    versions = [v.version for v in process_service.versions(None) if v.process_id == "prueba_inicio_live"]
    assert versions == [1]


def test_deploy_cli_reports_the_problem_and_fails(app, tmp_path):
    (tmp_path / "roto.bpmn").write_text(SCENARIO.replace("repeat == True", "repeat =="), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["processes", "deploy", "--directory", str(tmp_path)])
    assert result.exit_code == 1
    assert "roto.bpmn" in result.output and "r3" in result.output


def test_an_element_id_equal_to_a_service_parameter_is_named_plainly():
    xml = SCENARIO.replace('id="script"', 'id="status"').replace('targetRef="script"', 'targetRef="status"') \
        .replace('sourceRef="script"', 'sourceRef="status"')
    errors = refused({"clash.bpmn": xml})
    assert any(e.element == "status" and "cambie el id" in e.message for e in errors)
