"""Bearer tokens for the API."""
from app.api import bp
from app.api.parsing import json_body
from app.ratelimit import limit
from app.schemas.auth import CredentialsSchema, TokenSchema
from app.services.accounts import auth_service


@bp.post("/auth/token")
@limit("API_LIMIT_TOKEN")
def issue_token():
    """Exchange a staff username and password for a bearer token (rate-limited per client address).
    ---
    post:
      tags: [auth]
      requestBody:
        required: true
        content:
          application/json:
            schema: CredentialsSchema
      responses:
        200:
          description: The token and when it expires.
          content:
            application/json:
              schema: TokenSchema
        401: Unauthorized
        429:
          description: Too many attempts from this address; wait and try again.
    """
    token, row = auth_service.issue_token(**json_body(CredentialsSchema.shared()))
    return TokenSchema.shared().dump({"token": token, "expires_at": row.expires_at})
