"""The registry describes every operation for the analyst's modeler: parameters from the handler's signature
(required or with its default) with a Spanish description, the keys of its result, its doc."""
from __future__ import annotations

from handlers.registry import operations


def test_every_operation_describes_its_parameters_and_results(app):
    described = operations()
    assert "ticket.set_status" in described and "incident.escalate" in described
    with app.test_request_context():
        for info in described.values():
            assert info.results, f"{info.name} lists no result keys"
            for parameter in info.parameters:
                assert str(parameter.description), f"{info.name}.{parameter.name} has no description"


def test_parameters_come_from_the_signature(app):
    status = operations()["ticket.set_status"]
    assert [(p.name, p.required, p.default) for p in status.parameters] == [("status", True, None),
                                                                           ("note", False, "")]
    assert status.results == ("status",)
    with app.test_request_context():
        assert str(status.parameter("note").description) == "Mensaje al cliente (opcional)."
