"""Process versions: list them, and deploy uploaded diagrams (process analysts)."""
from flask import request

from app.api import bp
from app.api.security import token_required
from app.schemas.processes import DeployResultListSchema, ProcessVersionListSchema
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
    return ProcessVersionListSchema().dump({"versions": process_service.versions(user)})


@bp.post("/processes")
@token_required
def deploy_processes(user):
    """Deploy uploaded .bpmn/.dmn files; a changed process gets a new version, a broken file changes nothing.
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
          description: One result per executable process.
          content:
            application/json:
              schema: DeployResultListSchema
        403: Forbidden
        413:
          description: The upload is larger than MAX_CONTENT_LENGTH.
        422: ValidationFailed
    """
    files = {upload.filename: upload.read() for upload in request.files.getlist("files") if upload.filename}
    return DeployResultListSchema().dump({"results": process_service.deploy_uploaded(files, user)})
