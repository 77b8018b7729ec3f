"""Follow-ups (insistencia): evaluate a call about an earlier ticket, act on it, report a typified subject."""
from flask import url_for

from app.api import bp
from app.api.parsing import json_body, query_args
from app.api.security import token_required
from app.schemas.followups import (
    FollowupCallSchema,
    FollowupQuerySchema,
    FollowupReportSchema,
    FollowupResultSchema,
    FollowupSubjectListSchema,
)
from app.schemas.tickets import TicketSchema
from app.services.followups import filing, subjects


@bp.get("/followups/<number>")
@token_required
def evaluate_followup(number, user):
    """The analysis of seed 003 for an earlier ticket and the table's result, with the words to say.
    ---
    get:
      tags: [followups]
      parameters:
        - in: query
          schema: FollowupQuerySchema
      responses:
        200:
          description: Nothing is written; act with POST on the same path.
          content:
            application/json:
              schema: FollowupResultSchema
        403: Forbidden
        404: NotFound
    """
    args = query_args(FollowupQuerySchema.shared())
    return FollowupResultSchema.shared().dump(filing.evaluate(number, args["customer_disagrees"], user))


@bp.post("/followups/<number>")
@token_required
def act_on_followup(number, user):
    """Act on the result: file the follow-up or escalate when the table says so; the call joins the history.
    ---
    post:
      tags: [followups]
      requestBody:
        required: true
        content:
          application/json:
            schema: FollowupCallSchema
      responses:
        200:
          description: The result, worded with the follow-up's number when one was opened (``followup``).
          content:
            application/json:
              schema: FollowupResultSchema
        403: Forbidden
        404: NotFound
    """
    body = json_body(FollowupCallSchema.shared())
    result = filing.act(number, body["customer_disagrees"], user, channel=body["channel"], comment=body["comment"])
    return FollowupResultSchema.shared().dump(result)


@bp.get("/followups/subjects")
@token_required
def followup_subjects(user):
    """The typified subjects and their typification (an administrator edits them in the browser).
    ---
    get:
      tags: [followups]
      responses:
        200:
          description: Active subjects, in order.
          content:
            application/json:
              schema: FollowupSubjectListSchema
    """
    return FollowupSubjectListSchema.shared().dump({"subjects": subjects.all_subjects()})


@bp.post("/followups/reports")
@token_required
def report_followup_subject(user):
    """Report a typified subject directly (e.g. gestión de cobranza, also by a person who is not a customer).
    ---
    post:
      tags: [followups]
      requestBody:
        required: true
        content:
          application/json:
            schema: FollowupReportSchema
      responses:
        201:
          description: The follow-up ticket.
          headers:
            Location:
              description: URL of the ticket.
              schema: {type: string}
          content:
            application/json:
              schema: TicketSchema
        403: Forbidden
    """
    ticket = filing.report(filing.Report(**json_body(FollowupReportSchema.shared())), user)
    return TicketSchema.shared().dump(ticket), 201, {"Location": url_for(".get_ticket", number=ticket.number)}
