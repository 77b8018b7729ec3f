"""Who is told what: the customer at every public status change, staff when work reaches them.

Subscribers only queue outbox rows; the worker sends them after commit. What one request (one transaction)
tells a customer about a ticket — its confirmation, its status changes — is one mail per recipient: the
first change with a template of its own (the confirmation, "validated, with the estimated date") is the
mail, and the other changes of the same request are listed in its footer (issue 13: validation sent three
mails in the same second).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, select

from app import signals
from app.extensions import db
from app.models import CaseStatus, Customer, CustomerAccount, Team, Ticket, User
from app.models.appended import Appended
from handlers import mail, outbox
from handlers.rows import related


def connect() -> None:
    signals.ticket_opened.connect(on_ticket_opened)
    signals.ticket_status_changed.connect(on_status_changed)
    signals.ticket_assigned.connect(on_ticket_assigned)
    signals.ticket_escalated.connect(on_ticket_escalated)
    signals.ticket_merged.connect(on_ticket_merged)
    signals.incident_finalized.connect(on_incident_finalized)


def customer_address(ticket: Ticket) -> str:
    return ticket.contact_email or related(ticket, "customer").email


def email_customer(ticket: Ticket, templates: list[str], **context) -> None:
    address = customer_address(ticket)
    if not address:
        return
    subject, body = mail.render(templates, ticket=ticket, customer=related(ticket, "customer"), **context)
    outbox.queue("email", ticket=ticket, recipient=address, subject=subject, body=body)


@dataclass
class _Update:
    template: str
    label: str
    context: dict = field(default_factory=dict)

    @property
    def own(self) -> bool:
        """A template written for this status (not the generic "your ticket changed status")."""
        return not self.template.endswith("status_changed.txt")


def update_customer(ticket: Ticket, templates: list[str], *, label: str, **context) -> None:
    """Tell the customer about a change of his ticket; changes of the same transaction share one mail."""
    address = customer_address(ticket)
    if not address:
        return
    queued = outbox.transaction_scope().setdefault("customer_updates", {})
    update = _Update(mail.resolve(templates), label, context)
    key, customer = (ticket.id, address.lower()), related(ticket, "customer")
    if key not in queued:
        subject, body = mail.render([update.template], ticket=ticket, customer=customer, **context)
        queued[key] = (outbox.queue("email", ticket=ticket, recipient=address, subject=subject, body=body), [update])
        return
    message, updates = queued[key]
    updates.append(update)
    primary = next((u for u in updates if u.own), updates[-1])
    trail = [{"label": u.label, "note": u.context.get("note"), "notice": u.context.get("notice_body")}
             for u in updates if u is not primary]
    subject, body = mail.render([primary.template], ticket=ticket, customer=customer, trail=trail, **primary.context)
    message.update(subject=subject, body=body)


def queued_update(ticket: Ticket, address: str) -> Appended | None:
    """The customer mail this transaction queued for ``ticket`` to ``address`` (the confirmation of a new
    ticket), for the intake to thread it under the customer's mail or hold it back."""
    entry = outbox.transaction_scope().get("customer_updates", {}).get((ticket.id, address.lower()))
    return entry[0] if entry else None


def email_staff(ticket: Ticket, users: list[User], template: str, **context) -> None:
    for user in users:
        if user.email:
            subject, body = mail.render([template], ticket=ticket, user=user, **context)
            outbox.queue("email", ticket=ticket, recipient=user.email, subject=subject, body=body)


def on_ticket_opened(ticket: Ticket, **_kw) -> None:
    status = CaseStatus.info(ticket.kind, ticket.status)
    update_customer(ticket, [f"{ticket.kind}/ticket_received.txt", "ticket_received.txt"],
                    label=status.customer_label if status else ticket.status)


def on_status_changed(ticket: Ticket, *, old: str, new: str, note: str, public: bool, **_kw) -> None:
    status = CaseStatus.info(ticket.kind, new)
    if public and status.notify_customer and old != new and wants_mail(ticket):
        update_customer(ticket, [f"{ticket.kind}/status_{new}.txt", f"{ticket.kind}/status_changed.txt",
                                 f"status_{new}.txt", "status_changed.txt"],
                        label=status.customer_label, status=status, note=note)


# The customer's row comes with his preference: the mail reads it next (no second SELECT for ticket.customer).
_PREFERENCE = (select(Customer, CustomerAccount.notify_by)
               .outerjoin(CustomerAccount, (CustomerAccount.customer_id == Customer.id)
                          & CustomerAccount.verified_at.is_not(None))
               .where(Customer.id == bindparam("customer_id")))


def wants_mail(ticket: Ticket) -> bool:
    """Unless the customer chose to follow his tickets in the portal only (his verified account says so).
    Read once per transaction; the customer's row is held with it, so the session keeps it for the mail."""
    preferences = outbox.transaction_scope().setdefault("mail_preference", {})
    if ticket.customer_id not in preferences:
        with db.session.no_autoflush:
            customer, notify_by = db.session.execute(_PREFERENCE, {"customer_id": ticket.customer_id}).one()
        preferences[ticket.customer_id] = (customer, notify_by != "portal")
    return preferences[ticket.customer_id][1]


def on_ticket_assigned(ticket: Ticket, *, team: Team, assignee: User | None, **_kw) -> None:
    recipients = [assignee] if assignee else [m for m in team.members if "technician" in m.roles]
    email_staff(ticket, recipients, "staff_task_assigned.txt", team=team)


def on_ticket_escalated(ticket: Ticket, *, reason: str, **_kw) -> None:
    email_staff(ticket, supervisors_of(ticket), "staff_escalated.txt", reason=reason)


def supervisors_of(ticket: Ticket) -> list[User]:
    """The active supervisors of the ticket's team (all of them while it has none)."""
    team = related(ticket, "team")
    return [u for u in _supervisors() if team is None or team.code in u.team_codes]


def _supervisors() -> list[User]:
    """Every active supervisor, read once per transaction (the timer sweep escalates a batch in one)."""
    scope = outbox.transaction_scope()
    if "supervisors" not in scope:
        scope["supervisors"] = [u for u in db.session.scalars(select(User).where(User.active).order_by(User.id))
                                if "supervisor" in u.roles]
    return scope["supervisors"]


def on_ticket_merged(duplicate: Ticket, *, original: Ticket, **_kw) -> None:
    """The customer is told which number to follow (whatever his status-mail preference: it is new)."""
    email_customer(duplicate, ["ticket_merged.txt"], original=original)


def on_incident_finalized(ticket: Ticket, *, managers: list[User], resolution: str, **_kw) -> None:
    """FINALIZADO reaches the person responsible for incident management (the customer hears of it through
    the status change)."""
    email_staff(ticket, managers, "incident_finalized_manager.txt", resolution=resolution)
