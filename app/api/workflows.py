"""Supervising workflow instances: the failed ones, and retrying one once its cause is fixed."""
from app.api import bp
from app.api.security import token_required
from app.schemas.workflows import WorkflowInstanceListSchema, WorkflowInstanceSchema
from app.services.cases import workflow_service


@bp.get("/workflows/failed")
@token_required
def failed_workflows(user):
    """Instances stopped by a failed service task.
    ---
    get:
      tags: [workflows]
      responses:
        200:
          description: The failed instances.
          content:
            application/json:
              schema: WorkflowInstanceListSchema
        403: Forbidden
    """
    return WorkflowInstanceListSchema.shared().dump({"instances": workflow_service.failed_instances(user)})


@bp.post("/workflows/<int:instance_id>/retry")
@token_required
def retry_workflow(instance_id, user):
    """Run the failed service task again (supervisors).
    ---
    post:
      tags: [workflows]
      responses:
        200:
          description: The instance after the retry.
          content:
            application/json:
              schema: WorkflowInstanceSchema
        403: Forbidden
        404: NotFound
        409: Conflict
    """
    return WorkflowInstanceSchema.shared().dump(workflow_service.retry(instance_id, user))
