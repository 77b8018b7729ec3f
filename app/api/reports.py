"""Control reports (supervisors): the dashboard's figures, the periodic review of closed tickets, the costs."""
from app.api import bp
from app.api.parsing import query_args
from app.api.security import token_required
from app.schemas.control import DashboardQuerySchema, DashboardSchema
from app.schemas.reports import CostQuerySchema, CostReportSchema, ReviewQuerySchema, ReviewSchema
from app.services.control import costs, dashboard, review_service


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
    period = query_args(ReviewQuerySchema.shared())
    return ReviewSchema.shared().dump(review_service.closed_tickets_review(period["start"], period["end"], user))


@bp.get("/reports/dashboard")
@token_required
def control_dashboard(user):
    """The control figures of a period (supervisors): the same sections and tables as the staff dashboard.
    ---
    get:
      tags: [reports]
      description: >
        Cases reported in the period (office dates, both included; the last 30 days without them), narrowed
        by the filters. Sections: volume (by classification, priority, channel, escalation level; reopen
        rate), backlog (open now, by age), times (first response and resolution in business hours: median,
        90th percentile and mean), sla (compliance and breaches), incident_rate (incidents per 1,000 active
        customers by month, service and zone), satisfaction (survey scores, comments). `section` returns one.
      parameters:
        - {in: query, schema: DashboardQuerySchema}
      responses:
        200:
          description: The sections with their headline figures and tables.
          content:
            application/json:
              schema: DashboardSchema
        403: Forbidden
        404: NotFound
        422: ValidationFailed
    """
    flt, section = query_args(DashboardQuerySchema.shared())
    sections = dashboard.dashboard(flt, user, only=section)
    return DashboardSchema.shared().dump({"start": flt.start, "end": flt.end, "filters": flt.applied(),
                                   "sections": [s.as_dict() for s in sections]})


@bp.get("/reports/costs")
@token_required
def costs_report(user):
    """What the tickets closed in a period cost: staff time by role, visits and approved credits, overall,
    per category, per team and for the costliest tickets. Amounts are decimal strings in ``currency``.
    ---
    get:
      tags: [reports]
      parameters:
        - {in: query, name: from, required: true, schema: {type: string, format: date-time}}
        - {in: query, name: to, required: true, schema: {type: string, format: date-time}}
        - {in: query, name: kind, schema: {type: string, maxLength: 20}}
        - {in: query, name: category, schema: {type: string, maxLength: 40}}
        - {in: query, name: team, schema: {type: string, maxLength: 40}}
      responses:
        200:
          description: The costs of the period.
          content:
            application/json:
              schema: CostReportSchema
        403: Forbidden
        422: ValidationFailed
    """
    query = query_args(CostQuerySchema.shared())
    return CostReportSchema.shared().dump(costs.report(query, user).as_dict())
