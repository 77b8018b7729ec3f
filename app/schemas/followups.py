"""Follow-ups (insistencia): the analysis of an earlier ticket, the decision's result and what acting on it
takes; a ticket's answer from the responsible area (every kind)."""
from __future__ import annotations

from marshmallow import fields

from app.schemas.base import ApiSchema, derived, one_of, string
from app.services.followups import filing
from app.services.followups.decision import ACTIONS


class AnswerSchema(ApiSchema):
    source = fields.String(metadata={"description": "staff_reply, resolution, rejection or followup_answer."})
    source_label = fields.String()
    text = fields.String()
    reason = fields.String(metadata={"description": "A rejection's reason."})
    answered_at = fields.AwareDateTime()
    answered_by = fields.String(allow_none=True, metadata={"description": "Who answered (staff member's name)."})


class TicketStateSchema(ApiSchema):
    number = derived(fields.String(), lambda s: s.ticket.number)
    status = derived(fields.String(), lambda s: s.ticket.status_label)
    subject = derived(fields.String(allow_none=True), lambda s: s.subject.label if s.subject else None)
    response_due_at = fields.AwareDateTime(allow_none=True, metadata={"description": "Fecha máxima de respuesta."})
    overdue = fields.Boolean(metadata={"description": "Past its maximum response date."})
    state = fields.String(metadata={"description": "answered or open."})
    answer = fields.Nested(AnswerSchema, allow_none=True)


class FollowupResultSchema(ApiSchema):
    action = fields.String(metadata={"description": "The result of resultado_insistencia (processes/insistencia.dmn).",
                                     "enum": list(ACTIONS)})
    words = fields.String(metadata={"description": "What to tell the customer (Spanish)."})
    inputs = fields.Dict(metadata={"description": "The table's inputs, computed from the live tickets."})
    initial = derived(fields.Nested(TicketStateSchema), lambda r: r.analysis.initial)
    followups = derived(fields.List(fields.Nested(TicketStateSchema)), lambda r: r.analysis.followups)
    line_of_business = derived(fields.String(allow_none=True),
                               lambda r: r.analysis.line.code if r.analysis.line else None)
    followup = derived(fields.String(allow_none=True, metadata={"description": "The follow-up ticket opened."}),
                       lambda r: r.followup.number if r.followup else None)


class FollowupQuerySchema(ApiSchema):
    customer_disagrees = fields.Boolean(load_default=False, metadata={
        "description": "The only thing the system cannot know: does the customer disagree with the answer?"})


class FollowupCallSchema(ApiSchema):
    customer_disagrees = fields.Boolean(required=True)
    channel = one_of(filing.AGENT_CHANNELS, load_default="phone",
                     metadata={"description": "How the customer came; in_person is recorded as the subject says."})
    comment = string(filing.MAX_TEXT, load_default="")


class FollowupReportSchema(ApiSchema):
    subject = string(40, required=True, metadata={"description": "A follow-up subject code (GET /followups/subjects)."})
    channel = one_of(filing.AGENT_CHANNELS, required=True)
    customer_number = string(40, load_default="")
    earlier_number = string(20, load_default="", metadata={"description": "The earlier ticket, if any."})
    details = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict,
                          metadata={"description": "The subject's description fields, by name."})


class SubjectFieldSchema(ApiSchema):
    name = fields.String()
    label = fields.String()
    required = fields.Boolean()
    type = fields.String()


class FollowupSubjectSchema(ApiSchema):
    code = fields.String()
    label = fields.String()
    description = fields.String()
    category = fields.String()
    team = fields.String(attribute="team_code")
    initial_status = fields.String()
    channels = fields.List(fields.String())
    channel_substitutes = fields.Dict()
    priority = fields.String()
    document_class = fields.String()
    fields_ = fields.List(fields.Nested(SubjectFieldSchema), attribute="fields", data_key="fields")
    non_customers = fields.Boolean()


class FollowupSubjectListSchema(ApiSchema):
    subjects = fields.List(fields.Nested(FollowupSubjectSchema))
