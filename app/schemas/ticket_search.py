"""The ticket history on the API: its filters (the staff page's) and one page of summaries."""
from __future__ import annotations

from marshmallow import fields, post_load, validate

from app.i18n import _l
from app.schemas.base import ApiSchema, TeamRefSchema, UserRefSchema, derived, one_of, string
from app.schemas.tickets import CustomerRefSchema, StatusSchema
from app.services.cases import ticket_search


class TicketSearchQuerySchema(ApiSchema):
    q = string(200, metadata={"description": "Words, each the start of a word of the number, customer (number, "
                                             "name, phone, e-mail), contact or description; accents and case "
                                             "ignored, any order."})
    kind = string(20, metadata={"description": "Kind code: complaint, incident, claim, followup."})
    status = string(30, metadata={"description": "Status code (matches every kind having it)."})
    state = one_of(ticket_search.STATES, metadata={"description": "Open or closed (the kind's terminal statuses)."})
    category = string(120, metadata={"description": "Category code of any level (a node matches the leaves "
                                                    "below it)."})
    priority = string(10)
    channel = string(20)
    team = string(40, metadata={"description": "Team code."})
    assignee = string(80, metadata={"description": "Username of the technician holding it."})
    customer = string(40, metadata={"description": "Customer number."})
    sla = one_of(ticket_search.SLA_FILTERS, metadata={"description": "Resolution target: met, breached, or "
                                                                     "running (open, not breached)."})
    date_from = fields.Date(metadata={"description": "Reported on or after (office time zone)."})
    date_to = fields.Date(metadata={"description": "Reported on or before (office time zone)."})
    sort = one_of(ticket_search.SORTS, metadata={"description": "Default: newest."})
    page = fields.Integer(validate=validate.Range(min=1, max=100_000, error=_l("Value not allowed.")))
    per_page = fields.Integer(validate=validate.OneOf(ticket_search.PAGE_SIZES, error=_l("Value not allowed.")))

    @post_load
    def make(self, data: dict, **_kw) -> ticket_search.TicketQuery:
        return ticket_search.TicketQuery(**data)


class TicketSummarySchema(ApiSchema):
    number = fields.String(attribute="ticket.number")
    kind = fields.String(attribute="ticket.kind")
    status = fields.Nested(StatusSchema, attribute="ticket")
    channel = fields.String(attribute="ticket.channel")
    priority = derived(fields.String(allow_none=True),
                       lambda row: row.ticket.priority or row.ticket.reported_priority)
    category = fields.String(attribute="ticket.category", allow_none=True)
    description = fields.String(attribute="ticket.description")
    customer = fields.Nested(CustomerRefSchema, attribute="ticket.customer")
    team = fields.Nested(TeamRefSchema, attribute="ticket.team", allow_none=True)
    assignee = fields.Nested(UserRefSchema, attribute="ticket.assignee", allow_none=True)
    reported_at = fields.AwareDateTime(attribute="ticket.reported_at")
    sla_due_at = fields.AwareDateTime(attribute="ticket.sla_due_at", allow_none=True)
    closed_at = fields.AwareDateTime(attribute="ticket.closed_at", allow_none=True)
    sla = fields.String(allow_none=True, metadata={"description": "Resolution target now: on_time, warning, "
                                                                  "breached, paused."})


class TicketPageSchema(ApiSchema):
    items = fields.List(fields.Nested(TicketSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
