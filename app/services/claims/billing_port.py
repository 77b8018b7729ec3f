"""The billing port: a customer's documents (invoices, orders, sales schedules) with their lines.

``builtin`` reads them from our database (``billing_document``); ``http`` reads them from ``BILLING_URL``:
``GET {BILLING_URL}/customers/{customer}/documents`` (a JSON list) and
``GET {BILLING_URL}/customers/{customer}/documents/{doc_type}/{number}`` (one document, 404 when unknown),
each document ``{"doc_type", "number", "issued_on", "period", "total", "status", "lines": [{"ref", "position",
"concept", "quantity", "unit_price", "amount", "period"}]}``. Reads happen before a use case opens its
transaction (no I/O inside one). Credit notes and adjustments go the other way through the outbox
(``handlers/billing.py``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import requests
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import Unavailable
from app.extensions import db
from app.i18n import _
from app.models import DOCUMENT_TYPES, BillingDocument, Customer


@dataclass(frozen=True)
class DocumentLine:
    ref: str  # stable id of the line within the billing system
    position: int
    concept: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    period: str = ""


@dataclass(frozen=True)
class Document:
    doc_type: str
    number: str
    issued_on: date
    total: Decimal
    period: str = ""
    status: str = "issued"
    lines: list[DocumentLine] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return str(DOCUMENT_TYPES.get(self.doc_type, self.doc_type))

    def line(self, ref: str) -> DocumentLine | None:
        return next((line for line in self.lines if line.ref == str(ref)), None)


class BuiltinBilling:
    def documents(self, customer: Customer) -> list[Document]:
        rows = db.session.scalars(
            select(BillingDocument).where(BillingDocument.customer_id == customer.id)
            .options(selectinload(BillingDocument.lines))
            .order_by(BillingDocument.issued_on.desc(), BillingDocument.id.desc()))
        return [_from_row(row) for row in rows]

    def document(self, customer: Customer, doc_type: str, number: str) -> Document | None:
        row = db.session.scalar(select(BillingDocument).where(
            BillingDocument.customer_id == customer.id, BillingDocument.doc_type == doc_type,
            BillingDocument.number == number))
        return _from_row(row) if row else None


def _from_row(row: BillingDocument) -> Document:
    return Document(doc_type=row.doc_type, number=row.number, issued_on=row.issued_on, total=row.total,
                    period=row.period, status=row.status, lines=[
                        DocumentLine(ref=str(line.id), position=line.position, concept=line.concept,
                                     quantity=line.quantity, unit_price=line.unit_price, amount=line.amount,
                                     period=line.period) for line in row.lines])


class HttpBilling:
    def __init__(self, url: str, timeout: float):
        if not url:
            raise ValueError("BILLING_ADAPTER=http needs BILLING_URL")
        self.url, self.timeout = url.rstrip("/"), timeout

    def documents(self, customer: Customer) -> list[Document]:
        found = self._get(f"/customers/{customer.number}/documents")
        return [_from_json(item) for item in found or []]

    def document(self, customer: Customer, doc_type: str, number: str) -> Document | None:
        found = self._get(f"/customers/{customer.number}/documents/{doc_type}/{number}")
        return _from_json(found) if found else None

    def _get(self, path: str):
        try:
            response = requests.get(self.url + path, timeout=self.timeout)
        except requests.RequestException as err:
            raise Unavailable(_("The billing system does not answer; try again in a moment.")) from err
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise Unavailable(_("The billing system does not answer; try again in a moment."))
        return response.json()


def _from_json(item: dict) -> Document:
    try:
        return Document(
            doc_type=str(item["doc_type"]), number=str(item["number"]),
            issued_on=date.fromisoformat(item["issued_on"]), total=Decimal(str(item["total"])),
            period=str(item.get("period", "")), status=str(item.get("status", "issued")), lines=[
                DocumentLine(ref=str(line["ref"]), position=int(line["position"]), concept=str(line["concept"]),
                             quantity=Decimal(str(line["quantity"])), unit_price=Decimal(str(line["unit_price"])),
                             amount=Decimal(str(line["amount"])), period=str(line.get("period", "")))
                for line in item.get("lines", [])])
    except (KeyError, TypeError, ValueError, InvalidOperation) as err:
        raise Unavailable(_("The billing system sent a document we cannot read.")) from err


def port() -> BuiltinBilling | HttpBilling:
    config = current_app.config
    if config.get("BILLING_ADAPTER", "builtin") == "http":
        return HttpBilling(config.get("BILLING_URL", ""), float(config.get("BILLING_TIMEOUT", 5)))
    return BuiltinBilling()
