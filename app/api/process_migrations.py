"""Migration of running tickets to another version of their process (process analysts)."""
from app.api import bp
from app.api.parsing import json_body
from app.api.security import token_required
from app.schemas.process_migrations import MigrationReportSchema, MigrationRequestSchema
from app.services.processes import migration


@bp.post("/processes/<process_id>/migrations")
@token_required
def migrate_process_instances(user, process_id: str):
    """Move running tickets of a process to one of its versions; ``dry_run`` (the default) only reports.
    ---
    post:
      tags: [processes]
      requestBody:
        required: true
        content:
          application/json:
            schema: MigrationRequestSchema
      responses:
        200:
          description: Which tickets may move (and, unless a dry run, moved), and why the others may not.
          content:
            application/json:
              schema: MigrationReportSchema
        403: Forbidden
        404: NotFound
        422: ValidationFailed
    """
    body = json_body(MigrationRequestSchema.shared())
    run = migration.dry_run if body["dry_run"] else migration.migrate
    extra = {} if body["dry_run"] else {"reason": body["reason"]}
    return MigrationReportSchema.shared().dump(run(process_id, body["version"], body["tickets"], user, **extra))
