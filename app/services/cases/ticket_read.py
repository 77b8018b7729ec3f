"""A ticket as the API answers it, read in one statement: its columns, customer, team, assignee, incident and
open tasks, and whether it has an area's answer or a link at all (most have neither: then neither is asked for).

``TicketSchema`` dumps a ``Read`` as it dumps a ``Ticket``; its answer and links come from here instead of a
statement each."""
from __future__ import annotations

from sqlalchemy import bindparam, exists, inspect, or_, select
from sqlalchemy.orm import joinedload

from app.errors import NotFound
from app.extensions import db
from app.i18n import _
from app.models import Ticket, TicketAnswer, TicketLink, User
from app.services.accounts.permissions import may_see_ticket
from app.services.cases import answers, links, ticket_service

# What the answer reads besides the ticket's columns, joined to it.
WITH = (*ticket_service.ANSWERED_WITH, joinedload(Ticket.open_tasks))
_HAS_ANSWER = exists().where(TicketAnswer.ticket_id == Ticket.id)
_HAS_LINK = exists().where(or_(TicketLink.ticket_id == Ticket.id, TicketLink.target_id == Ticket.id))
# Built once: a statement's cache key (which finds its compiled SQL) is worked out once per statement object.
_SELECT = select(Ticket, _HAS_ANSWER, _HAS_LINK).options(*WITH)
_BY_NUMBER = _SELECT.where(Ticket.number == bindparam("number"))
_BY_ID = _SELECT.where(Ticket.id == bindparam("id"))


class Read:
    """The ticket, its newest answer and its links; every other attribute is the ticket's.

    Made for one dump, right after its read: it starts with the ticket's loaded attributes as its own (a dump
    reads some thirty, and each through ``__getattr__`` cost more than the rest of the wrapper); the others
    (properties, anything not loaded) are asked of the ticket."""

    def __init__(self, ticket: Ticket, has_answer: bool, has_link: bool):
        self.__dict__.update(ticket.__dict__)
        self.ticket = ticket
        self.answer = answers.answer_of(ticket) if has_answer else None
        self.links = links.links_of(ticket) if has_link else []

    def __getattr__(self, name: str):
        return getattr(self.ticket, name)


def visible(number: str, actor: User) -> Read:
    """``ticket_service.visible_ticket`` (same rule, same "not found") with what the answer reads."""
    row = _read(_BY_NUMBER, number=number)
    if row is not None and may_see_ticket(actor, row[0], lambda: ticket_service.has_visible_task(row[0], actor)):
        return Read(*row)
    raise NotFound(_("Ticket %(number)s does not exist.", number=number))


def committed(ticket: Ticket) -> Read:
    """``ticket`` after its commit (a new case's answer), read again with what the answer reads."""
    return Read(*_read(_BY_ID, id=inspect(ticket).identity[0]))  # its id, without refreshing the expired row


def _read(statement, **params):
    return db.session.execute(statement, params).unique().first()


def answer_of(ticket) -> answers.Answer | None:
    return ticket.answer if isinstance(ticket, Read) else answers.answer_of(ticket)


def links_of(ticket) -> list[links.LinkView]:
    return ticket.links if isinstance(ticket, Read) else links.links_of(ticket)
