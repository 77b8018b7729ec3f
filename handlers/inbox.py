"""In-app notifications for staff: a task assigned to me, an escalation, a customer who replied.

Subscribers only add ``Notification`` rows in the current transaction (mail goes through the outbox).
"""
from __future__ import annotations

from app import signals
from app.extensions import db
from app.i18n import _
from app.models import HumanTask, Notification, Ticket, TicketEvent, User, appended
from handlers import notifications
from handlers.rows import related


def connect() -> None:
    signals.task_ready.connect(on_task_ready)
    signals.ticket_escalated.connect(on_escalated)
    signals.sla_warning.connect(on_sla_warning)
    signals.ticket_status_changed.connect(on_status_changed)
    signals.task_completed.connect(on_task_completed)
    signals.customer_wrote.connect(on_customer_wrote)


def notify(user: User, kind: str, message: str, *, ticket: Ticket | None = None) -> None:
    """Append a line to the user's inbox (written with the step's other rows: app/models/appended.py)."""
    appended.append(Notification, user_id=user.id, ticket_id=ticket.id if ticket else None, kind=kind,
                    message=message)


def on_task_ready(ticket: Ticket, *, task: HumanTask, **_kw) -> None:
    if task.assignee_id is not None:
        notify(db.session.get(User, task.assignee_id), "task_assigned",
               _("New task for you: %(task)s, ticket %(number)s.", task=task.title, number=ticket.number),
               ticket=ticket)


def on_escalated(ticket: Ticket, *, reason: str, **_kw) -> None:
    for user in notifications.supervisors_of(ticket):
        notify(user, "escalated", _("Ticket %(number)s was escalated: %(reason)s", number=ticket.number,
                                    reason=reason or "-"), ticket=ticket)


def on_sla_warning(ticket: Ticket, **_kw) -> None:
    assignee = related(ticket, "assignee")
    if assignee is not None:
        notify(assignee, "sla_warning", _("The SLA of ticket %(number)s is about to expire.",
                                                 number=ticket.number), ticket=ticket)


def on_status_changed(ticket: Ticket, *, old: str, new: str, **_kw) -> None:
    """The customer's answer to a question arrives as the way out of "waiting for the customer"."""
    if old == "waiting_customer" and new != old:
        _tell_assignee(ticket, _("The customer replied on ticket %(number)s.", number=ticket.number))


def on_task_completed(ticket: Ticket, *, task: HumanTask, on_behalf_of: str | None = None, **_kw) -> None:
    """A customer-lane task (confirmation, survey) is always completed on the customer's behalf."""
    if on_behalf_of:
        _tell_assignee(ticket, _("The customer answered %(task)s on ticket %(number)s.", task=task.title,
                                 number=ticket.number))


def _tell_assignee(ticket: Ticket, message: str) -> None:
    assignee = related(ticket, "assignee")
    if assignee is not None:
        notify(assignee, "customer_replied", message, ticket=ticket)


def on_customer_wrote(ticket: Ticket, *, event: TicketEvent, answered: bool, **_kw) -> None:
    """A message nobody asked for (an answer is told through the end of "waiting for the customer")."""
    if not answered:
        _tell_assignee(ticket, _("The customer wrote on ticket %(number)s.", number=ticket.number))
