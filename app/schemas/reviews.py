"""The periodic review of closed tickets and the internal report of a closed ticket."""
from marshmallow import fields

from app.models import DECISIONS
from app.schemas.base import ApiSchema, derived, integer, one_of, string


class ReviewRunQuerySchema(ApiSchema):
    page = integer(minimum=1, maximum=10_000, load_default=1)


class ReviewPeriodSchema(ApiSchema):
    start = fields.Date(data_key="from", required=True, metadata={"description": "First day (office time zone)."})
    end = fields.Date(data_key="to", required=True, metadata={"description": "Last day, included."})


class ProblemDecisionSchema(ApiSchema):
    decision = one_of(DECISIONS, required=True)
    improvement_action = string(2000, load_default="")
    owner = string(80, load_default="", metadata={"description": "Username of who owns the action."})
    due_on = string(10, load_default="", metadata={"description": "Date the action is due (YYYY-MM-DD)."})


class RecurringProblemSchema(ApiSchema):
    id = fields.Integer()
    kind = fields.String()
    category = fields.String(allow_none=True)
    equipment = fields.String()
    terms = fields.List(fields.String())
    similarity = fields.Float()
    tickets = derived(fields.List(fields.String()), lambda p: [t.number for t in p.tickets])
    decision = fields.String()
    improvement_action = fields.String()
    owner = derived(fields.String(allow_none=True), lambda p: p.owner.username if p.owner else None)
    due_on = fields.Date(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)


class ReviewRunHeadSchema(ApiSchema):
    id = fields.Integer()
    period_start = fields.Date(data_key="from")
    period_end = fields.Date(data_key="to")
    tickets_reviewed = fields.Integer()
    created_at = fields.DateTime()
    created_by = derived(fields.String(allow_none=True), lambda r: r.created_by.username if r.created_by else None)


class ReviewRunSchema(ReviewRunHeadSchema):
    problems = fields.List(fields.Nested(RecurringProblemSchema))


class ReviewRunSummarySchema(ApiSchema):
    run = fields.Nested(ReviewRunHeadSchema)
    proposed = fields.Integer()
    patterns = fields.Integer()
    pending = fields.Integer()


class ReviewHistorySchema(ApiSchema):
    runs = fields.List(fields.Nested(ReviewRunSummarySchema))
    has_next = fields.Boolean()


class InternalReportStepSchema(ApiSchema):
    at = fields.String()
    kind = fields.String()
    message = fields.String()
    by = fields.String(allow_none=True)


class TaskCostSchema(ApiSchema):
    title = fields.String()
    who = fields.String()
    role = fields.String()
    minutes = fields.Integer()
    entered = fields.Boolean(metadata={"description": "Minutes entered by the technician (else: elapsed, capped)."})
    hourly = fields.String()
    cost = fields.String()


class TicketCostSchema(ApiSchema):
    currency = fields.String()
    minutes = fields.Integer()
    work = fields.String()
    visits = fields.Integer()
    visits_cost = fields.String()
    credits = fields.String(metadata={"description": "Claim line amounts as last approved."})
    total = fields.String()
    tasks = fields.List(fields.Nested(TaskCostSchema))


class InternalReportSchema(ApiSchema):
    number = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    category = fields.String(allow_none=True)
    category_label = fields.String()
    priority = fields.String(allow_none=True)
    channel = fields.String()
    customer = fields.String()
    nature = fields.String()
    actions = fields.List(fields.String())
    solution = fields.String()
    team = fields.String()
    technician = fields.String()
    rounds = fields.Integer()
    escalated = fields.Boolean()
    reported_at = fields.String()
    resolved_at = fields.String(allow_none=True)
    closed_at = fields.String()
    elapsed_hours = fields.Float()
    business_hours = fields.Float(metadata={"description": "Business time of the ticket's calendar, less pauses."})
    paused_hours = fields.Float()
    within_sla = fields.Boolean(allow_none=True)
    response_within_sla = fields.Boolean(allow_none=True)
    survey_score = fields.Integer(allow_none=True)
    survey_comment = fields.String()
    steps = fields.List(fields.Nested(InternalReportStepSchema))
    cost = fields.Nested(TicketCostSchema, metadata={"description": "What it cost: staff time, visits, credits."})
