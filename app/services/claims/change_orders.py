"""Service change orders (orden de cambio de servicio: upgrade, downgrade, cambio de domicilio, baja... —
types are rows) and service orders: a change order must have its type and generates a service order or a
claim; a service order (from a change order or an approved claim line) can open a repair ticket, the
complaint lifecycle, linked to its claim."""
from __future__ import annotations

from sqlalchemy import select

from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import (
    BillingDocument,
    Customer,
    ServiceChangeOrder,
    ServiceChangeOrderType,
    Ticket,
    User,
)
from app.services.cases import ticket_service
from app.services.claims import claims as claim_service
from app.services.claims.billing_port import Document
from app.services.claims.documents import customer_by_number, require_claims_staff
from app.services.claims.lines import LineInput
from app.services.transaction import transaction
from handlers.links import add_link

GENERATES = ("service_order", "claim")


def types() -> list[ServiceChangeOrderType]:
    return list(db.session.scalars(select(ServiceChangeOrderType).where(ServiceChangeOrderType.active)
                                   .order_by(ServiceChangeOrderType.label)))


def create_change_order(customer_number: str, type_code: str | None, description: str, actor: User, *,
                        generate: str | None = None, claim_amount=None, claim_reason: str = "otro",
                        channel: str = "phone") -> ServiceChangeOrder:
    """Record the change order and generate what its type says (or ``generate``): a service order, or a claim
    whose one line is the change order (``claim_amount``)."""
    require_claims_staff(actor, write=True)
    customer = customer_by_number(customer_number)
    order_type = db.session.get(ServiceChangeOrderType, type_code) if type_code else None
    errors = {}
    if order_type is None or not order_type.active:
        errors["type_code"] = [_("Set the type of the service change order.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe the change.")]
    target = generate or (order_type.generates if order_type else None)
    if target not in GENERATES:
        errors["generate"] = [_("A change order generates a service order or a claim.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        order = ServiceChangeOrder(customer=customer, type=order_type, description=description.strip(),
                                   created_by_id=actor.id)
        db.session.add(order)
        db.session.flush()
        if target == "service_order":
            order.service_order = BillingDocument.new_service_order(
                customer.id, f"{order_type.label}: {order.description}", {"change_order": order.id})
        else:
            ticket = claim_service.create_claim(claim_service.ClaimInput(
                channel=channel, reason_code=claim_reason, origin="manual", customer_number=customer.number,
                notes=_("From service change order %(id)s (%(type)s).", id=order.id, type=order_type.label),
                lines=[LineInput(concept=f"{order_type.label}: {order.description}"[:200], amount=claim_amount)]),
                actor)
            order.claim_ticket_id = ticket.id
            claim = claim_service.get_claim(ticket.number)
            claim.change_order_id = order.id
        order.status = "done"
    return order


def service_order_row(document: Document, customer: Customer) -> BillingDocument | None:
    """Our row of a service order (the one that may open a repair ticket); None for any other document."""
    if document.doc_type != "service_order":
        return None
    return db.session.scalar(select(BillingDocument).where(
        BillingDocument.doc_type == "service_order", BillingDocument.number == document.number,
        BillingDocument.customer_id == customer.id))


def open_repair_ticket(order_number: str, description: str, actor: User) -> Ticket:
    """A repair ticket (complaint lifecycle) for a service order; linked to the claim the order came from."""
    require_claims_staff(actor, write=True)
    with transaction():
        order = db.session.scalar(select(BillingDocument).where(
            BillingDocument.doc_type == "service_order", BillingDocument.number == order_number).with_for_update())
        if order is None:
            raise NotFound(_("Service order %(number)s does not exist.", number=order_number))
        source = dict(order.source or {})
        if source.get("repair_ticket"):
            raise Conflict(_("Service order %(number)s already opened the repair ticket %(ticket)s.",
                             number=order_number, ticket=source["repair_ticket"]))
        text = (description or "").strip() or _("Repair requested by service order %(number)s: %(concept)s",
                                                   number=order.number, concept=order.lines[0].concept)
        ticket = ticket_service.open_case(kind="complaint", channel="phone", description=text, actor=actor,
                                          customer_number=order.customer.number)
        source["repair_ticket"] = ticket.number
        order.source = source
        if source.get("claim"):
            claim = claim_service.get_claim(source["claim"])
            add_link(ticket, claim.ticket, "origen", actor,
                     note=_("Service order %(order)s of the claim.", order=order.number))
    return ticket
