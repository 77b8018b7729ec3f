"""Process versions: list them; check and publish uploaded diagrams, tables and forms (process analysts)."""
from flask import request

from app.api import bp
from app.api.security import token_required
from app.schemas.processes import CheckReportSchema, DeployResultListSchema, ProcessVersionListSchema
from app.services.processes import process_service


@bp.get("/processes")
@token_required
def list_processes(user):
    """Every deployed version of every process (process analysts).
    ---
    get:
      tags: [processes]
      responses:
        200:
          description: The versions, oldest first per process.
          content:
            application/json:
              schema: ProcessVersionListSchema
        403: Forbidden
    """
    return ProcessVersionListSchema.shared().dump({"versions": process_service.versions(user)})


@bp.post("/processes")
@token_required
def deploy_processes(user):
    """Check and publish uploaded .bpmn/.dmn/form .json files in one step; a changed process gets a new
    version, any problem refuses the whole upload (the same as /processes/publish, the reason optional).
    ---
    post:
      tags: [processes]
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                files: {type: array, items: {type: string, format: binary}}
                reason: {type: string}
      responses:
        200:
          description: One result per executable process.
          content:
            application/json:
              schema: DeployResultListSchema
        403: Forbidden
        413:
          description: The upload is larger than MAX_CONTENT_LENGTH.
        422: ValidationFailed
    """
    reason = request.form.get("reason", "").strip()
    if reason:
        return DeployResultListSchema.shared().dump({"results": process_service.publish(_files(), user, reason)})
    return DeployResultListSchema.shared().dump({"results": process_service.deploy_uploaded(_files(), user)})


@bp.post("/processes/check")
@token_required
def check_processes(user):
    """Dry run of an upload: every problem (with file, element and line), what would change against the
    latest versions, and the simulation of each path. Nothing is stored.
    ---
    post:
      tags: [processes]
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                files: {type: array, items: {type: string, format: binary}}
      responses:
        200:
          description: The report; ``ok`` is false when publishing would be refused.
          content:
            application/json:
              schema: CheckReportSchema
        403: Forbidden
        413:
          description: The upload is larger than MAX_CONTENT_LENGTH.
        422: ValidationFailed
    """
    return CheckReportSchema.shared().dump(process_service.check(_files(), user))


@bp.post("/processes/publish")
@token_required
def publish_processes(user):
    """Publish an upload: checked again, then a new version of each process that changed, recorded with who
    published it and why (``reason``, required). Any problem refuses the whole upload.
    ---
    post:
      tags: [processes]
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [reason]
              properties:
                files: {type: array, items: {type: string, format: binary}}
                reason: {type: string}
      responses:
        200:
          description: One result per executable process; ``created`` false says it did not change.
          content:
            application/json:
              schema: DeployResultListSchema
        403: Forbidden
        413:
          description: The upload is larger than MAX_CONTENT_LENGTH.
        422: ValidationFailed
    """
    return DeployResultListSchema.shared().dump({"results": process_service.publish(_files(), user,
                                                                             request.form.get("reason", ""))})


def _files() -> dict[str, bytes]:
    return {upload.filename: upload.read() for upload in request.files.getlist("files") if upload.filename}
