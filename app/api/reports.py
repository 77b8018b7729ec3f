"""The periodic review of closed tickets (supervisors)."""
from app.api import bp
from app.api.parsing import query_args
from app.api.security import token_required
from app.schemas.reports import ReviewQuerySchema, ReviewSchema
from app.services.control import review_service


@bp.get("/reports/closed-tickets")
@token_required
def closed_tickets_review(user):
    """Closed tickets of a period: counts, resolution times, SLA and satisfaction by nature and priority.
    ---
    get:
      tags: [reports]
      parameters:
        - {in: query, name: from, required: true, schema: {type: string, format: date-time}}
        - {in: query, name: to, required: true, schema: {type: string, format: date-time}}
      responses:
        200:
          description: The review, with each ticket's internal report.
          content:
            application/json:
              schema: ReviewSchema
        403: Forbidden
        422: ValidationFailed
    """
    period = query_args(ReviewQuerySchema())
    return ReviewSchema().dump(review_service.closed_tickets_review(period["start"], period["end"], user))
