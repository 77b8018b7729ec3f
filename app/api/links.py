"""Links between tickets (any kind) and merging a duplicate into its original."""
from app.api import bp
from app.api.parsing import json_body
from app.api.security import token_required
from app.schemas.links import LinkCreateSchema, LinkSchema, MergeSchema
from app.schemas.tickets import TicketSchema
from app.services.cases import links, ticket_view_service


@bp.post("/tickets/<number>/links")
@token_required
def create_link(number, user):
    """Link this ticket to another: duplicado de, relacionado con, causado por (both tickets show it).
    ---
    post:
      tags: [tickets]
      requestBody:
        required: true
        content:
          application/json:
            schema: LinkCreateSchema
      responses:
        201:
          description: The ticket's links after the new one.
          content:
            application/json:
              schema:
                type: array
                items: LinkSchema
        404: NotFound
        409: Conflict
        422: ValidationFailed
    """
    body = json_body(LinkCreateSchema.shared())
    links.link_tickets(number, body["target"], body["type"], user, body.get("note", ""))
    return LinkSchema.shared(many=True).dump(links.links_of(ticket_view_service.visible_ticket(number, user))), 201


@bp.delete("/tickets/<number>/links/<int:link_id>")
@token_required
def delete_link(number, link_id, user):
    """Remove a link (from either of its tickets).
    ---
    delete:
      tags: [tickets]
      responses:
        204:
          description: Removed.
        404: NotFound
    """
    links.remove_link(number, link_id, user)
    return "", 204


@bp.post("/tickets/<number>/merge")
@token_required
def merge(number, user):
    """Merge this ticket (the duplicate) into the original: timeline, attachments and the customer's mail move
    there, this one's process stops and it closes pointing to the original; the customer is told the number.
    ---
    post:
      tags: [tickets]
      requestBody:
        required: true
        content:
          application/json:
            schema: MergeSchema
      responses:
        200:
          description: The original ticket.
          content:
            application/json:
              schema: TicketSchema
        404: NotFound
        409: Conflict
        422: ValidationFailed
    """
    return TicketSchema.shared().dump(links.merge(number, json_body(MergeSchema.shared())["into"], user))
