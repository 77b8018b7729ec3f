"""The periodic review of closed tickets."""
from marshmallow import fields

from app.schemas.base import ApiSchema, moment


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
