"""The OpenAPI document: public, valid, and listing every route of the blueprint."""
from __future__ import annotations

import re

import pytest

PUBLIC = {("/api/v1/auth/token", "post"), ("/api/v1/openapi.json", "get")}


@pytest.fixture
def document(api) -> dict:
    return api.get("/openapi.json", None).json


def _routes(app) -> set[tuple[str, str]]:
    return {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
            for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_the_document_is_valid_openapi_3(document):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)


def test_the_document_lists_every_route_and_nothing_else(app, document):
    assert document["openapi"].startswith("3.")
    assert {(path, method) for path, method, _op in _operations(document)} == _routes(app)


def test_only_the_token_and_the_document_are_public(document):
    assert document["security"] == [{"bearerAuth": []}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    for path, method, operation in _operations(document):
        if (path, method) in PUBLIC:
            assert operation["security"] == []
        else:
            assert "security" not in operation and "401" in operation["responses"], (path, method)


def test_operations_are_documented_from_the_schemas(document):
    schemas = document["components"]["schemas"]
    for path, method, operation in _operations(document):
        assert operation["summary"] and operation["tags"], (path, method)
        if "requestBody" in operation:
            assert {"400", "415", "422"} <= set(operation["responses"]), (path, method)
            content = operation["requestBody"]["content"]
            if "application/json" in content:  # uploads are multipart, described inline
                ref = content["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] in schemas
    assert set(schemas["TicketCreate"]["required"]) == {"channel", "description"}
    assert schemas["TicketCreate"]["properties"]["priority"]["enum"] == ["alta", "media", "baja"]
    kind = schemas["TicketCreate"]["properties"]["kind"]
    assert kind["default"] == "complaint" and "active kinds" in kind["description"]
    assert schemas["Error"]["required"] == ["message"]


def test_path_parameters_are_typed_from_the_routes(document):
    (retry,) = document["paths"]["/api/v1/workflows/{instance_id}/retry"]["parameters"]
    assert retry == {"in": "path", "name": "instance_id", "required": True,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
    filters = {p["name"] for p in document["paths"]["/api/v1/tasks"]["get"]["parameters"]}
    assert {"ticket", "lane", "team", "assignee"} <= filters
