"""Cases of every kind (complaints by default): open one, read one, hand it a customer's message."""
from flask import url_for

from app.api import bp
from app.api.parsing import json_body, query_args
from app.api.security import token_required
from app.schemas.ticket_search import TicketPageSchema, TicketSearchQuerySchema
from app.schemas.tickets import (
    CustomerMessageSchema,
    EventPageSchema,
    EventQuerySchema,
    TicketCreateSchema,
    TicketSchema,
)
from app.services.cases import event_pages, message_service, ticket_read, ticket_search, ticket_service
from app.services.incidents import registration


@bp.post("/tickets")
@token_required
def create_ticket(user):
    """Open a complaint or an incident and start its lifecycle.

    An incident (``"kind": "incident"``) carries its device (brand, model, serial/IMEI, faults). When the
    customer already has an open incident on the same device or service and of the same category, the
    answer is 409 with ``errors.duplicate_of``: send again with ``confirm_new`` (it is new) or ``add_to``
    (the report joins the open incident: 200 with that incident).
    ---
    post:
      tags: [tickets]
      requestBody:
        required: true
        content:
          application/json:
            schema: TicketCreateSchema
      responses:
        200:
          description: Incident with ``add_to``, the open incident the report was added to.
          content:
            application/json:
              schema: TicketSchema
        201:
          description: The new ticket, with its number, status and open tasks.
          headers:
            Location:
              description: URL of the ticket.
              schema: {type: string}
          content:
            application/json:
              schema: TicketSchema
        403: Forbidden
        409: Conflict
        422: ValidationFailed
    """
    body = json_body(TicketCreateSchema.shared())
    if body["kind"] == "incident":
        ticket, created = registration.register(registration.from_fields(body), user)
    else:
        ticket, created = ticket_service.open_case(actor=user, **body), True
    ticket = ticket_read.committed(ticket)
    return TicketSchema.shared().dump(ticket), 201 if created else 200, {"Location": url_for(".get_ticket",
                                                                                      number=ticket.number)}


@bp.get("/tickets")
@token_required
def search_tickets(user):
    """The ticket history: every ticket of every kind the caller may see, filtered, sorted and paged.

    The same search as the staff page: ``q`` ignores accents and case ("lopez maria" finds "María López").
    ---
    get:
      tags: [tickets]
      parameters:
        - in: query
          schema: TicketSearchQuerySchema
      responses:
        200:
          description: One page of tickets.
          content:
            application/json:
              schema: TicketPageSchema
        422: ValidationFailed
    """
    return TicketPageSchema.shared().dump(ticket_search.search(user, query_args(TicketSearchQuerySchema.shared())))


@bp.get("/tickets/<number>")
@token_required
def get_ticket(number, user):
    """A ticket with its status, assignment, dates, report, survey and open tasks; its timeline is paged apart
    (``/tickets/<number>/events``), so the answer stays the same size however long the ticket lives.
    ---
    get:
      tags: [tickets]
      responses:
        200:
          description: The ticket.
          content:
            application/json:
              schema: TicketSchema
        404: NotFound
    """
    return TicketSchema.shared().dump(ticket_read.visible(number, user))


@bp.get("/tickets/<number>/events")
@token_required
def ticket_events(number, user):
    """The ticket's timeline, newest line first, a page at a time: internal lines included (staff only).

    Keyset paging: pass the answer's ``next_before`` as ``before`` for the next, older page; lines added in
    between never shift a page.
    ---
    get:
      tags: [tickets]
      parameters:
        - in: query
          schema: EventQuerySchema
      responses:
        200:
          description: One page of the timeline.
          content:
            application/json:
              schema: EventPageSchema
        404: NotFound
        422: ValidationFailed
    """
    args = query_args(EventQuerySchema.shared())
    return EventPageSchema.shared().dump(event_pages.of_ticket(number, user, args.get("before"), args["limit"]))


@bp.post("/tickets/<number>/messages")
@token_required
def post_customer_message(number, user):
    """Record what a customer said (by phone), taken by staff who may see the ticket, on an open ticket: when
    its process waits for the customer's answer this is the answer and the process goes on; otherwise the
    assignee is told. The timeline records the caller as its poster, on the customer's behalf.
    ---
    post:
      tags: [tickets]
      requestBody:
        required: true
        content:
          application/json:
            schema: CustomerMessageSchema
      responses:
        200:
          description: The ticket after the process received the message.
          content:
            application/json:
              schema: TicketSchema
        404: NotFound
        409: Conflict
        422: ValidationFailed
    """
    body = json_body(CustomerMessageSchema.shared())
    ticket = message_service.post_on_behalf(number, body["text"], user)
    return TicketSchema.shared().dump(ticket)
