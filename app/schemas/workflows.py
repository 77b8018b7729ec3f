"""Workflow instances, as supervisors see them to retry a failed one."""
from __future__ import annotations

from marshmallow import fields

from app.schemas.base import ApiSchema


class WorkflowInstanceSchema(ApiSchema):
    id = fields.Integer()
    ticket = fields.String(attribute="ticket.number")
    process_id = fields.String(attribute="process_version.process_id")
    process_version = fields.Integer(attribute="process_version.version")
    status = fields.String(metadata={"description": "running, error or completed."})
    error_task = fields.String(allow_none=True, metadata={"description": "Element id of the failed task."})
    error_message = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class WorkflowInstanceListSchema(ApiSchema):
    instances = fields.List(fields.Nested(WorkflowInstanceSchema))
