"""The audit trail (administrators)."""
from app.api import bp
from app.api.parsing import query_args
from app.api.security import token_required
from app.schemas.audit import AuditPageSchema, AuditQuerySchema
from app.services.control import audit_service


@bp.get("/audit")
@token_required
def audit_trail(user):
    """Claims, releases, reassignments, retries, deploys, admin changes and staff sign-ins, newest first.
    ---
    get:
      tags: [audit]
      parameters:
        - {in: query, name: action, schema: {type: string}}
        - {in: query, name: actor, schema: {type: string}}
        - {in: query, name: target, schema: {type: string}}
        - {in: query, name: date_from, schema: {type: string, format: date}}
        - {in: query, name: date_to, schema: {type: string, format: date}}
        - {in: query, name: page, schema: {type: integer, minimum: 1}}
      responses:
        200:
          description: One page of the trail.
          content:
            application/json:
              schema: AuditPageSchema
        403: Forbidden
        422: ValidationFailed
    """
    return AuditPageSchema.shared().dump(audit_service.search(query_args(AuditQuerySchema.shared()), user))
