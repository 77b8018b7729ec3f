"""The audit trail for integrations (a SIEM, an export job)."""
from marshmallow import fields, post_load, validate

from app.i18n import _l
from app.schemas.base import ApiSchema, one_of, string
from app.services.control import audit_service


class AuditQuerySchema(ApiSchema):
    action = one_of(tuple(audit_service.ACTIONS))
    actor = string(80, metadata={"description": "Username."})
    target = string(200, metadata={"description": "Contained in the target (ticket number, user, team...)."})
    date_from = fields.Date(metadata={"description": "Office time zone, inclusive."})
    date_to = fields.Date(metadata={"description": "Office time zone, inclusive."})
    page = fields.Integer(validate=validate.Range(min=1, max=audit_service.MAX_PAGE, error=_l("Value not allowed.")),
                          metadata={"description": f"{audit_service.PAGE_SIZE} events a page, newest first."})

    @post_load
    def make(self, data: dict, **_kw) -> audit_service.AuditQuery:
        return audit_service.AuditQuery(**data)


class AuditEventSchema(ApiSchema):
    at = fields.AwareDateTime()
    actor = fields.String(attribute="actor_name", allow_none=True, metadata={"description": "Username."})
    action = fields.String()
    target = fields.String()
    changes = fields.Dict(allow_none=True, metadata={"description": "{field: [before, after]} or details."})
    remote_addr = fields.String(allow_none=True)


class AuditPageSchema(ApiSchema):
    events = fields.List(fields.Nested(AuditEventSchema), attribute="items")
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
