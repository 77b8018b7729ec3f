"""Human tasks: the task list's filter, a task with its form, completing one."""
from __future__ import annotations

from marshmallow import fields, post_load

from app.schemas.base import ApiSchema, UserRefSchema, derived, integer, one_of, string
from app.services.cases import task_service


class TaskQuerySchema(ApiSchema):
    ticket = string(20, metadata={"description": "Ticket number."})
    lane = string(80)
    team = string(40, metadata={"description": "Candidate team code."})
    assignee = string(80, metadata={"description": "Username."})
    status = one_of(("ready", "completed", "cancelled"), metadata={"description": "Default: ready."})
    limit = integer(1, 500)
    offset = integer(0)

    @post_load
    def make(self, data: dict, **_kw) -> task_service.TaskFilter:
        return task_service.TaskFilter(**data)


class TaskSchema(ApiSchema):
    id = fields.String()
    ticket = fields.String(attribute="ticket.number")
    name = fields.String(attribute="task_name", metadata={"description": "Element id in the diagram."})
    title = fields.String()
    process_id = fields.String()
    lane = fields.String(allow_none=True)
    candidate_team = fields.String(allow_none=True)
    assignee = fields.Nested(UserRefSchema, allow_none=True)
    form = fields.String(allow_none=True)
    instructions = fields.String(allow_none=True)
    priority = fields.String(allow_none=True)
    due_at = fields.AwareDateTime(allow_none=True)
    status = fields.String()
    created_at = fields.AwareDateTime()
    completed_at = fields.AwareDateTime(allow_none=True)
    completed_by = fields.Nested(UserRefSchema, allow_none=True)
    on_behalf_of = fields.String(allow_none=True)
    data = fields.Dict(allow_none=True, metadata={"description": "The submitted form data."})


class VisitSlotSchema(ApiSchema):
    date = fields.Date(attribute="day", metadata={"description": "The form's visit_date."})
    window = fields.String(metadata={"description": "The form's visit_window, local time (HH:MM-HH:MM)."})
    free = fields.Integer(metadata={"description": "Places left in the slot."})


class TaskDetailSchema(TaskSchema):
    form_schema = derived(fields.Dict(metadata={"description": "JSON Schema the data must satisfy."}),
                          task_service.form_schema)
    visit_slots = derived(fields.List(fields.Nested(VisitSlotSchema), allow_none=True, metadata={
        "description": "An appointment form's free slots of the visit team (soonest first); null for other "
                       "forms and tasks no longer ready."}), task_service.visit_slots_of)


class CompleteTaskSchema(ApiSchema):
    data = fields.Dict(required=True, metadata={"description": "The form's fields."})
    on_behalf_of = string(160, metadata={
        "description": "Customer-lane tasks: the customer the caller stands for (default: the customer)."})


class TaskListSchema(ApiSchema):
    tasks = fields.List(fields.Nested(TaskSchema))
