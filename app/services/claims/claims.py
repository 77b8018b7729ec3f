"""Claim use cases: open one (by hand, copied from a document, from a call, by the customer), read and list
them, edit, send and cancel lines, cancel a claim. Each public function is one transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import clock
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import Claim, ClaimLine, ClaimReason, Customer, HumanTask, Ticket, TicketLink, User
from app.models.claim import CLAIM_ORIGINS
from app.services.cases import ticket_service
from app.services.claims import lines as claim_lines
from app.services.claims.billing_port import Document
from app.services.claims.documents import customer_by_number, customer_document, require_claims_staff
from app.services.transaction import transaction
from handlers.links import add_link
from handlers.tickets import change_status


@dataclass
class ClaimInput:
    channel: str
    reason_code: str
    origin: str = "manual"  # manual | document | call | portal
    customer_number: str | None = None
    document_type: str | None = None
    document_number: str | None = None
    notes: str = ""
    lines: list[claim_lines.LineInput] = field(default_factory=list)
    call_ticket: str | None = None  # the call's ticket number (origin "call")


def reasons() -> list[ClaimReason]:
    return list(db.session.scalars(select(ClaimReason).where(ClaimReason.active).order_by(ClaimReason.label)))


def create_claim(data: ClaimInput, actor: User | None, customer: Customer | None = None, *,
                 submit: bool = False) -> Ticket:
    """Open a claim with its draft lines. Copied from a document without lines picked: every line of the
    document is proposed with its amount. ``customer`` (the área de cliente) scopes it to his own documents;
    ``submit`` sends every line for approval in the same transaction (what the customer files is sent)."""
    if customer is None:
        require_claims_staff(actor, write=True)
    customer = customer or customer_by_number(data.customer_number or "")
    document = None
    if data.document_number:
        document = customer_document(customer, data.document_type or "", data.document_number)  # before the tx
    elif data.origin == "document":
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"document_number": [_("Choose the document to copy the claim from.")]})
    with transaction():
        call_ticket = _call_ticket(data, customer)
        errors: dict = {}
        if db.session.get(ClaimReason, data.reason_code or "") is None:
            errors["reason_code"] = [_("Choose one of the claim reasons.")]
        if data.origin not in CLAIM_ORIGINS or (data.origin == "portal") != (actor is None):
            errors["origin"] = [_("Value not allowed.")]
        picked = data.lines or ([claim_lines.LineInput(document_line_ref=line.ref) for line in document.lines]
                                if document else [])
        if not picked:
            errors["lines"] = [_("A claim needs at least one line.")]
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
        ticket = ticket_service.open_case(
            kind="claim", channel=data.channel, description=_description(data, document), actor=actor,
            customer_number=customer.number, category=None)
        claim = Claim(ticket=ticket, document_type=document.doc_type if document else None,
                      document_number=document.number if document else None, reason_code=data.reason_code,
                      notes=(data.notes or "").strip(), origin=data.origin)
        db.session.add(claim)
        db.session.flush()
        if call_ticket is not None:
            add_link(ticket, call_ticket, "origen", actor)
        for position, line_data in enumerate(picked, 1):
            line = claim_lines.build_line(claim, position, line_data, document, data.reason_code, errors,
                                          f"lines.{position - 1}")
            if line is not None:
                db.session.add(line)
                db.session.flush()  # the next line's amount check counts this one
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
        if submit:
            db.session.refresh(claim)
            for line in claim.lines:
                claim_lines.submit(line, actor, document)
    return ticket


def _call_ticket(data: ClaimInput, customer: Customer) -> Ticket | None:
    if data.origin != "call" or not data.call_ticket:
        return None
    ticket = db.session.scalar(select(Ticket).where(Ticket.number == data.call_ticket))
    if ticket is None or ticket.customer_id != customer.id:
        raise ValidationFailed(_("Please correct the marked fields."), errors={
            "call_ticket": [_("The customer has no ticket %(number)s.", number=data.call_ticket)]})
    return ticket


def _description(data: ClaimInput, document: Document | None) -> str:
    about = (_("Claim on %(document)s %(number)s", document=document.type_label, number=document.number)
             if document else _("Claim typed in by hand"))
    return f"{about}. {data.notes}".strip()


def staff_claim(number: str, actor: User) -> Claim:
    require_claims_staff(actor)
    return get_claim(number)


def call_ticket_of(claim: Claim) -> Ticket | None:
    """The call's ticket the claim was taken on (its "origen" link)."""
    return db.session.scalar(select(Ticket).join(TicketLink, TicketLink.target_id == Ticket.id).where(
        TicketLink.ticket_id == claim.ticket_id, TicketLink.link_type == "origen"))


def get_claim(number: str, customer: Customer | None = None) -> Claim:
    """A claim by its ticket number; for a customer only his own (another's is ``NotFound``)."""
    claim = db.session.scalar(
        select(Claim).join(Ticket, Ticket.id == Claim.ticket_id).where(Ticket.number == number)
        .options(selectinload(Claim.lines).selectinload(ClaimLine.versions)))
    if claim is None or (customer is not None and claim.ticket.customer_id != customer.id):
        raise NotFound(_("Claim %(number)s does not exist.", number=number))
    return claim


@dataclass
class ClaimFilter:
    status: str | None = None  # of a line: draft | pending | approved | rejected | cancelled
    document_type: str | None = None
    customer: str | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    since: datetime | None = None
    until: datetime | None = None
    approver: str | None = None  # username who decided a line of it
    limit: int = 100


