"""Service change orders: their type is required; they generate a service order (→ repair ticket) or a claim."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app import clock
from app.errors import ValidationFailed
from app.services.claims import change_orders
from app.services.claims import claims as claim_service
from tests.conftest import user


def test_a_change_order_must_have_its_type():
    with pytest.raises(ValidationFailed) as refused:
        change_orders.create_change_order("C-1002", None, "Cambio a 200 Mbps", user("agente"))
    assert refused.value.errors["type_code"] == ["Establezca el tipo de la orden de cambio de servicio."]


def test_change_order_to_service_order_to_repair_ticket():
    order = change_orders.create_change_order("C-1002", "cambio_domicilio", "Nuevo domicilio: Calle Juárez 10",
                                              user("agente"))
    service_order = order.service_order
    assert service_order.doc_type == "service_order" and service_order.customer.number == "C-1002"
    assert service_order.lines[0].concept == "Cambio de domicilio: Nuevo domicilio: Calle Juárez 10"
    repair = change_orders.open_repair_ticket(service_order.number, "Instalar en el nuevo domicilio.",
                                              user("agente"))
    assert repair.kind == "complaint" and repair.customer.number == "C-1002"
    assert service_order.source["repair_ticket"] == repair.number


def test_a_service_order_is_dated_on_the_office_day_not_utc():
    clock.freeze(datetime(2026, 12, 31, 20, tzinfo=clock.OFFICE_TZ))  # already 1 January 2027 in UTC
    order = change_orders.create_change_order("C-1002", "cambio_domicilio", "Calle Juárez 10", user("agente"))
    assert order.service_order.issued_on == date(2026, 12, 31)
    assert order.service_order.number.startswith("OS-2026-")


def test_a_change_order_can_generate_a_claim():
    order = change_orders.create_change_order("C-1002", "baja", "Baja por mudanza fuera de la ciudad",
                                              user("agente"), claim_amount="399.00")
    [claim] = claim_service.list_claims(claim_service.ClaimFilter(customer="C-1002"), user("agente"))
    assert claim.ticket.id == order.claim_ticket_id
    assert claim.change_order_id == order.id
    assert [(ln.concept, ln.amount) for ln in claim.lines] == [
        ("Baja del servicio: Baja por mudanza fuera de la ciudad", Decimal("399.00"))]
