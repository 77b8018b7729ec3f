"""The analysis of seed 003, computed from the earlier ticket's live state: is it past its maximum
response date, has it an answer from the responsible area, is there an earlier follow-up and is it open,
answered or overdue, and is the customer's line of business self-service."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app import clock
from app.extensions import db
from app.models import FollowUp, FollowupSubject, LineOfBusiness, Ticket
from app.services.cases import answers
from app.services.followups import lines
from handlers.followups import history


@dataclass
class TicketState:
    """One ticket as the analysis sees it."""

    ticket: Ticket
    answer: answers.Answer | None
    response_due_at: datetime | None  # fecha máxima de respuesta
    overdue: bool  # past its maximum response date
    subject: FollowupSubject | None = None  # for a follow-up

    @property
    def state(self) -> str:
        """"answered" or "open" (a follow-up without an answer is open, even if closed)."""
        return "answered" if self.answer else "open"


@dataclass
class Analysis:
    initial: TicketState
    followups: list[TicketState] = field(default_factory=list)  # oldest first
    line: LineOfBusiness | None = None

    @property
    def latest_followup(self) -> TicketState | None:
        return self.followups[-1] if self.followups else None

    @property
    def self_service(self) -> bool:
        return bool(self.line and self.line.self_service)

    def inputs(self, customer_disagrees: bool) -> dict:
        """Exactly the inputs of ``resultado_insistencia`` (processes/insistencia.dmn)."""
        latest = self.latest_followup
        return {
            "initial_answered": self.initial.answer is not None,
            "initial_overdue": self.initial.overdue,
            "customer_disagrees": bool(customer_disagrees),
            "followup": latest.state if latest else "none",
            "followup_overdue": bool(latest and latest.overdue),
            "self_service_line": self.self_service,
        }


def analyze(ticket: Ticket) -> Analysis:
    """The analysis for ``ticket``; a follow-up is analysed on the earlier ticket it presses on."""
    record = db.session.get(FollowUp, ticket.id)
    if record is not None and record.earlier is not None:
        ticket = record.earlier
    return Analysis(initial=state_of(ticket),
                    followups=[state_of(t, subject=f.subject) for f, t in history(ticket)],
                    line=lines.line_of(ticket.customer))


def state_of(ticket: Ticket, subject: FollowupSubject | None = None) -> TicketState:
    due = response_due_at(ticket)
    return TicketState(ticket=ticket, answer=answers.answer_of(ticket), response_due_at=due,
                       overdue=due is not None and clock.now() > due, subject=subject)


def response_due_at(ticket: Ticket) -> datetime | None:
    return ticket.response_due_at
