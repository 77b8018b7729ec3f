"""What an incident adds to a ticket in the API: the device, the faults, the levels it went through."""
from __future__ import annotations

from marshmallow import fields

from app.schemas.base import ApiSchema, UserRefSchema, derived
from app.services.incidents import escalation


class EscalationSchema(ApiSchema):
    at = fields.AwareDateTime(attribute="created_at")
    from_level = fields.String()
    to_level = fields.String()
    trigger = fields.String(metadata={"description": "timer (the level's deadline) or manual (no puedo resolverlo)."})
    reason = fields.String()
    actor = fields.Nested(UserRefSchema, allow_none=True)


class IncidentSchema(ApiSchema):
    device_serial = fields.String(metadata={"description": "Serial number or IMEI."})
    faults = fields.List(fields.String(), metadata={"description": "Codes of forms/incidencia_registro.schema.json."})
    fault_notes = fields.String()
    impact = fields.String(allow_none=True)
    urgency = fields.String(allow_none=True)
    level = fields.String(metadata={"description": "n1, n2 or supervisor."})
    reported_category = fields.String(allow_none=True)
    final_category = fields.String(allow_none=True, metadata={"description": "What it really was (set at close)."})
    diagnosis = fields.String()
    resolution = fields.String()
    procedure = fields.String()
    finalized_at = fields.AwareDateTime(allow_none=True)
    escalations = derived(fields.List(fields.Nested(EscalationSchema)), lambda d: escalation.history(d.ticket))
