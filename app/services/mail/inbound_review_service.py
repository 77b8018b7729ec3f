"""Inbound mail that needs a person: what intake ignored (automatic, our own address), held (over its
sender's limit of new tickets) or only added to its sender's latest ticket for the same reason, could not
process (failed) or left unprocessed for a while (a crash the sweep has not finished yet). Staff read the
raw mail and process it again; "again" on an ignored or held mail means "a person wrote it": it is read
whatever it looks like, and never answered automatically."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update

from app import clock
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.i18n import _
from app.models import Ticket, User
from app.models.mail import InboundMessage
from app.services.accounts.permissions import may_review_inbound_mail
from app.services.cases.ticket_service import visible_ticket
from app.services.control import audit_service
from app.services.mail import mail_intake_service
from app.services.transaction import transaction

NEEDS_A_PERSON = ("ignored", "failed", "held")
STUCK_AFTER = timedelta(minutes=10)  # a "received" mail older than this crashed mid-processing
PAGE_SIZE = 100
RATE_LIMITED = mail_intake_service.RATE_LIMITED
RAW_PREVIEW_BYTES = 200_000


@dataclass(frozen=True)
class RawMail:
    row: InboundMessage
    text: str  # the raw bytes as text (what a mail client's "show original" shows)
    truncated: bool
    ticket_number: str | None


def unhandled(actor: User, status: str = "") -> tuple[list[InboundMessage], int]:
    """Newest first: ignored, held, failed, stuck and rate-limited mail (or those of one ``status``), and how
    many."""
    _check(actor)
    stuck = and_(InboundMessage.status == "received", InboundMessage.received_at < clock.now() - STUCK_AFTER)
    condition = or_(InboundMessage.status.in_(NEEDS_A_PERSON), stuck, InboundMessage.outcome == RATE_LIMITED)
    if status in NEEDS_A_PERSON:
        condition = InboundMessage.status == status
    elif status == "received":
        condition = stuck
    total = db.session.scalar(select(func.count()).select_from(InboundMessage).where(condition))
    rows = list(db.session.scalars(select(InboundMessage).where(condition)
                                   .order_by(InboundMessage.id.desc()).limit(PAGE_SIZE)))
    return rows, total


def raw_mail(inbound_id: int, actor: User) -> RawMail:
    """One stored mail as it came. Reviewers see any; other staff only the mail of a ticket they may see."""
    row = db.session.get(InboundMessage, inbound_id)
    if row is None:
        raise NotFound(_("Mail not found."))
    ticket = db.session.get(Ticket, row.ticket_id) if row.ticket_id else None
    if not may_review_inbound_mail(actor):
        if ticket is None:
            raise Forbidden(_("Only supervisors and administrators may read this mail."))
        visible_ticket(ticket.number, actor)  # NotFound/Forbidden like the ticket page
    raw = row.raw or b""
    return RawMail(row=row, text=raw[:RAW_PREVIEW_BYTES].decode("utf-8", errors="replace"),
                   truncated=len(raw) > RAW_PREVIEW_BYTES, ticket_number=ticket.number if ticket else None)


def reprocess(inbound_id: int, actor: User) -> str:
    """Process the mail again (audited); return the outcome ("created", "comment", ...)."""
    _check(actor)
    with transaction():
        row = db.session.get(InboundMessage, inbound_id)
        if row is None:
            raise NotFound(_("Mail not found."))
        if row.status == "processed":
            raise Conflict(_("This mail was already processed."))
        before = row.status
        db.session.execute(update(InboundMessage).where(InboundMessage.id == inbound_id)
                           .values(status="received", error=None).execution_options(synchronize_session=False))
        audit_service.record("inbound_mail_reprocessed", actor, target=f"mail #{inbound_id}",
                             changes={"status": [before, "received"], "sender": row.sender,
                                      "subject": row.subject})
    # An ignored or held mail is one staff say a person wrote: read it whatever it looks like.
    outcome = mail_intake_service.process(inbound_id, forced=before in ("ignored", "held"))
    return outcome or "skipped"


def _check(actor: User) -> None:
    if not may_review_inbound_mail(actor):
        raise Forbidden(_("Only supervisors and administrators may review inbound mail."))