def list_claims(flt: ClaimFilter, actor: User | None = None, customer: Customer | None = None) -> list[Claim]:
    if customer is None:
        require_claims_staff(actor)
    query = (select(Claim).join(Ticket, Ticket.id == Claim.ticket_id)
             .options(selectinload(Claim.lines), selectinload(Claim.ticket).selectinload(Ticket.customer))
             .order_by(Ticket.id.desc()))
    if customer is not None:
        query = query.where(Ticket.customer_id == customer.id)
    if flt.customer:
        query = query.join(Customer, Customer.id == Ticket.customer_id).where(Customer.number == flt.customer)
    if flt.document_type:
        query = query.where(Claim.document_type == flt.document_type)
    if flt.since:
        query = query.where(Ticket.reported_at >= flt.since)
    if flt.until:
        query = query.where(Ticket.reported_at < flt.until)
    if flt.status:
        query = query.where(Claim.lines.any(ClaimLine.status == flt.status))
    if flt.approver:
        query = query.where(Claim.ticket_id.in_(
            select(HumanTask.ticket_id).join(User, User.id == HumanTask.completed_by_id)
            .where(User.username == flt.approver, HumanTask.process_id == "reclamacion_linea")))
    claims = list(db.session.scalars(query.limit(min(flt.limit, 500))).unique())
    return [c for c in claims if _in_amount(c, flt)]


def claimed_total(claim: Claim) -> Decimal:
    return sum((line.amount for line in claim.lines if line.status in claim_lines.COUNTING), Decimal(0))


def _in_amount(claim: Claim, flt: ClaimFilter) -> bool:
    total = claimed_total(claim)
    return (flt.min_amount is None or total >= flt.min_amount) and (flt.max_amount is None or total <= flt.max_amount)


def update_line(number: str, line_id: int, changes: claim_lines.LineInput, actor: User | None,
                customer: Customer | None = None) -> ClaimLine:
    _check_writer(actor, customer)
    with transaction():
        get_claim(number, customer)
        line = claim_lines.line_for_update(number, line_id)
        claim_lines.edit(line, changes)
    return line


def add_line(number: str, data: claim_lines.LineInput, actor: User | None) -> ClaimLine:
    _check_writer(actor, None)
    claim = get_claim(number)
    document = _document_of(claim)
    with transaction():
        _refuse_closed(claim)
        errors: dict = {}
        line = claim_lines.build_line(claim, max((ln.position for ln in claim.lines), default=0) + 1, data,
                                      document, claim.reason_code, errors, "line")
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
        db.session.add(line)
    return line


def submit_lines(number: str, line_ids: list[int] | None, actor: User | None,
                 customer: Customer | None = None) -> Claim:
    """Send lines for approval (all sendable ones when ``line_ids`` is empty): one checked version each."""
    _check_writer(actor, customer)
    claim = get_claim(number, customer)
    document = _document_of(claim)
    with transaction():
        _refuse_closed(claim)
        ids = line_ids or [ln.id for ln in claim.lines if claim_lines.sendable(ln)]
        if not ids:
            raise Conflict(_("The claim has no lines to send for approval."))
        for line_id in ids:
            claim_lines.submit(claim_lines.line_for_update(number, line_id), actor, document)
    return claim


def cancel_line(number: str, line_id: int, actor: User | None, customer: Customer | None = None) -> ClaimLine:
    _check_writer(actor, customer)
    with transaction():
        claim = get_claim(number, customer)
        line = claim_lines.line_for_update(number, line_id)
        claim_lines.cancel(line, actor)
        refresh_status(claim)
    return line


def cancel_claim(number: str, actor: User | None, customer: Customer | None = None) -> Claim:
    """Cancel the whole claim while none of its lines has been decided."""
    _check_writer(actor, customer)
    with transaction():
        claim = get_claim(number, customer)
        _refuse_closed(claim)
        if any(line.status in ("approved", "rejected") for line in claim.lines):
            raise Conflict(_("Some lines of this claim were already decided: cancel the open lines one by one."))
        for line in claim.lines:
            if line.status != "cancelled":
                claim_lines.cancel(claim_lines.line_for_update(number, line.id), actor)
        claim.cancelled_at = clock.now()
        change_status(claim.ticket, "cancelled", _("The claim was cancelled."))
    return claim


def refresh_status(claim: Claim) -> None:
    """After a line is cancelled: a claim whose lines are all cancelled is cancelled; one whose other lines
    are all decided is decided."""
    if all(line.status == "cancelled" for line in claim.lines):
        claim.cancelled_at = clock.now()
        change_status(claim.ticket, "cancelled", _("The claim was cancelled."))
    elif claim.settled() and claim.ticket.status != "decided":
        change_status(claim.ticket, "decided", _("Every line of your claim has been decided."))


def _check_writer(actor: User | None, customer: Customer | None) -> None:
    if customer is None:
        require_claims_staff(actor, write=True)


def _refuse_closed(claim: Claim) -> None:
    if claim.ticket.status == "cancelled":
        raise Conflict(_("Claim %(number)s is closed.", number=claim.ticket.number))


def _document_of(claim: Claim) -> Document | None:
    if not claim.document_number:
        return None
    return customer_document(claim.ticket.customer, claim.document_type, claim.document_number)
