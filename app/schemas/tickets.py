"""Cases (complaints, incidents, ...): what creating one takes, and how staff see one."""
from __future__ import annotations

from datetime import UTC

from marshmallow import ValidationError, fields, post_load, validates_schema

from app.i18n import _l
from app.models import CHANNELS, PRIORITIES
from app.schemas.base import (
    ApiSchema,
    TeamRefSchema,
    UserRefSchema,
    derived,
    email,
    integer,
    itself,
    moment,
    one_of,
    string,
)
from app.schemas.followups import AnswerSchema
from app.schemas.incidents import IncidentSchema
from app.schemas.links import LinkSchema
from app.schemas.tasks import TaskSchema
from app.services import sla
from app.services.cases import event_pages, ticket_read, ticket_service


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
    """A case: its kind, an existing customer's number or the data of a new customer (or both)."""

    kind = string(20, load_default="complaint", metadata={
        "description": "The kind of case, one of the active kinds (`complaint`, `incident`, ...). "
                       "Defaults to `complaint`."})
    customer_number = string(40)
    customer = fields.Nested(NewCustomerSchema)
    channel = one_of(CHANNELS, required=True)
    description = string(5000, required=True)
    contact_phone = string(40, metadata={"description": "Defaults to the customer's phone."})
    contact_email = email(metadata={"description": "Defaults to the customer's e-mail."})
    service_address = string(2000, metadata={"description": "Defaults to the customer's address."})
    equipment_brand = string(80)
    equipment_model = string(80)
    reported_at = moment(default_timezone=UTC, metadata={"description": "Defaults to now."})
    priority = one_of(PRIORITIES, metadata={"description": "As the customer reports it; the DMN decides."})
    category = string(40, metadata={"description": "A leaf code of the category taxonomy that the kind may "
                                                   "use. Usually left to the agent who validates the case."})
    # Incidents: the device and its faults (forms/incidencia_registro.schema.json), and the duplicate check.
    device_serial = string(80, metadata={"description": "Incident: serial number or IMEI."})
    faults = fields.List(fields.String(), metadata={"description": "Incident: fault codes from the registration form."})
    fault_notes = string(2000, metadata={"description": "Incident: other faults, free text."})
    confirm_new = fields.Boolean(metadata={
        "description": "Incident: the customer has an open incident on the same device (409 names it) and this "
                       "one is new all the same."})
    add_to = string(20, metadata={"description": "Incident: add this report to that open incident instead (200)."})

    @validates_schema
    def incident_fields_only_for_incidents(self, data: dict, **_kw) -> None:
        if data.get("kind") != "incident":
            for name in INCIDENT_FIELDS:
                if name in data:
                    raise ValidationError(_l("Only for incidents."), name)


INCIDENT_FIELDS = ("device_serial", "faults", "fault_notes", "confirm_new", "add_to")


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
    id = fields.Integer(metadata={"description": "Increasing along the timeline; the keyset of its pages."})
    at = fields.AwareDateTime(attribute="created_at")
    kind = fields.String()
    message = fields.String()
    public = fields.Boolean(metadata={"description": "Shown to the customer."})
    actor = fields.Nested(UserRefSchema, allow_none=True)
    on_behalf_of = fields.String(allow_none=True, metadata={"description": "The customer the actor stood for."})
    data = fields.Dict(allow_none=True)


SLA_STATUS = "`on_time`, `warning` (past the warning share of the time), `breached`, `paused` (waiting on the " \
             "customer), or null before classification; a target already met says whether it was met on time."


class SlaTargetSchema(ApiSchema):
    due_at = fields.AwareDateTime(allow_none=True, metadata={"description": "Deadline, in business time."})
    done_at = fields.AwareDateTime(allow_none=True, metadata={"description": "When it was met."})
    status = fields.String(allow_none=True, metadata={"description": SLA_STATUS})


class SlaSchema(ApiSchema):
    """Where the case stands against its SLA targets (business hours, official holidays, pauses)."""

    response = fields.Nested(SlaTargetSchema, metadata={"description": "First response to the customer."})
    resolution = fields.Nested(SlaTargetSchema)
    paused = fields.Boolean(metadata={"description": "The clock is stopped: the case waits on the customer."})


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
    response_due_at = fields.AwareDateTime(allow_none=True, metadata={"description": "Fecha máxima de respuesta."})
    first_responded_at = fields.AwareDateTime(allow_none=True)
    sla_due_at = fields.AwareDateTime(allow_none=True, metadata={"description": "Resolution deadline."})
    sla = derived(fields.Nested(SlaSchema), sla.state)
    answer = derived(fields.Nested(AnswerSchema, allow_none=True, metadata={
        "description": "The responsible area's answer (newest), if any."}), ticket_read.answer_of)
    estimated_resolution_at = fields.AwareDateTime(allow_none=True)
    escalated_at = fields.AwareDateTime(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    round = fields.Integer()
    report = fields.Dict(allow_none=True, metadata={"description": "Internal close report."})
    survey = derived(fields.Nested(SurveySchema), itself)
    open_tasks = fields.List(fields.Nested(TaskSchema))
    links = derived(fields.List(fields.Nested(LinkSchema), metadata={"description": "Both directions."}),
                    ticket_read.links_of)
    incident = fields.Nested(IncidentSchema, allow_none=True, metadata={"description": "Incidents only."})


class EventQuerySchema(ApiSchema):
    before = integer(1, metadata={"description": "The `next_before` of the previous page; omitted: the newest."})
    limit = integer(1, event_pages.MAX_PAGE_SIZE, load_default=event_pages.PAGE_SIZE)


class EventPageSchema(ApiSchema):
    """One page of a ticket's timeline, newest line first."""

    events = fields.List(fields.Nested(TicketEventSchema))
    next_before = fields.Integer(attribute="older", allow_none=True, metadata={
        "description": "Pass as `before` for the next, older page; null on the page with the first line."})


class CustomerMessageSchema(ApiSchema):
    text = string(5000, required=True)
