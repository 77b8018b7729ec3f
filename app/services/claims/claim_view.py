"""What the claim pages show: the claim with its lines, each version beside the one before it (the diff),
the approval history, the document it is based on, and (staff) the ticket page's diagram and open tasks."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import Unavailable
from app.models import Claim, ClaimLine, ClaimLineVersion, ClaimReason, Customer, Ticket, User
from app.services.cases import portal_service, ticket_view_service
from app.services.claims import claims as claim_service
from app.services.claims import lines as claim_lines
from app.services.claims.billing_port import Document
from app.services.claims.documents import customer_document, require_claims_staff


@dataclass
class VersionView:
    version: ClaimLineVersion
    changes: list[tuple[str, str | None, str]]  # against the previous version


@dataclass
class LineView:
    line: ClaimLine
    versions: list[VersionView]
    editable: bool
    sendable: bool
    cancellable: bool


@dataclass
class ClaimPage:
    claim: Claim
    lines: list[LineView]
    document: Document | None
    reasons: list[ClaimReason]
    ticket_page: ticket_view_service.TicketPage | None  # staff only: diagram, tasks, timeline
    call_ticket: Ticket | None = None  # the call's ticket it was taken on ("origen" link)
    events: list = field(default_factory=list)  # the customer's: the public timeline (decisions and reasons)


def staff_claim_page(number: str, user: User) -> ClaimPage:
    require_claims_staff(user)
    claim = claim_service.get_claim(number)
    return _page(claim, ticket_view_service.ticket_page(number, user))


def customer_claim_page(number: str, customer: Customer) -> ClaimPage:
    page = _page(claim_service.get_claim(number, customer), None)
    page.events = portal_service.ticket_view(customer.id, number).events
    return page


def _page(claim: Claim, ticket_page) -> ClaimPage:
    closed = claim.ticket.status == "cancelled"
    views = []
    for line in claim.lines:
        previous = None
        versions = []
        for version in line.versions:
            versions.append(VersionView(version, claim_lines.diff(previous, version)))
            previous = version
        views.append(LineView(line=line, versions=versions,
                              editable=not closed and line.status in ("draft", "approved"),
                              sendable=not closed and claim_lines.sendable(line),
                              cancellable=not closed and line.status in ("draft", "pending")))
    return ClaimPage(claim=claim, lines=views, document=_document(claim), reasons=claim_service.reasons(),
                     ticket_page=ticket_page, call_ticket=claim_service.call_ticket_of(claim))


def _document(claim: Claim) -> Document | None:
    if not claim.document_number:
        return None
    try:
        return customer_document(claim.ticket.customer, claim.document_type, claim.document_number)
    except Unavailable:
        return None  # the page still shows the claim when billing does not answer
