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
    deployed_by = fields.Function(lambda v: v.deployed_by.username if v.deployed_by else None,
                                  metadata={"description": "Who published it (null: the command line)."})
    reason = fields.String(allow_none=True, metadata={"description": "Why it was published."})


class ProcessVersionListSchema(ApiSchema):
    versions = fields.List(fields.Nested(ProcessVersionSchema))


class DeployResultSchema(ApiSchema):
    process_id = fields.String()
    version = fields.Integer()
    created = fields.Boolean(metadata={"description": "False when the process did not change."})
    message = fields.String(metadata={"description": "What happened, in Spanish (\"Sin cambios: ...\")."})


class DeployResultListSchema(ApiSchema):
    results = fields.List(fields.Nested(DeployResultSchema))


class ProblemSchema(ApiSchema):
    file = fields.String()
    element = fields.String(metadata={"description": "Id of the element in the diagram or table."})
    element_name = fields.String(metadata={"description": "Its name as the modeler shows it."})
    line = fields.Integer(allow_none=True)
    message = fields.String(metadata={"description": "What to fix, in Spanish."})


class ElementChangeSchema(ApiSchema):
    element = fields.String()
    name = fields.String()
    kind = fields.String(metadata={"description": "BPMN tag: userTask, serviceTask, sequenceFlow..."})
    change = fields.String(metadata={"description": "added, removed or changed."})
    details = fields.List(fields.String())


class RuleChangeSchema(ApiSchema):
    file = fields.String()
    decision = fields.String()
    rule = fields.String()
    change = fields.String(metadata={"description": "added, removed or changed."})
    before = fields.List(fields.String(), metadata={"description": "Input then output cells."})
    after = fields.List(fields.String())


class ProcessChangeSchema(ApiSchema):
    process_id = fields.String()
    name = fields.String()
    current_version = fields.Integer(allow_none=True, metadata={"description": "None: never deployed."})
    creates_version = fields.Boolean()
    elements = fields.List(fields.Nested(ElementChangeSchema))
    rules = fields.List(fields.Nested(RuleChangeSchema))
    forms = fields.List(fields.String(), metadata={"description": "Forms new or changed in this version."})


class PathResultSchema(ApiSchema):
    process_id = fields.String()
    choices = fields.List(fields.String())
    elements = fields.List(fields.String())
    ok = fields.Boolean()
    message = fields.String()


class CheckReportSchema(ApiSchema):
    ok = fields.Boolean(metadata={"description": "True when nothing stops the publish."})
    problems = fields.List(fields.Nested(ProblemSchema))
    changes = fields.List(fields.Nested(ProcessChangeSchema))
    simulation = fields.List(fields.Nested(PathResultSchema))
    notes = fields.List(fields.String())
