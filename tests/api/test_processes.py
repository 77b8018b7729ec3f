"""Process analysts upload diagrams: checked like the deploy command, versioned, refused whole when broken."""
from __future__ import annotations

import io

from tests.workflow.conftest import data_file
from tests.workflow.test_deploy import renamed

SCENARIO = data_file("scenario.bpmn").decode()


def upload(api, user, files: dict[str, str], expect=200):
    data = {"files": [(io.BytesIO(text.encode()), name) for name, text in files.items()]}
    return api.post("/processes", user, data=data, content_type="multipart/form-data", expect=expect)


def test_an_analyst_deploys_and_the_version_list_shows_it(api):
    results = upload(api, "analista", {"up.bpmn": renamed(SCENARIO, "up")}).json["results"]
    assert {"process_id": "prueba_inicio_up", "version": 1, "created": True} in results
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
