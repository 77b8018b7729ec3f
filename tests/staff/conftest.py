"""Staff workspace fixtures: a browser-like client that signs in as demo staff and posts with its CSRF token,
and complaints opened through the services (tests/services/conftest.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask
from app.services.cases import task_service, ticket_service
from app.services.demo_service import DEMO_PASSWORD
from tests.conftest import user
from tests.form_client import FormClient


class Staff(FormClient):
    """The test client as one signed-in staff member (its own cookie jar)."""

    home = "/staff/tasks"

    def __init__(self, app, username: str | None = None):
        super().__init__(app)
        if username:
            self.login(username)

    def login(self, username: str, password: str = DEMO_PASSWORD):
        self.refresh_token("/staff/login")
        response = self.client.post("/staff/login", data={"username": username, "password": password,
                                                          "csrf_token": self.token})
        if response.status_code == 302:
            self.refresh_token()  # signing in starts a new session, with a new CSRF token
        return response


@pytest.fixture
def staff(app):
    """``staff("agente")``: a signed-in client for that demo user."""
    return lambda username: Staff(app, username)


def open_complaint(channel: str = "phone", customer_number: str = "C-1001", **details):
    return ticket_service.open_complaint(channel=channel, description="Internet muy lento desde ayer",
                                         actor=user("agente"), customer_number=customer_number,
                                         priority="media", **details)


def ready_task(ticket, task_name: str) -> HumanTask:
    return db.session.scalar(select(HumanTask).where(HumanTask.ticket_id == ticket.id,
                                                     HumanTask.task_name == task_name,
                                                     HumanTask.status == "ready"))


def validate(ticket, category: str = "lentitud"):
    task_service.complete_task(ready_task(ticket, "validar_reporte").id,
                               {"valid": True, "category": category, "priority_override": "sin_cambio"},
                               user("agente"))
