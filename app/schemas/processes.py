"""Deployed process versions and the result of a deploy."""
from marshmallow import fields

from app.schemas.base import ApiSchema


class ProcessVersionSchema(ApiSchema):
    process_id = fields.String()
    name = fields.String()
    version = fields.Integer()
    content_hash = fields.String()
    source_file = fields.String()
    start_message = fields.String(allow_none=True)
    deployed_at = fields.AwareDateTime()


class ProcessVersionListSchema(ApiSchema):
    versions = fields.List(fields.Nested(ProcessVersionSchema))


class DeployResultSchema(ApiSchema):
    process_id = fields.String()
    version = fields.Integer()
    created = fields.Boolean(metadata={"description": "False when the process did not change."})


class DeployResultListSchema(ApiSchema):
    results = fields.List(fields.Nested(DeployResultSchema))
