"""API fixtures: a client that logs in per demo user, and complaints driven step by step through HTTP.

Steps are named after the diagram's user tasks (processes/queja_reparacion.bpmn) and submit the data
their forms (forms/*.schema.json) require.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from app import clock
from app.services.demo_service import DEMO_PASSWORD
from tests.visit_dates import working_day

PREFIX = "/api/v1"


class Api:
    """The test client speaking JSON to /api/v1 as demo staff, with one bearer token per user.

    A token is renewed once the (test-controlled) clock passes its expiry.
    """

    def __init__(self, client):
        self.client = client
        self._tokens: dict[str, tuple[str, datetime]] = {}

    def token(self, username: str) -> str:
        token, expires_at = self._tokens.get(username, ("", None))
        if not token or expires_at <= clock.now():
            response = self.client.post(f"{PREFIX}/auth/token",
                                        json={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, response.json
            token, expires_at = response.json["token"], datetime.fromisoformat(response.json["expires_at"])
            self._tokens[username] = (token, expires_at)
        return token

    def call(self, method: str, path: str, user: str | None = None, *, expect: int | None = 200, **kwargs):
        """Request ``path`` under /api/v1 as ``user`` (anonymous if None) and check the status code."""
        headers = dict(kwargs.pop("headers", {}))
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        response = self.client.open(PREFIX + path, method=method, headers=headers, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (method, path, response.status_code, response.get_data(True))
        return response

    def get(self, path: str, user: str | None, **kwargs):
        return self.call("GET", path, user, **kwargs)

    def post(self, path: str, user: str | None, **kwargs):
        return self.call("POST", path, user, **kwargs)

    def ticket(self, number: str, user: str = "supervisor") -> dict:
        """The ticket as the API answers it, with ``timeline`` (oldest first) read apart, page by page."""
        ticket = self.get(f"/tickets/{number}", user).json
        assert "timeline" not in ticket  # never embedded: a long-lived ticket's answer stays small
        return {**ticket, "timeline": self.timeline(number, user)}

    def timeline(self, number: str, user: str = "supervisor", limit: int = 7) -> list[dict]:
        """Every line of the ticket's timeline, oldest first, following ``next_before`` (small pages, so the
        tests cross page boundaries)."""
        lines, before = [], None
        while True:
            query = {"limit": limit} | ({"before": before} if before else {})
            page = self.get(f"/tickets/{number}/events", user, query_string=query).json
            lines += page["events"]
            before = page["next_before"]
            if before is None:
                return lines[::-1]

    def tasks(self, user: str, **filters) -> list[dict]:
        return self.get("/tasks", user, query_string=filters).json["tasks"]

    def ready_task(self, user: str, number: str, title: str) -> dict:
        """The READY task of ticket ``number`` named ``title`` (its BPMN name), as ``user`` sees it."""
        found = [t for t in self.tasks(user, ticket=number) if t["title"] == title]
        if len(found) != 1:
            open_tasks = [(t["title"], t["lane"]) for t in self.ticket(number)["open_tasks"]]
            pytest.fail(f"{user} sees {len(found)} {title!r} tasks; open tasks: {open_tasks}")
        return found[0]

    def complete(self, user: str, number: str, title: str, data: dict, *, expect: int = 200, **extra):
        task = self.ready_task(user, number, title)
        return self.post(f"/tasks/{task['id']}/complete", user, json={"data": data, **extra}, expect=expect)


@dataclass
class Case:
    """One ticket of any kind as the API shows it."""

    api: Api
    number: str

    @property
    def ticket(self) -> dict:
        return self.api.ticket(self.number)

    @property
    def status(self) -> str:
        return self.ticket["status"]["code"]

    @property
    def technician(self) -> str:
        return self.ticket["assignee"]["username"]

    def open_titles(self) -> list[str]:
        return sorted(t["title"] for t in self.ticket["open_tasks"])


@dataclass
class Complaint(Case):
    """One complaint, driven through the API by the staff each lane belongs to."""

    def validate(self, category: str = "lentitud"):
        return self.api.complete("agente", self.number, "Validar reporte",
                                 {"valid": True, "category": category, "priority_override": "sin_cambio"})

    def deny(self, reason: str):
        return self.api.complete("agente", self.number, "Validar reporte",
                                 {"valid": False, "rejection_reason": reason})

    def diagnose(self, outcome: str, **extra):
        return self.api.complete(self.technician, self.number, "Diagnóstico",
                                 {"diagnosis": "Saturación del canal Wi-Fi", "outcome": outcome, **extra})

    def fix_remotely(self):
        return self.api.complete(self.technician, self.number, "Intervención remota",
                                 {"actions_remote": "Reinicio remoto del módem"})

    def schedule_visit(self, date: str | None = None, window: str = "09:00-13:00", **extra):
        return self.api.complete("agente", self.number, "Coordinar visita",
                                 {"visit_date": date or working_day(), "visit_window": window}, **extra)

    def visit(self, technician: str = "campo1"):
        """The field team's technician (equipo_visita.dmn sends every visit to "campo")."""
        return self.api.complete(technician, self.number, "Visita in situ",
                                 {"actions_onsite": "Cambio de conectores"})

    def run_tests(self, passed: bool = True):
        return self.api.complete(self.technician, self.number, "Pruebas de funcionalidad",
                                 {"tests_passed": passed, "test_notes": "Navegación estable, 95 Mbps"})

    def confirm(self, solved: bool = True, comment: str | None = None, user: str = "supervisor", **extra):
        """The customer's answer, entered by ``user`` on the customer's behalf."""
        data = {"solved": solved, **({"confirmation_comment": comment} if comment else {})}
        return self.api.complete(user, self.number, "Confirmar resolución", data, **extra)

    def answer_survey(self, score: int = 5, user: str = "supervisor", **extra):
        return self.api.complete(user, self.number, "Encuesta de satisfacción",
                                 {"score": score, "comments": "Muy buena atención"}, **extra)


def _complaint_body(**overrides) -> dict:
    body = {"customer_number": "C-1001", "channel": "phone", "description": "Internet muy lento desde ayer",
            "priority": "media", "equipment_brand": "Huawei", "equipment_model": "HG8245"}
    return {**body, **overrides}


@pytest.fixture
def complaint_body():
    """Build the JSON of a valid complaint, with ``overrides``."""
    return _complaint_body


@pytest.fixture
def api(client) -> Api:
    return Api(client)


@pytest.fixture
def open_complaint(api):
    """Open a complaint as the contact-center agent; returns its ``Complaint``."""

    def open_(**overrides) -> Complaint:
        return Complaint(api, api.post("/tickets", "agente", json=_complaint_body(**overrides), expect=201)
                         .json["number"])

    return open_


@pytest.fixture
def diagnosing(open_complaint) -> Complaint:
    """A validated complaint whose technician has its diagnosis task."""
    complaint = open_complaint()
    complaint.validate()
    return complaint
