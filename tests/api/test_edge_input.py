"""Edge input answers a clear Spanish 4xx in JSON, never a 500 (issue 9, item 8); tests/security walks every
route with such values, these pin down each case the probe found."""
from __future__ import annotations

import io

import pytest

from app.extensions import db
from app.models import ProcessVersion
from tests.workflow.conftest import data_file
from tests.workflow.test_deploy import renamed

SCENARIO = data_file("scenario.bpmn").decode()


@pytest.mark.parametrize("path", ["/workflows/9999999999999999999999999/retry", "/workflows/2147483648/retry",
                                  "/workflows/0/retry"])
def test_ids_beyond_the_database_are_not_found(api, path):
    body = api.post(path, "supervisor", expect=404).json
    assert body["message"] == "No encontrado."


@pytest.mark.parametrize("offset", ["99999999999999999999", "2147483648", "-1", "²"])
def test_huge_or_odd_offsets_are_field_errors(api, offset):
    body = api.get("/tasks", "supervisor", query_string={"offset": offset}, expect=422).json
    assert body["errors"]["offset"]


def test_a_year_one_date_is_refused(api, complaint_body):
    body = api.post("/tickets", "agente", json=complaint_body(reported_at="0001-01-01T00:00:00Z"), expect=422).json
    assert body["errors"]["reported_at"] == ["Fecha fuera de rango."]
    body = api.get("/reports/closed-tickets", "supervisor", expect=422,
                   query_string={"from": "0001-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}).json
    assert body["errors"]["from"] == ["Fecha fuera de rango."]


def test_an_existing_customer_number_as_new_customer_is_a_field_error(api, complaint_body):
    new = {"name": "Otra Persona", "number": "C-1001", "address": "Calle 1", "phone": "4490000000"}
    complaint = complaint_body(customer=new)
    del complaint["customer_number"]
    body = api.post("/tickets", "agente", json=complaint, expect=422).json
    assert body["errors"] == {"customer.number": [
        "Ya hay un cliente con este número: indíquelo en customer_number."]}


def test_a_lone_surrogate_in_text_is_a_field_error(api, client):
    token = api.token("agente")
    raw = (b'{"customer_number": "C-1001", "channel": "phone", "description": "Sin servicio \\ud800"}')
    response = client.post("/api/v1/tickets", data=raw, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert response.json["errors"]["description"] == ["El texto contiene caracteres no válidos."]


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
def test_a_diagram_in_another_encoding_deploys(api, encoding):
    suffix = encoding.replace("-", "").lower()
    xml = renamed(SCENARIO, suffix).replace('encoding="UTF-8"', f'encoding="{encoding}"')
    data = {"files": [(io.BytesIO(xml.encode(encoding)), "enc.bpmn"),
                      (io.BytesIO(data_file("forms/prueba_otra.schema.json")), "prueba_otra.schema.json")]}
    results = api.post("/processes", "analista", data=data, content_type="multipart/form-data").json["results"]
    assert {"process_id": f"prueba_inicio_{suffix}", "version": 1, "created": True,
            "message": "Versión 1 publicada."} in results
    source = db.session.query(ProcessVersion).filter_by(process_id=f"prueba_inicio_{suffix}").one().sources
    assert "Estado en diagnóstico" in source["enc.bpmn"]
    assert "UTF-8" in source["enc.bpmn"].splitlines()[0]  # kept as the UTF-8 text it now is


def test_a_doctype_hidden_in_utf16_is_refused(api):
    xml = renamed(SCENARIO, "xxe16").replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE d [<!ENTITY x "y">]>')
    data = {"files": [(io.BytesIO(xml.encode("utf-16")), "xxe16.bpmn")]}
    body = api.post("/processes", "analista", data=data, content_type="multipart/form-data", expect=422).json
    assert "DOCTYPE" in body["message"]
