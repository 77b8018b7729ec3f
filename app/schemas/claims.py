"""Claims (reclamaciones) and the documents they are based on, as the API reads and writes them."""
from __future__ import annotations

from marshmallow import ValidationError, fields, post_load

from app.i18n import _l
from app.models import CHANNELS, DOCUMENT_TYPES
from app.models.claim import CLAIM_ORIGINS, LINE_STATUSES
from app.schemas.base import ApiSchema, UserRefSchema, derived, integer, moment, one_of, string
from app.services.claims import claims as claim_service
from app.services.claims import lines as claim_lines

MAX_MONEY = 9_999_999_999.99  # a number, not a Decimal: the OpenAPI document needs a JSON number
_MONEY = {"description": "Amount in MXN, a decimal string such as \"120.50\"."}


def money(**kwargs) -> fields.Decimal:
    """An amount the money columns can hold (Numeric(12, 2)), never negative; documented as JSON numbers."""
    metadata = {**kwargs.pop("metadata", {}), "minimum": 0, "maximum": MAX_MONEY}
    return fields.Decimal(places=2, validate=_money_range, metadata=metadata, **kwargs)


def _money_range(value) -> None:
    if not 0 <= value <= MAX_MONEY:
        raise ValidationError(_l("Value not allowed."))


class DocumentLineSchema(ApiSchema):
    ref = fields.String(metadata={"description": "The line's id in the billing system: claim it by this."})
    position = fields.Integer()
    concept = fields.String()
    quantity = fields.Decimal(as_string=True)
    unit_price = fields.Decimal(as_string=True)
    amount = fields.Decimal(as_string=True)
    period = fields.String()


class DocumentSchema(ApiSchema):
    doc_type = fields.String(metadata={"enum": list(DOCUMENT_TYPES)})
    type_label = fields.String()
    number = fields.String()
    issued_on = fields.Date()
    period = fields.String()
    status = fields.String()
    total = fields.Decimal(as_string=True)
    lines = fields.List(fields.Nested(DocumentLineSchema))


class DocumentListSchema(ApiSchema):
    documents = fields.List(fields.Nested(DocumentSchema))


class DocumentQuerySchema(ApiSchema):
    doc_type = one_of(list(DOCUMENT_TYPES))


class LineInputSchema(ApiSchema):
    document_line_ref = string(40, metadata={"description": "A line of the claim's document (its ref)."})
    concept = string(200, metadata={"description": "Defaults to the document line's concept."})
    quantity = money(metadata=_MONEY)
    amount = money(metadata={**_MONEY, "description": "Defaults to the document line's amount."})
    reason_code = string(40, metadata={"description": "Defaults to the claim's reason."})
    notes = string(2000)

    @post_load
    def make(self, data: dict, **_kw) -> claim_lines.LineInput:
        return claim_lines.LineInput(**data)


class LineUpdateSchema(LineInputSchema):
    class Meta:
        exclude = ("document_line_ref",)


class ClaimCreateSchema(ApiSchema):
    customer_number = string(40, required=True)
    channel = one_of(CHANNELS, required=True)
    origin = one_of([o for o in CLAIM_ORIGINS if o != "portal"], load_default="manual", metadata={
        "description": "manual (typed in), document (copied from the document), call (from a phone call)."})
    document_type = one_of(list(DOCUMENT_TYPES))
    document_number = string(40)
    reason_code = string(40, required=True)
    notes = string(4000)
    call_ticket = string(20, metadata={"description": "Number of the call's ticket (origin call)."})
    lines = fields.List(fields.Nested(LineInputSchema), metadata={
        "description": "Omitted when copying from a document: every line of it is proposed with its amount."})

    @post_load
    def make(self, data: dict, **_kw) -> claim_service.ClaimInput:
        return claim_service.ClaimInput(**data)


class SubmitSchema(ApiSchema):
    lines = fields.List(integer(1), metadata={"description": "Line ids; all sendable lines when omitted."})


class ApprovalSchema(ApiSchema):
    level = fields.Integer()
    by = fields.String(allow_none=True)
    at = fields.String()
    decision = fields.String()
    reason = fields.String()


class VersionSchema(ApiSchema):
    number = fields.Integer()
    concept = fields.String()
    quantity = fields.Decimal(as_string=True)
    amount = fields.Decimal(as_string=True)
    reason_code = fields.String()
    notes = fields.String()
    document_line_ref = fields.String(allow_none=True)
    submitted_by = fields.Nested(UserRefSchema, allow_none=True)
    submitted_at = fields.DateTime()
    decision = fields.String(metadata={"enum": ["pending", "approved", "rejected", "cancelled"]})
    decided_by = fields.Nested(UserRefSchema, allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String()
    approvals = fields.List(fields.Nested(ApprovalSchema))
    effect = fields.Dict(allow_none=True)


class ClaimLineSchema(ApiSchema):
    id = fields.Integer()
    position = fields.Integer()
    document_line_ref = fields.String(allow_none=True)
    document_line_amount = fields.Decimal(as_string=True, allow_none=True)
    concept = fields.String()
    quantity = fields.Decimal(as_string=True)
    amount = fields.Decimal(as_string=True)
    reason_code = fields.String()
    notes = fields.String()
    status = fields.String(metadata={"enum": list(LINE_STATUSES)})
    status_label = fields.String()
    edited = fields.Boolean(metadata={"description": "Approved line with changes not yet approved."})
    effective_version = derived(fields.Integer(allow_none=True),
                                lambda line: line.effective_version.number if line.effective_version else None)
    versions = fields.List(fields.Nested(VersionSchema))


class ClaimSummarySchema(ApiSchema):
    number = derived(fields.String(), lambda c: c.ticket.number)
    status = derived(fields.String(), lambda c: c.ticket.status)
    customer = derived(fields.Dict(), lambda c: {"number": c.ticket.customer.number, "name": c.ticket.customer.name})
    channel = derived(fields.String(), lambda c: c.ticket.channel)
    origin = fields.String(metadata={"enum": list(CLAIM_ORIGINS)})
    call_ticket = derived(fields.String(allow_none=True),
                          lambda c: getattr(claim_service.call_ticket_of(c), "number", None))
    document_type = fields.String(allow_none=True)
    document_number = fields.String(allow_none=True)
    reason_code = fields.String()
    notes = fields.String()
    reported_at = derived(fields.DateTime(), lambda c: c.ticket.reported_at)
    total_claimed = derived(fields.Decimal(as_string=True), claim_service.claimed_total)


class ClaimSchema(ClaimSummarySchema):
    lines = fields.List(fields.Nested(ClaimLineSchema))


class ClaimListSchema(ApiSchema):
    claims = fields.List(fields.Nested(ClaimSummarySchema))


class ClaimQuerySchema(ApiSchema):
    status = one_of(list(LINE_STATUSES), metadata={"description": "Claims with a line in this status."})
    document_type = one_of(list(DOCUMENT_TYPES))
    customer = string(40)
    min_amount = money()
    max_amount = money()
    since = moment()
    until = moment()
    approver = string(80)
    limit = integer(1, 500)

    @post_load
    def make(self, data: dict, **_kw) -> claim_service.ClaimFilter:
        return claim_service.ClaimFilter(**data)
