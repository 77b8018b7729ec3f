"""Bearer tokens."""
from marshmallow import fields

from app.schemas.base import ApiSchema, string


class CredentialsSchema(ApiSchema):
    username = string(80, required=True)
    password = string(200, required=True, load_only=True)


class TokenSchema(ApiSchema):
    token = fields.String(metadata={"description": "Send it as `Authorization: Bearer <token>`."})
    expires_at = fields.AwareDateTime()
