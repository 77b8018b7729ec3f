"""A customer's documents as staff and the customer see them (always through the billing port), and the
demo documents the built-in adapter starts with."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.errors import Forbidden, NotFound
from app.extensions import db
from app.i18n import _
from app.models import DOCUMENT_TYPES, BillingDocument, BillingDocumentLine, Customer, User
from app.services.claims.billing_port import Document, port

CLAIM_WRITERS = ("agent", "supervisor", "admin")


def customer_by_number(number: str) -> Customer:
    customer = db.session.scalar(select(Customer).where(Customer.number == number))
    if customer is None:
        raise NotFound(_("No customer has the number %(number)s.", number=number))
    return customer


def staff_customer_documents(number: str, doc_type: str | None, actor: User) -> list[Document]:
    require_claims_staff(actor)
    return customer_documents(customer_by_number(number), doc_type)


def staff_document(number: str, doc_type: str, doc_number: str, actor: User) -> tuple[Customer, Document]:
    """The document viewer: one document of the customer ``number``."""
    require_claims_staff(actor)
    customer = customer_by_number(number)
    return customer, customer_document(customer, doc_type, doc_number)


def require_claims_staff(actor: User | None, *, write: bool = False) -> None:
    """Contact center, supervisors and admins file and change claims; approvers also read them."""
    roles = CLAIM_WRITERS if write else (*CLAIM_WRITERS, "approver")
    if actor is None or not actor.has_role(*roles):
        raise Forbidden(_("You may not work on claims."))


def customer_documents(customer: Customer, doc_type: str | None = None) -> list[Document]:
    """The customer's own documents, newest first."""
    documents = port().documents(customer)
    return [d for d in documents if doc_type is None or d.doc_type == doc_type]


def customer_document(customer: Customer, doc_type: str, number: str) -> Document:
    """One of the customer's documents; another customer's (or an unknown one) is ``NotFound``."""
    if doc_type not in DOCUMENT_TYPES:
        raise NotFound(_("The customer has no document %(number)s.", number=number))
    document = port().document(customer, doc_type, number)
    if document is None:
        raise NotFound(_("The customer has no document %(number)s.", number=number))
    return document


# --- Demo data (built-in adapter) ----------------------------------------------------------------------

# Monthly plan per demo customer: (plan concept, monthly price, extra concept, extra price)
_DEMO_PLANS = {
    "C-1001": ("Internet hogar 100 Mbps", Decimal("549.00"), "Renta de módem", Decimal("49.00")),
    "C-1002": ("Internet hogar 50 Mbps", Decimal("399.00"), "Servicio de TV en línea", Decimal("149.00")),
    "C-1003": ("Internet negocio 200 Mbps", Decimal("1299.00"), "IP fija", Decimal("199.00")),
}
_DEMO_MONTHS = [(2026, 8), (2026, 9), (2026, 10), (2026, 11)]
_MONTH_NAMES = {8: "agosto", 9: "septiembre", 10: "octubre", 11: "noviembre"}


def load_demo_documents() -> None:
    """Four monthly invoices, a service order, a maintenance sales order, a sales order and a sales schedule
    per demo customer; called inside the demo loader's transaction; running it twice changes nothing."""
    for number, (plan, price, extra, extra_price) in _DEMO_PLANS.items():
        customer = db.session.scalar(select(Customer).where(Customer.number == number))
        if customer is None:
            continue
        suffix = number.split("-")[-1]
        for year, month in _DEMO_MONTHS:
            period = f"{_MONTH_NAMES[month]} {year}"
            _demo_document(customer, "invoice", f"F-{year}{month:02d}-{suffix}", date(year, month, 1), period, [
                (plan, 1, price, period), (extra, 1, extra_price, period)])
        _demo_document(customer, "service_order", f"OS-2026-{suffix}1", date(2026, 9, 12), "", [
            ("Visita técnica: revisión de la instalación", 1, Decimal("250.00"), "")])
        _demo_document(customer, "maintenance_sales_order", f"OVM-2026-{suffix}1", date(2026, 10, 3), "", [
            ("Mantenimiento preventivo del equipo", 1, Decimal("300.00"), ""),
            ("Reemplazo de cableado interior (metros)", 10, Decimal("15.00"), "")])
        _demo_document(customer, "sales_order", f"OV-2026-{suffix}1", date(2026, 8, 20), "", [
            ("Router inalámbrico de doble banda", 1, Decimal("899.00"), ""),
            ("Repetidor de señal", 2, Decimal("450.00"), "")])
        _demo_document(customer, "sales_schedule", f"PV-2026-{suffix}1", date(2026, 11, 1), "dic 2026 - feb 2027", [
            (f"{plan} (mensualidad programada)", 3, price, "dic 2026 - feb 2027")])


def _demo_document(customer: Customer, doc_type: str, number: str, issued_on: date, period: str, lines) -> None:
    if db.session.scalar(select(BillingDocument.id).where(
            BillingDocument.doc_type == doc_type, BillingDocument.number == number)):
        return
    document = BillingDocument(customer=customer, doc_type=doc_type, number=number, issued_on=issued_on,
                               period=period, total=Decimal("0"))
    for position, (concept, quantity, unit_price, line_period) in enumerate(lines, 1):
        amount = (Decimal(quantity) * unit_price).quantize(Decimal("0.01"))
        document.lines.append(BillingDocumentLine(position=position, concept=concept, quantity=Decimal(quantity),
                                                  unit_price=unit_price, amount=amount, period=line_period))
        document.total += amount
    db.session.add(document)
