"""Complaints: what creating one takes, and how staff see one."""
from __future__ import annotations

from datetime import UTC

from marshmallow import fields, post_load

from app.models import CHANNELS, PRIORITIES
from app.schemas.base import ApiSchema, TeamRefSchema, UserRefSchema, derived, email, itself, one_of, string
from app.schemas.tasks import TaskSchema
from app.services.cases import ticket_service


class NewCustomerSchema(ApiSchema):
    name = string(160, required=True)
    number = string(40)
    address = string(2000)
    phone = string(40)
    email = email()

    @post_load
    def make(self, data: dict, **_kw) -> ticket_service.NewCustomer:
        return ticket_service.NewCustomer(**data)


class TicketCreateSchema(ApiSchema):
    """A complaint: an existing customer's number, or the data of a new customer (or both)."""

    customer_number = string(40)
    customer = fields.Nested(NewCustomerSchema)
    channel = one_of(CHANNELS, required=True)
    description = string(5000, required=True)
    contact_phone = string(40, metadata={"description": "Defaults to the customer's phone."})
    contact_email = email(metadata={"description": "Defaults to the customer's e-mail."})
    service_address = string(2000, metadata={"description": "Defaults to the customer's address."})
    equipment_brand = string(80)
    equipment_model = string(80)
    reported_at = fields.AwareDateTime(default_timezone=UTC, metadata={"description": "Defaults to now."})
    priority = one_of(PRIORITIES, metadata={"description": "As the customer reports it; the DMN decides."})


class StatusSchema(ApiSchema):
    code = fields.String(attribute="status")
    label = fields.String(attribute="status_label")


class CustomerRefSchema(ApiSchema):
    number = fields.String()
    name = fields.String()


class EquipmentSchema(ApiSchema):
    brand = fields.String(attribute="equipment_brand")
    model = fields.String(attribute="equipment_model")


class SurveySchema(ApiSchema):
    score = fields.Integer(attribute="survey_score", allow_none=True)
    comment = fields.String(attribute="survey_comment", allow_none=True)


class TicketEventSchema(ApiSchema):
    at = fields.AwareDateTime(attribute="created_at")
    kind = fields.String()
    message = fields.String()
    public = fields.Boolean(metadata={"description": "Shown to the customer."})
    actor = fields.Nested(UserRefSchema, allow_none=True)
    on_behalf_of = fields.String(allow_none=True, metadata={"description": "The customer the actor stood for."})
    data = fields.Dict(allow_none=True)


class TicketSchema(ApiSchema):
    number = fields.String()
    kind = fields.String()
    status = derived(fields.Nested(StatusSchema), itself)
    channel = fields.String()
    priority = fields.String(allow_none=True)
    reported_priority = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    description = fields.String()
    customer = fields.Nested(CustomerRefSchema)
    contact_phone = fields.String()
    contact_email = fields.String()
    service_address = fields.String()
    equipment = derived(fields.Nested(EquipmentSchema), itself)
    team = fields.Nested(TeamRefSchema, allow_none=True)
    assignee = fields.Nested(UserRefSchema, allow_none=True)
    reported_at = fields.AwareDateTime()
    sla_due_at = fields.AwareDateTime(allow_none=True)
    estimated_resolution_at = fields.AwareDateTime(allow_none=True)
    escalated_at = fields.AwareDateTime(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    round = fields.Integer()
    report = fields.Dict(allow_none=True, metadata={"description": "Internal close report."})
    survey = derived(fields.Nested(SurveySchema), itself)
    timeline = fields.List(fields.Nested(TicketEventSchema), attribute="events")
    open_tasks = fields.List(fields.Nested(TaskSchema))


class CustomerMessageSchema(ApiSchema):
    text = string(5000, required=True)
