"""The task list and working a task: claim, release, complete."""
from app.api import bp
from app.api.parsing import json_body, query_args
from app.api.security import token_required
from app.schemas.tasks import CompleteTaskSchema, TaskDetailSchema, TaskListSchema, TaskQuerySchema, TaskSchema
from app.services.cases import task_service


@bp.get("/tasks")
@token_required
def list_tasks(user):
    """The tasks the caller may see, soonest due first.
    ---
    get:
      tags: [tasks]
      parameters:
        - in: query
          schema: TaskQuerySchema
      responses:
        200:
          description: The tasks.
          content:
            application/json:
              schema: TaskListSchema
        422: ValidationFailed
    """
    return TaskListSchema.shared().dump({"tasks": task_service.list_tasks(user, query_args(TaskQuerySchema.shared()))})


@bp.get("/tasks/<task_id>")
@token_required
def get_task(task_id, user):
    """One task, with the JSON Schema of its form.
    ---
    get:
      tags: [tasks]
      responses:
        200:
          description: The task.
          content:
            application/json:
              schema: TaskDetailSchema
        404: NotFound
    """
    return TaskDetailSchema.shared().dump(task_service.get_task(task_id, user))


@bp.post("/tasks/<task_id>/claim")
@token_required
def claim_task(task_id, user):
    """Take a task, so that others see who works it.
    ---
    post:
      tags: [tasks]
      responses:
        200:
          description: The task, held by the caller.
          content:
            application/json:
              schema: TaskSchema
        403: Forbidden
        404: NotFound
        409: Conflict
    """
    return TaskSchema.shared().dump(task_service.claim(task_id, user))


@bp.post("/tasks/<task_id>/release")
@token_required
def release_task(task_id, user):
    """Give a held task back to its team (its holder or a supervisor).
    ---
    post:
      tags: [tasks]
      responses:
        200:
          description: The task, held by nobody.
          content:
            application/json:
              schema: TaskSchema
        403: Forbidden
        404: NotFound
        409: Conflict
    """
    return TaskSchema.shared().dump(task_service.release(task_id, user))


@bp.post("/tasks/<task_id>/complete")
@token_required
def complete_task(task_id, user):
    """Submit a task's form; the process moves on to its next tasks.
    ---
    post:
      tags: [tasks]
      requestBody:
        required: true
        content:
          application/json:
            schema: CompleteTaskSchema
      responses:
        200:
          description: The completed task.
          content:
            application/json:
              schema: TaskSchema
        403: Forbidden
        404: NotFound
        409: Conflict
    """
    body = json_body(CompleteTaskSchema.shared())
    task = task_service.complete_task(task_id, body["data"], user, body.get("on_behalf_of"))
    return TaskSchema.shared().dump(task)  # its committed state, kept by the completion: no statement
