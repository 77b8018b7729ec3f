"""The periodic review of closed tickets."""
from marshmallow import fields, post_load

from app.schemas.base import ApiSchema, moment, string
from app.services.control import costs


class ReviewQuerySchema(ApiSchema):
    start = moment(data_key="from", required=True)
    end = moment(data_key="to", required=True)


class ReviewGroupSchema(ApiSchema):
    key = fields.String()
    tickets = fields.Integer()
    mean_resolution_hours = fields.Float(allow_none=True, metadata={
        "description": "Business hours of the SLA calendar, waits on the customer excluded."})
    median_resolution_hours = fields.Float(allow_none=True, metadata={"description": "Nearest-rank median."})
    within_sla_pct = fields.Float(allow_none=True)
    mean_survey_score = fields.Float(allow_none=True)
    surveys = fields.Integer()
    extra_rounds = fields.Integer(metadata={"description": "Rounds beyond the first (reopenings, details)."})


class ReviewSchema(ApiSchema):
    start = fields.String(data_key="from")
    end = fields.String(data_key="to")
    overall = fields.Nested(ReviewGroupSchema)
    by_nature = fields.List(fields.Nested(ReviewGroupSchema))
    by_priority = fields.List(fields.Nested(ReviewGroupSchema))
    tickets = fields.List(fields.Dict(), metadata={"description": "Each closed ticket's internal report."})


class CostQuerySchema(ApiSchema):
    start = moment(data_key="from", required=True)
    end = moment(data_key="to", required=True)
    kind = string(20, metadata={"description": "Kind code: complaint, incident, claim, followup."})
    category = string(40, metadata={"description": "Leaf category code."})
    team = string(40, metadata={"description": "Team code."})

    @post_load
    def make(self, data: dict, **_kw) -> costs.CostQuery:
        return costs.CostQuery(**data)


class CostGroupSchema(ApiSchema):
    key = fields.String(metadata={"description": "Category code, team id, ticket number, or \"total\"."})
    label = fields.String()
    tickets = fields.Integer()
    minutes = fields.Integer(metadata={"description": "Minutes of staff work (entered, else elapsed and capped)."})
    work = fields.String(metadata={"description": "Minutes × the hourly rate of each task's role (decimal)."})
    visits = fields.Integer(metadata={"description": "On-site visits done."})
    visits_cost = fields.String()
    credits = fields.String(metadata={"description": "Claim line amounts as last approved (decimal)."})
    total = fields.String()
    mean_per_ticket = fields.String(allow_none=True)


class CostReportSchema(ApiSchema):
    start = fields.String(data_key="from")
    end = fields.String(data_key="to")
    currency = fields.String()
    overall = fields.Nested(CostGroupSchema)
    by_category = fields.List(fields.Nested(CostGroupSchema))
    by_team = fields.List(fields.Nested(CostGroupSchema))
    tickets = fields.List(fields.Nested(CostGroupSchema), metadata={"description": "The costliest tickets (200)."})
