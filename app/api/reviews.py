"""The periodic review of closed tickets (supervisors) and the internal report of a closed ticket."""
from app.api import bp
from app.api.parsing import json_body, query_args
from app.api.security import token_required
from app.schemas.reviews import (
    InternalReportSchema,
    ProblemDecisionSchema,
    RecurringProblemSchema,
    ReviewHistorySchema,
    ReviewPeriodSchema,
    ReviewRunQuerySchema,
    ReviewRunSchema,
)
from app.services.control import internal_report, periodic_review


@bp.get("/reviews")
@token_required
def review_history(user):
    """Review runs, newest period first, with how many proposals each has and how many are decided.
    ---
    get:
      tags: [reports]
      parameters:
        - {in: query, name: page, schema: {type: integer, minimum: 1, maximum: 10000}}
      responses:
        200:
          description: One page of runs.
          content:
            application/json:
              schema: ReviewHistorySchema
        403: Forbidden
        422: ValidationFailed
    """
    runs, has_next = periodic_review.history(user, query_args(ReviewRunQuerySchema.shared())["page"])
    return ReviewHistorySchema.shared().dump({"runs": runs, "has_next": has_next})


@bp.post("/reviews")
@token_required
def run_review(user):
    """Review the tickets closed in a period now (one run per period).
    ---
    post:
      tags: [reports]
      requestBody:
        required: true
        content:
          application/json:
            schema: ReviewPeriodSchema
      responses:
        201:
          description: The run and the recurring problems it proposes.
          content:
            application/json:
              schema: ReviewRunSchema
        403: Forbidden
        409: Conflict
        422: ValidationFailed
    """
    period = json_body(ReviewPeriodSchema.shared())
    return ReviewRunSchema.shared().dump(periodic_review.run_review(period["start"], period["end"], user)), 201


@bp.get("/reviews/<int:run_id>")
@token_required
def review_run(user, run_id: int):
    """One review run with its recurring problems and their decisions.
    ---
    get:
      tags: [reports]
      responses:
        200:
          description: The run.
          content:
            application/json:
              schema: ReviewRunSchema
        403: Forbidden
        404: NotFound
    """
    return ReviewRunSchema.shared().dump(periodic_review.get_run(run_id, user))


@bp.post("/reviews/<int:run_id>/problems/<int:problem_id>")
@token_required
def decide_recurring_problem(user, run_id: int, problem_id: int):
    """Mark a recurring problem as a pattern (with an improvement action, its owner and date) or dismiss it.
    ---
    post:
      tags: [reports]
      requestBody:
        required: true
        content:
          application/json:
            schema: ProblemDecisionSchema
      responses:
        200:
          description: The problem as decided.
          content:
            application/json:
              schema: RecurringProblemSchema
        403: Forbidden
        404: NotFound
        422: ValidationFailed
    """
    body = json_body(ProblemDecisionSchema.shared())
    problem = periodic_review.decide(problem_id, body["decision"], body["improvement_action"], body["owner"],
                                     body["due_on"], user, run_id=run_id)
    return RecurringProblemSchema.shared().dump(problem)


@bp.get("/tickets/<number>/report")
@token_required
def ticket_internal_report(user, number: str):
    """The internal report of a closed ticket: nature, actions, time (business hours), survey, steps.
    ---
    get:
      tags: [reports]
      responses:
        200:
          description: The report.
          content:
            application/json:
              schema: InternalReportSchema
        404: NotFound
        409: Conflict
    """
    return InternalReportSchema.shared().dump(internal_report.internal_report(number, user).as_dict())
