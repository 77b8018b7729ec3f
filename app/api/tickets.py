"""Complaints: open one, read one, hand it a customer's message."""
from flask import url_for

from app.api import bp
from app.api.parsing import json_body
from app.api.security import token_required
from app.schemas.tickets import CustomerMessageSchema, TicketCreateSchema, TicketSchema
from app.services.cases import message_service, ticket_service


@bp.post("/tickets")
@token_required
def create_ticket(user):
    """Open a complaint and start its lifecycle.
    ---
    post:
      tags: [tickets]
      requestBody:
        required: true
        content:
          application/json:
            schema: TicketCreateSchema
      responses:
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
    """
    ticket = ticket_service.open_complaint(actor=user, **json_body(TicketCreateSchema()))
    return TicketSchema().dump(ticket), 201, {"Location": url_for(".get_ticket", number=ticket.number)}


@bp.get("/tickets/<number>")
@token_required
def get_ticket(number, user):
    """A ticket with its status, assignment, dates, report, survey, timeline and open tasks.
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
    return TicketSchema().dump(ticket_service.visible_ticket(number, user))


@bp.post("/tickets/<number>/messages")
@token_required
def post_customer_message(number, user):
    """Deliver a customer's answer, taken by staff who may see the ticket, to the ticket's process, which
    must be waiting for one. The timeline records the caller as its poster, on the customer's behalf.
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
    """
    body = json_body(CustomerMessageSchema())
    ticket = message_service.post_on_behalf(number, body["text"], user)
    return TicketSchema().dump(ticket)
