"""The área de cliente's claims: the customer sees only his own documents and claims, files a claim on one
of his invoices (its lines are sent for approval at once) and follows each line's decision."""
from __future__ import annotations

from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import Claim, Customer, Ticket
from app.services.claims import claim_view
from app.services.claims import claims as claim_service
from app.services.claims.billing_port import Document
from app.services.claims.documents import customer_document, customer_documents
from app.services.claims.lines import LineInput


def _customer(customer_id: int) -> Customer:
    return db.session.get(Customer, customer_id)


def invoices(customer_id: int) -> list[Document]:
    return customer_documents(_customer(customer_id), "invoice")


def invoice(customer_id: int, number: str) -> Document:
    """One of his invoices; another customer's is ``NotFound``."""
    return customer_document(_customer(customer_id), "invoice", number)


def claims(customer_id: int) -> list[Claim]:
    return claim_service.list_claims(claim_service.ClaimFilter(), customer=_customer(customer_id))


def claim_page(customer_id: int, number: str) -> claim_view.ClaimPage:
    return claim_view.customer_claim_page(number, _customer(customer_id))


def file_claim(customer_id: int, invoice_number: str, picks: dict[str, str | None], reason_code: str,
               notes: str) -> Ticket:
    """A claim on his invoice: ``picks`` maps the lines he claims (their ref) to the amount (None: all of it)."""
    lines = [LineInput(document_line_ref=ref, amount=amount or None) for ref, amount in picks.items()]
    if not lines:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"lines": [_("Choose at least one line of the invoice.")]})
    data = claim_service.ClaimInput(channel="portal", reason_code=reason_code, origin="portal",
                                    document_type="invoice", document_number=invoice_number, notes=notes,
                                    lines=lines)
    return claim_service.create_claim(data, None, _customer(customer_id), submit=True)


def reasons():
    return claim_service.reasons()
