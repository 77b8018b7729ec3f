"""Webhook notices: a signed JSON POST to an endpoint an admin registered (``WebhookEndpoint``).

The receiver checks ``X-Atiende-Signature: sha256=<hex>``, the HMAC-SHA256 with the endpoint's secret of
``<X-Atiende-Timestamp>.<body>`` (the exact bytes received), and refuses a timestamp too old (replays);
``Idempotency-Key`` is the same on every retry of one notice. Any answer but 2xx is retried by the outbox
with backoff.
"""
from __future__ import annotations

import hashlib
import hmac
import json

import requests

from app import clock

SIGNATURE_HEADER = "X-Atiende-Signature"
TIMESTAMP_HEADER = "X-Atiende-Timestamp"


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def post(url: str, secret: str, payload: dict, *, idempotency_key: str, timeout: float) -> requests.Response:
    """POST ``payload`` signed; raises ``requests.RequestException`` when nobody answers."""
    body, timestamp = body_of(payload), str(int(clock.now().timestamp()))
    return requests.post(url, data=body, timeout=timeout, allow_redirects=False, headers={
        "Content-Type": "application/json; charset=utf-8", TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body), "Idempotency-Key": idempotency_key})
