"""schemathesis fuzzes every operation of the OpenAPI document through the WSGI app, with input that fits the
document and input that doesn't: nothing may answer 5xx.

``make test`` runs a bounded number of examples per operation and mode (``FUZZ_EXAMPLES``, default 10, the
same examples every run); ``make fuzz`` runs the same test long, with fresh random input.
"""
from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from app.services.demo_service import DEMO_PASSWORD

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 50,
                         suppress_health_check=list(HealthCheck))


def test_no_input_makes_a_server_error(app, client):
    # The admin may call every operation, so the fuzzer reaches past the permission checks.
    token = client.post("/api/v1/auth/token", json={"username": "admin", "password": DEMO_PASSWORD}).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10  # the document lists the API (a broken document would fuzz nothing)
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @FUZZ_SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case):
                response = case.call(headers=bearer)
                case.validate_response(response, checks=[not_a_server_error])

            call()
