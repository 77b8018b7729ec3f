"""Claims (reclamaciones): a customer's documents, claims and their lines. Decisions are the approval
tasks' forms, through the task endpoints."""
from flask import url_for

from app.api import bp
from app.api.parsing import json_body, query_args
from app.api.security import token_required
from app.schemas.claims import (
    ClaimCreateSchema,
    ClaimListSchema,
    ClaimQuerySchema,
    ClaimSchema,
    DocumentListSchema,
    DocumentQuerySchema,
    LineInputSchema,
    LineUpdateSchema,
    SubmitSchema,
)
from app.services.claims import claims as claim_service
from app.services.claims import documents


@bp.get("/customers/<number>/documents")
@token_required
def list_customer_documents(number, user):
    """A customer's invoices, orders and sales schedules with their lines, from the billing port.
    ---
    get:
      operationId: listCustomerDocuments
      tags: [claims]
      parameters:
        - {in: query, name: doc_type, schema: {type: string}}
      responses:
        200:
          description: The customer's documents, newest first.
          content:
            application/json:
              schema: DocumentListSchema
        404: NotFound
    """
    flt = query_args(DocumentQuerySchema.shared())
    found = documents.staff_customer_documents(number, flt.get("doc_type"), user)
    return DocumentListSchema.shared().dump({"documents": found})


@bp.post("/claims")
@token_required
def create_claim(user):
    """Open a claim: typed in, copied from a document (its lines proposed with their amounts) or from a call.
    ---
    post:
      operationId: createClaim
      tags: [claims]
      requestBody:
        required: true
        content:
          application/json:
            schema: ClaimCreateSchema
      responses:
        201:
          description: The claim with its draft lines.
          content:
            application/json:
              schema: ClaimSchema
        404: NotFound
    """
    ticket = claim_service.create_claim(json_body(ClaimCreateSchema.shared()), user)
    claim = claim_service.get_claim(ticket.number)
    return ClaimSchema.shared().dump(claim), 201, {"Location": url_for(".get_claim", number=ticket.number)}


@bp.get("/claims")
@token_required
def list_claims(user):
    """Claims, filtered by line status, document type, customer, amount, dates or approver.
    ---
    get:
      operationId: listClaims
      tags: [claims]
      parameters:
        - {in: query, schema: ClaimQuerySchema}
      responses:
        200:
          description: The claims, newest first.
          content:
            application/json:
              schema: ClaimListSchema
    """
    claims = claim_service.list_claims(query_args(ClaimQuerySchema.shared()), user)
    return ClaimListSchema.shared().dump({"claims": claims})


@bp.get("/claims/<number>")
@token_required
def get_claim(number, user):
    """A claim with its lines, their statuses and every checked version with its decision.
    ---
    get:
      operationId: getClaim
      tags: [claims]
      responses:
        200:
          description: The claim.
          content:
            application/json:
              schema: ClaimSchema
        404: NotFound
    """
    return ClaimSchema.shared().dump(claim_service.staff_claim(number, user))


@bp.post("/claims/<number>/lines")
@token_required
def add_claim_line(number, user):
    """Add a draft line to an open claim.
    ---
    post:
      operationId: addClaimLine
      tags: [claims]
      requestBody:
        required: true
        content:
          application/json:
            schema: LineInputSchema
      responses:
        201:
          description: The claim with the new line.
          content:
            application/json:
              schema: ClaimSchema
        404: NotFound
        409: Conflict
    """
    claim_service.add_line(number, json_body(LineInputSchema.shared()), user)
    return ClaimSchema.shared().dump(claim_service.get_claim(number)), 201


@bp.patch("/claims/<number>/lines/<int:line_id>")
@token_required
def update_claim_line(number, line_id, user):
    """Change a draft line, or an approved one (a new draft version; the approved one stays effective).
    ---
    patch:
      operationId: updateClaimLine
      tags: [claims]
      requestBody:
        required: true
        content:
          application/json:
            schema: LineUpdateSchema
      responses:
        200:
          description: The claim after the change.
          content:
            application/json:
              schema: ClaimSchema
        404: NotFound
        409: Conflict
    """
    claim_service.update_line(number, line_id, json_body(LineUpdateSchema.shared()), user)
    return ClaimSchema.shared().dump(claim_service.get_claim(number))


@bp.post("/claims/<number>/submit")
@token_required
def submit_claim_lines(number, user):
    """Send lines for approval: each gets its checked version and shows "Aprobación pendiente".
    ---
    post:
      operationId: submitClaimLines
      tags: [claims]
      requestBody:
        required: true
        content:
          application/json:
            schema: SubmitSchema
      responses:
        200:
          description: The claim after sending.
          content:
            application/json:
              schema: ClaimSchema
        404: NotFound
        409: Conflict
    """
    claim_service.submit_lines(number, json_body(SubmitSchema.shared()).get("lines"), user)
    return ClaimSchema.shared().dump(claim_service.get_claim(number))


@bp.post("/claims/<number>/cancel")
@token_required
def cancel_claim(number, user):
    """Cancel a claim none of whose lines has been decided.
    ---
    post:
      operationId: cancelClaim
      tags: [claims]
      responses:
        200:
          description: The cancelled claim.
          content:
            application/json:
              schema: ClaimSchema
        404: NotFound
        409: Conflict
    """
    claim_service.cancel_claim(number, user)
    return ClaimSchema.shared().dump(claim_service.get_claim(number))


@bp.post("/claims/<number>/lines/<int:line_id>/cancel")
@token_required
def cancel_claim_line(number, line_id, user):
    """Cancel one line that has not been decided (a pending one leaves the approvers' task list).
    ---
    post:
      operationId: cancelClaimLine
      tags: [claims]
      responses:
        200:
          description: The claim after cancelling the line.
          content:
            application/json:
              schema: ClaimSchema
        404: NotFound
        409: Conflict
    """
    claim_service.cancel_line(number, line_id, user)
    return ClaimSchema.shared().dump(claim_service.get_claim(number))
