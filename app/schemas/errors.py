"""The body of every error response."""
from marshmallow import fields

from app.schemas.base import ApiSchema


class ErrorSchema(ApiSchema):
    message = fields.String(required=True, metadata={"description": "What went wrong, for a person to read."})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Messages per field (dotted path), when input was rejected."})
