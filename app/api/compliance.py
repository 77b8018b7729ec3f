"""Procedure compliance (supervisors and analysts): the event log and the conformance of a process version."""
from flask import Response, request, stream_with_context

from app.api import bp
from app.api.parsing import query_args
from app.api.security import token_required
from app.schemas.compliance import ConformanceSchema, LogQuerySchema
from app.services.control import process_mining


def _query():
    query_args(LogQuerySchema.shared())  # refuses unknown or malformed arguments with the API's own messages
    return process_mining.parse_query(request.args)


@bp.get("/reports/compliance")
@token_required
def compliance_report(user):
    """A process version's completed instances replayed on its diagram: fitness, deviations, variants, times.
    ---
    get:
      tags: [reports]
      parameters:
        - {in: query, schema: LogQuerySchema}
      responses:
        200:
          description: The conformance of the version.
          content:
            application/json:
              schema: ConformanceSchema
        403: Forbidden
        404: NotFound
        422: ValidationFailed
        503: Unavailable
    """
    return ConformanceSchema.shared().dump(process_mining.conformance(_query(), user))


@bp.get("/reports/event-log.csv")
@token_required
def event_log_csv(user):
    """The event log (case, activity, timestamp, resource...) as CSV with XES attribute names as headers.
    ---
    get:
      tags: [reports]
      parameters:
        - {in: query, schema: LogQuerySchema}
      responses:
        200:
          description: The log.
          content:
            text/csv:
              schema: {type: string}
        403: Forbidden
        422: ValidationFailed
    """
    lines = process_mining.export_csv(_query(), user)
    return Response(stream_with_context(lines), mimetype="text/csv")


@bp.get("/reports/event-log.xes")
@token_required
def event_log_xes(user):
    """The event log as an IEEE 1849 XES document.
    ---
    get:
      tags: [reports]
      parameters:
        - {in: query, schema: LogQuerySchema}
      responses:
        200:
          description: The log.
          content:
            application/xml:
              schema: {type: string}
        403: Forbidden
        422: ValidationFailed
        503: Unavailable
    """
    return Response(process_mining.export_xes(_query(), user), mimetype="application/xml")
