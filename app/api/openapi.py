"""The OpenAPI 3 document, generated from the routes, their docstrings (YAML after ``---``) and the schemas.

Each view's docstring states what is particular to it; what every route shares (authentication, the
errors of a JSON body, path parameters) is added here from the route itself.
"""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.yaml_utils import load_operations_from_docstring
from flask import current_app

from app.api import bp
from app.schemas.errors import ErrorSchema
from app.url_converters import MAX_ID

ERROR_RESPONSES = {
    "BadRequest": (400, "Malformed JSON."),
    "Unauthorized": (401, "Missing, invalid or expired bearer token (or wrong credentials)."),
    "Forbidden": (403, "The caller may not do this."),
    "NotFound": (404, "No such resource, or the caller may not see it."),
    "Conflict": (409, "Someone else got there first, or the process is elsewhere."),
    "UnsupportedMediaType": (415, "The body is not application/json."),
    "ValidationFailed": (422, "Input rejected; `errors` has the messages per field."),
    "Unavailable": (503, "A part of the server or an outside system is not available now."),
}
# Converters of Flask rules, ``<int:instance_id>``, as OpenAPI types.
_RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_TYPES = {"int": {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "float": {"type": "number"}}


@bp.get("/openapi.json")
def openapi_document():
    """This document.
    ---
    get:
      tags: [meta]
      responses:
        200:
          description: The OpenAPI 3 document of the API.
          content:
            application/json:
              schema: {type: object}
    """
    return build_spec().to_dict()


def build_spec() -> APISpec:
    spec = APISpec(title="Atiende API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()], security=[{"bearerAuth": []}],
                   info={"description": "Complaints, their tasks and their processes. Texts are Spanish."})
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    for name, (_status, description) in ERROR_RESPONSES.items():
        spec.components.response(name, {"description": description,
                                        "content": {"application/json": {"schema": "Error"}}})
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.startswith(f"{bp.name}."):
            view = current_app.view_functions[rule.endpoint]
            spec.path(path=_RULE_ARGUMENT.sub(r"{\g<name>}", rule.rule), operations=_operations(view),
                      parameters=_path_parameters(rule.rule))
    return spec


def _operations(view) -> dict:
    operations = load_operations_from_docstring(view.__doc__ or "")
    summary = (view.__doc__ or "").strip().splitlines()[0]
    secured = getattr(view, "requires_token", False)
    for operation in operations.values():
        operation.setdefault("summary", summary)
        if not secured:
            operation["security"] = []
        shared = (["Unauthorized"] if secured else []) + (
            ["BadRequest", "UnsupportedMediaType", "ValidationFailed"] if "requestBody" in operation else [])
        responses = operation.setdefault("responses", {})
        for name in shared:
            responses.setdefault(ERROR_RESPONSES[name][0], name)
    return operations


def _path_parameters(rule: str) -> list[dict]:
    return [{"in": "path", "name": match["name"], "required": True,
             "schema": _TYPES.get(match["converter"], {"type": "string"})}
            for match in _RULE_ARGUMENT.finditer(rule)]
