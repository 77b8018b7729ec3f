"""Links between tickets and merging a duplicate, as the API reads and writes them."""
from __future__ import annotations

from marshmallow import fields

from app.schemas.base import ApiSchema, UserRefSchema, derived, one_of, string
from app.services.cases import links


class LinkCreateSchema(ApiSchema):
    target = string(20, required=True, metadata={"description": "The other ticket's number."})
    type = one_of(links.MANUAL_TYPES, required=True,
                  metadata={"description": "duplicate_of (duplicado de), related_to (relacionado con), "
                                           "caused_by (causado por)."})
    note = string(2000)


class MergeSchema(ApiSchema):
    into = string(20, required=True, metadata={"description": "The original the duplicate is merged into."})


class LinkSchema(ApiSchema):
    id = fields.Integer()
    type = fields.String(attribute="link_type")
    label = fields.String(metadata={"description": "As read from this ticket (Spanish)."})
    ticket = derived(fields.String(metadata={"description": "The other ticket's number."}), lambda v: v.other.number)
    direction = derived(fields.String(metadata={"description": "outgoing: this ticket holds the link."}),
                        lambda v: "outgoing" if v.outgoing else "incoming")
    created_at = fields.AwareDateTime()
    created_by = fields.Nested(UserRefSchema, allow_none=True)
    note = fields.String()
