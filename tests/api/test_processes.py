"""Process analysts upload diagrams: checked like the deploy command, versioned, refused whole when broken."""
from __future__ import annotations

import io

from tests.workflow.conftest import data_file
from tests.workflow.test_deploy import renamed

SCENARIO = data_file("scenario.bpmn").decode()


FORM = data_file("forms/prueba_otra.schema.json").decode()


def upload(api, user, files: dict[str, str], expect=200, path="/processes", **fields):
    """Upload the files with the scenario's form (forms travel with the diagrams that use them)."""
    files = {"prueba_otra.schema.json": FORM, **files}
    data = {"files": [(io.BytesIO(text.encode()), name) for name, text in files.items()], **fields}
    return api.post(path, user, data=data, content_type="multipart/form-data", expect=expect)


def test_an_analyst_deploys_and_the_version_list_shows_it(api):
    results = upload(api, "analista", {"up.bpmn": renamed(SCENARIO, "up")}).json["results"]
    assert {"process_id": "prueba_inicio_up", "version": 1, "created": True,
            "message": "Versión 1 publicada."} in results
    versions = api.get("/processes", "analista").json["versions"]
    assert any(v["process_id"] == "prueba_inicio_up" and v["version"] == 1 for v in versions)


def test_a_doctype_in_an_upload_is_refused_with_file_and_line(api):
    xml = renamed(SCENARIO, "xxe").replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    body = upload(api, "analista", {"xxe.bpmn": xml}, expect=422).json
    assert "DOCTYPE" in body["message"]
    assert body["errors"]["xxe.bpmn"][0].startswith("línea 2")
    versions = api.get("/processes", "analista").json["versions"]
    assert not any(v["process_id"] == "prueba_inicio_xxe" for v in versions)


def test_only_analysts_deploy(api):
    upload(api, "supervisor", {"up.bpmn": renamed(SCENARIO, "nope")}, expect=403)


def test_an_upload_without_files_is_a_field_error(api):
    body = api.post("/processes", "analista", data={}, content_type="multipart/form-data", expect=422).json
    assert "files" in body["errors"]


def test_an_oversized_upload_is_refused_as_json(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    body = upload(api, "analista", {"big.bpmn": SCENARIO}, expect=413).json
    assert body["message"]


def test_the_check_lists_problems_by_element_and_stores_nothing(api):
    xml = renamed(SCENARIO, "chk").replace("prueba_otra.schema.json", "falta.schema.json")
    report = upload(api, "analista", {"chk.bpmn": xml}, path="/processes/check").json
    assert report["ok"] is False
    [problem] = report["problems"]
    assert (problem["element"], problem["element_name"], problem["file"]) == ("otra", "Otra vuelta", "chk.bpmn")
    assert "falta.schema.json" in problem["message"]
    versions = api.get("/processes", "analista").json["versions"]
    assert not any(v["process_id"] == "prueba_inicio_chk" for v in versions)


def test_publishing_needs_a_reason_and_records_who_and_why(api):
    body = upload(api, "analista", {"pub.bpmn": renamed(SCENARIO, "pub")}, path="/processes/publish",
                  expect=422).json
    assert "reason" in body["errors"]
    results = upload(api, "analista", {"pub.bpmn": renamed(SCENARIO, "pub")}, path="/processes/publish",
                     reason="Nueva ronda de prueba").json["results"]
    assert {"process_id": "prueba_inicio_pub", "version": 1, "created": True,
            "message": "Versión 1 publicada."} in results
    [version] = [v for v in api.get("/processes", "analista").json["versions"]
                 if v["process_id"] == "prueba_inicio_pub"]
    assert (version["deployed_by"], version["reason"]) == ("analista", "Nueva ronda de prueba")
    again = upload(api, "analista", {"pub.bpmn": renamed(SCENARIO, "pub")}, path="/processes/publish",
                   reason="Otra vez").json["results"]
    assert {"process_id": "prueba_inicio_pub", "version": 1, "created": False,
            "message": "Sin cambios: sigue vigente la versión 1."} in again


def test_a_changed_form_alone_is_a_new_version_of_the_process_that_uses_it(api):
    form = FORM.replace('"¿Otra vuelta?"', '"¿Repetimos?"')
    xml = renamed(SCENARIO, "frm").replace("prueba_otra.schema.json", "prueba_frm.schema.json")
    files = {"frm.bpmn": xml, "prueba_frm.schema.json": FORM}
    upload(api, "analista", files, path="/processes/publish", reason="Primera")
    report = upload(api, "analista", {"prueba_frm.schema.json": form}, path="/processes/check").json
    assert report["ok"], report["problems"]
    [change] = [c for c in report["changes"] if c["process_id"] == "prueba_ronda_frm"]
    assert change["creates_version"] and change["forms"] == ["prueba_frm.schema.json"]


def test_garbage_uploads_get_a_report_never_a_server_error(api):
    garbage = {"a.bpmn": "no es XML", "b.dmn": "<x/>", "c.json": "[1, 2]", "d.txt": "hola",
               "e.bpmn": '<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>'}
    for name, text in garbage.items():
        report = upload(api, "analista", {name: text}, path="/processes/check").json
        assert report["ok"] is False and report["problems"], name
        assert all(p["message"] for p in report["problems"])
