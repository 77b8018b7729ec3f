"""Procedure compliance: the filters of the event log and the conformance of a process version."""
from marshmallow import fields

from app.schemas.base import ApiSchema, integer, string


class LogQuerySchema(ApiSchema):
    process = string(80, metadata={"description": "Process id (e.g. queja_atencion)."})
    version = integer(minimum=1, maximum=99_999, metadata={"description": "Process version; the latest when left out."})
    date_from = fields.Date(metadata={"description": "Completed on or after (office time zone)."})
    date_to = fields.Date(metadata={"description": "Completed on or before (office time zone)."})


class DeviationSchema(ApiSchema):
    kind = fields.String(metadata={"description": "skipped | unexpected | rework"})
    activity = fields.String()
    cases = fields.Integer()


class VariantSchema(ApiSchema):
    activities = fields.List(fields.String())
    cases = fields.Integer()
    fits = fields.Boolean()


class StepDurationSchema(ApiSchema):
    source = fields.String()
    target = fields.String()
    count = fields.Integer()
    mean_hours = fields.Float()
    median_hours = fields.Float()


class ConformanceSchema(ApiSchema):
    process_id = fields.String()
    version = fields.Integer()
    cases = fields.Integer()
    fitting_cases = fields.Integer()
    fitting_pct = fields.Float(allow_none=True)
    log_fitness = fields.Float(allow_none=True, metadata={"description": "Token-based replay, 0 to 1."})
    mean_alignment_fitness = fields.Float(allow_none=True)
    deviations = fields.List(fields.Nested(DeviationSchema))
    variants = fields.List(fields.Nested(VariantSchema))
    durations = fields.List(fields.Nested(StepDurationSchema))
    truncated = fields.Boolean()
