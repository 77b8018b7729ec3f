"""Migration of running tickets to another version of their process."""
from marshmallow import fields, validate

from app.i18n import _l
from app.schemas.base import ApiSchema, integer, string


class MigrationRequestSchema(ApiSchema):
    version = integer(minimum=1, maximum=99_999, required=True)
    tickets = fields.List(string(20), validate=validate.Length(min=1, max=1000, error=_l("Value not allowed.")),
                          load_default=None, metadata={"description": "Ticket numbers; all running ones if left out."})
    dry_run = fields.Boolean(load_default=True, metadata={"description": "Only report what would move."})
    reason = string(500, load_default="")


class MigrationCandidateSchema(ApiSchema):
    ticket_number = fields.String()
    instance_id = fields.Integer()
    version = fields.Integer()
    status = fields.String()
    waiting_at = fields.List(fields.String())
    problems = fields.List(fields.String(), metadata={"description": "Why it may not move; empty when it may."})
    movable = fields.Boolean()


class MigrationReportSchema(ApiSchema):
    process_id = fields.String()
    target_version = fields.Integer()
    candidates = fields.List(fields.Nested(MigrationCandidateSchema))
    moved = fields.List(fields.String())
    movable = fields.Integer()
    truncated = fields.Boolean()
