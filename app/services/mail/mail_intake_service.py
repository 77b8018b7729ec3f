"""The one door for inbound e-mail (pipe, SMTP intake server, IMAP polling all call ``receive``).

1. ``store_raw`` keeps the raw bytes first, in their own commit. ``(mailbox, sha256(Message-ID))`` is
   unique, so the same message delivered twice (even to two workers at once) is stored once; the loser
   of the race gets the IntegrityError and does nothing more.
2. ``process`` then claims the row (``UPDATE … WHERE status IN ('received', 'failed')``: one winner) and,
   in the same transaction as the claim, creates the ticket, adds the comment, delivers the workflow
   message or writes the bounce note. A crash before that commit leaves the row ``received`` and
   ``process_pending`` (``flask mail process-pending``) finishes it.

Decisions, in this order: a bounce becomes an internal note on its ticket; any other automatic mail is
ignored (no ticket, no answer); a reply threads onto its ticket by In-Reply-To/References (our outbox
Message-IDs and earlier inbound ones) or by ``[Q-2026-000123]`` in the subject, but only if the sender is
a party to it (the customer's or the ticket's contact address), otherwise it gets a new ticket; a ticket
whose workflow waits for ``respuesta_cliente`` gets the reply as that BPMN message, else the reply is a
public ``customer_email`` comment. A new mail opens a complaint (channel ``email``).
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from datetime import timedelta
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app import brand, clock
from app.errors import Conflict
from app.extensions import db
from app.i18n import _
from app.mail.parse import ParsedMail, fallback_key, key_of, parse
from app.models import CaseStatus, Customer, HumanTask, OutboxMessage, Ticket, User, WorkflowInstance
from app.models.mail import AutoReplyLog, InboundMessage, ProvisionalCustomer
from app.services.cases import attachment_service, message_service, ticket_service
from app.services.incidents import mail_rule, registration
from app.services.transaction import transaction
from handlers import mail as mail_templates
from handlers import notifications, outbox, timeline
from handlers.links import merged_into

log = logging.getLogger(__name__)

SUBJECT_TAG = re.compile(r"\[\s*([A-Z]{1,3}-\d{4}-\d{6,})\s*\]")
OUR_MESSAGE_ID = re.compile(r"^outbox-(\d+)(?:\.[^@]*)?@([^@]+)$")
AUTO_REPLY_WINDOW = timedelta(hours=24)
NEW_TICKET_WINDOW = timedelta(hours=1)
RATE_LIMITED = "rate_limited"  # the outcome of mail over its sender's limit of new tickets
TEXT_LIMIT = 20000  # the timeline comment (the raw mail keeps everything)
WORKFLOW_TEXT_LIMIT = 4000  # what goes into workflow data (the description snapshot, the BPMN message)
CONFIRMATION_TASK = "confirmar_resolucion"
YES = re.compile(r"^(si|yes|claro|correcto)( (gracias|muchas gracias|ya (quedo|funciona)|se resolvio|"
                 r"quedo resuelto|todo bien|funciona|ya funciona bien))*$")
NO = re.compile(r"^no( (gracias|se resolvio|sigue (igual|fallando|sin servicio)|funciona|ha quedado|quedo))*$")



def receive(raw: bytes, *, transport: str, mailbox: str | None = None, envelope_from: str = "") -> InboundMessage:
    """Store ``raw`` and process it. Returns the stored row (the earlier one for a duplicate).

    Raises only if the message could not be stored (the transport then asks the sender to retry); a
    processing failure is recorded on the row (status ``failed``) for ``process_pending`` to retry."""
    inbound_id, created = store_raw(raw, transport=transport, mailbox=mailbox, envelope_from=envelope_from)
    if created or _unfinished(inbound_id):
        process(inbound_id)  # a redelivery of a mail whose processing crashed finishes it
    return db.session.get(InboundMessage, inbound_id)


def _unfinished(inbound_id: int) -> bool:
    row = db.session.get(InboundMessage, inbound_id, populate_existing=True)
    return row.status in ("received", "failed") and row.attempts < current_app.config["MAIL_INTAKE_MAX_ATTEMPTS"]


def store_raw(raw: bytes, *, transport: str, mailbox: str | None = None, envelope_from: str = "") -> tuple[int, bool]:
    """Keep the message as it came; return its id and whether it is new (False: a duplicate)."""
    mailbox = mailbox or current_app.config["MAIL_INTAKE_MAILBOX"]
    try:
        parsed = parse(raw)
        key = key_of(parsed.message_id) if parsed.message_id else fallback_key(parsed, raw)
        sender, subject, message_id = parsed.from_address, parsed.subject, parsed.message_id
    except Exception:  # even a mail we cannot read is kept, to look at by hand
        log.exception("could not parse an inbound mail (%s bytes); storing it raw", len(raw))
        import hashlib

        key, sender, subject, message_id = hashlib.sha256(raw).hexdigest(), "", "", None
    try:
        with transaction():
            row = InboundMessage(mailbox=mailbox, message_key=key, message_id=message_id, transport=transport,
                                 envelope_from=envelope_from[:254], sender=sender[:254], subject=subject[:300],
                                 size=len(raw), raw=raw)
            db.session.add(row)
            db.session.flush()
            inbound_id = row.id
    except IntegrityError:
        existing = db.session.scalar(select(InboundMessage.id).where(InboundMessage.mailbox == mailbox,
                                                                     InboundMessage.message_key == key))
        if existing is None:
            raise
        log.info("inbound mail %s already stored as #%s: duplicate dropped", message_id, existing)
        return existing, False
    return inbound_id, True


def process_pending(limit: int = 100) -> Counter[str]:
    """Finish what was stored but not processed (a crash mid-intake) and retry failed ones."""
    max_attempts = current_app.config["MAIL_INTAKE_MAX_ATTEMPTS"]
    with transaction():
        ids = list(db.session.scalars(
            select(InboundMessage.id).where(InboundMessage.status.in_(("received", "failed")),
                                            InboundMessage.attempts < max_attempts)
            .order_by(InboundMessage.id).limit(limit)))
    counts: Counter[str] = Counter()
    for inbound_id in ids:
        counts[process(inbound_id) or "skipped"] += 1
    return counts


def process(inbound_id: int, *, forced: bool = False) -> str | None:
    """Act on one stored message; return the outcome, or None when another worker already did.

    ``forced``: staff said it is a person's mail (``reprocess``): it is read even if it looks automatic,
    comes from our own address or went over its sender's limit, and it is never answered automatically."""
    allow_delivery = True
    for _attempt in range(2):
        try:
            with transaction():
                if not _claim(inbound_id):
                    return None
                row = db.session.get(InboundMessage, inbound_id, populate_existing=True)
                return _dispatch(row, parse(row.raw), allow_delivery, forced)
        except Conflict as err:
            if allow_delivery:
                allow_delivery = False  # the workflow moved on meanwhile: the reply becomes a comment
                continue
            _record_failure(inbound_id, err)
            return "failed"
        except Exception as err:
            log.exception("processing inbound mail #%s failed", inbound_id)
            _record_failure(inbound_id, err)
            return "failed"
    return None


def _claim(inbound_id: int) -> bool:
    return bool(db.session.execute(
        update(InboundMessage).where(InboundMessage.id == inbound_id,
                                     InboundMessage.status.in_(("received", "failed")))
        .values(status="processed", processed_at=clock.now(), error=None, attempts=InboundMessage.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount)


def _record_failure(inbound_id: int, err: Exception) -> None:
    with transaction():
        db.session.execute(update(InboundMessage).where(InboundMessage.id == inbound_id).values(
            status="failed", error=f"{type(err).__name__}: {err}"[:2000],
            attempts=InboundMessage.attempts + 1).execution_options(synchronize_session=False))


def _dispatch(row: InboundMessage, mail: ParsedMail, allow_delivery: bool, forced: bool = False) -> str:
    if mail.is_bounce:
        return _bounce(row, mail)
    if forced:
        mail.no_answer = mail.no_answer or "processed again by staff"
    elif mail.noise:
        row.status, row.outcome, row.error = "ignored", "automatic", mail.noise[:2000]
        return "ignored"
    elif is_ours(mail.from_address):
        # Our own mail coming back (a forward, a loop through an alias) is never a customer's.
        row.status, row.outcome, row.error = "ignored", "own_address", f"sent from our own address {mail.from_address}"
        return "ignored"
    ticket = thread_ticket(mail)
    foreign = None
    if ticket is not None and not is_party(ticket, mail.from_address):
        foreign, ticket = ticket, None  # a stranger never gets onto someone else's ticket
    if ticket is None and not forced and _over_new_ticket_limit(mail.from_address):
        return _rate_limited(row, mail)
    if ticket is None:
        return _create(row, mail, foreign)
    if allow_delivery and _waits_for_customer(ticket):
        return _deliver(row, mail, ticket)
    return _comment(row, mail, ticket)


# --- threading -------------------------------------------------------------------------------------------

def thread_ticket(mail: ParsedMail) -> Ticket | None:
    """The ticket a reply belongs to: References/In-Reply-To first, then the subject's ticket number. The
    thread of a duplicate merged into another ticket goes on there."""
    ticket = _threaded(mail)
    while ticket is not None and (original := merged_into(ticket)) is not None:
        ticket = original
    return ticket


def _threaded(mail: ParsedMail) -> Ticket | None:
    for mid in mail.thread_ids:
        ticket = _ticket_of_our_message(mid)
        if ticket is not None:
            return ticket
    keys = {key_of(mid): mid for mid in mail.thread_ids}
    if keys:
        earlier = db.session.execute(
            select(InboundMessage.message_key, InboundMessage.ticket_id)
            .where(InboundMessage.message_key.in_(keys), InboundMessage.ticket_id.is_not(None))).all()
        by_key = {k: t for k, t in earlier}
        for key in keys:  # most recent first
            if key in by_key:
                return db.session.get(Ticket, by_key[key])
    for number in SUBJECT_TAG.findall(mail.subject):
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == number))
        if ticket is not None:
            return ticket
    return None


def _ticket_of_our_message(mid: str) -> Ticket | None:
    match = OUR_MESSAGE_ID.match(mid)
    if not match or match.group(2).lower() not in brand.our_message_id_domains():
        return None
    sent = db.session.get(OutboxMessage, int(match.group(1)))
    if sent is None or sent.ticket_id is None:
        return None
    recorded = (sent.payload or {}).get("message_id")
    ticket = db.session.get(Ticket, sent.ticket_id)
    # The id carries the outbox row and the ticket number: both must agree with what we sent.
    if recorded == f"<{mid}>" or (ticket is not None and f".{ticket.number}@" in mid):
        return ticket
    return None


def is_party(ticket: Ticket, address: str) -> bool:
    parties = {(ticket.contact_email or "").lower(), (ticket.customer.email or "").lower()} - {""}
    return bool(address) and address.lower() in parties


def _waits_for_customer(ticket: Ticket) -> bool:
    return db.session.scalar(select(WorkflowInstance.id).where(
        WorkflowInstance.ticket_id == ticket.id, WorkflowInstance.status == "running",
        WorkflowInstance.waiting_message == message_service.CUSTOMER_REPLY)) is not None


def is_ours(address: str) -> bool:
    """The support address, the sender of our mail and the intake mailboxes."""
    config = current_app.config
    ours = {brand.support_email(), parseaddr(config["MAIL_SENDER"])[1], config["MAIL_INTAKE_MAILBOX"],
            *config["MAIL_INTAKE_RECIPIENTS"]}
    return bool(address) and address.lower() in {a.lower() for a in ours if a}


# --- the per-sender limit on new tickets ---------------------------------------------------------------------

def _over_new_ticket_limit(address: str) -> bool:
    """An unthreaded auto-responder answering our confirmations would open a ticket per round: past
    ``MAIL_NEW_TICKETS_PER_HOUR`` new tickets from one sender in the last hour, no more are opened."""
    if not address:
        return False
    opened = db.session.scalar(select(func.count()).select_from(InboundMessage).where(
        InboundMessage.sender == address, InboundMessage.outcome == "created",
        InboundMessage.processed_at > clock.now() - NEW_TICKET_WINDOW))
    return opened >= current_app.config["MAIL_NEW_TICKETS_PER_HOUR"]


def _rate_limited(row: InboundMessage, mail: ParsedMail) -> str:
    """Over the limit: the mail joins the sender's latest open ticket as a comment (never answered), or,
    with none open, is held for staff (listed on the inbound mail page, where they can process it)."""
    ticket = db.session.scalar(
        select(Ticket).join(InboundMessage, InboundMessage.ticket_id == Ticket.id)
        .where(InboundMessage.sender == mail.from_address, InboundMessage.outcome == "created",
               CaseStatus.is_open(Ticket.kind, Ticket.status))
        .order_by(Ticket.id.desc()).limit(1))
    note = f"more than {current_app.config['MAIL_NEW_TICKETS_PER_HOUR']} new tickets per hour from this sender"
    if ticket is None:
        row.status, row.outcome, row.error = "held", RATE_LIMITED, note
        return "held"
    event = timeline.new_event(ticket, "customer_email", _text(mail), public=True,
                               data=_event_data(row, mail, rate_limited=True))
    db.session.flush()
    _keep_attachments(ticket, mail, event)
    row.ticket_id, row.outcome, row.error = ticket.id, RATE_LIMITED, note
    return "comment"


# --- outcomes --------------------------------------------------------------------------------------------

def _text(mail: ParsedMail) -> str:
    return cut((mail.reply_text or mail.text or "").strip(), TEXT_LIMIT) or _("(The mail has no text.)")


def cut(text: str, limit: int) -> str:
    """The beginning of ``text``, with a visible mark where it was cut (the raw mail keeps all of it)."""
    if len(text) <= limit:
        return text
    mark = "\n\n" + _("[… The mail goes on for %(n)s more characters: see the original mail.]", n=len(text) - limit)
    return text[:limit] + mark


def _event_data(row: InboundMessage, mail: ParsedMail, **extra) -> dict:
    return {"inbound_id": row.id, "from": mail.from_address, "subject": mail.subject,
            "message_id": mail.message_id, "trimmed": mail.reply_text != mail.text, **extra}


def _keep_attachments(ticket: Ticket, mail: ParsedMail, event) -> list[str]:
    kept = []
    for part in mail.attachments:
        try:
            attachment = attachment_service.store(ticket, part.filename, part.data, source="email", event=event)
        except attachment_service.Refused as refused:
            timeline.add_event(ticket, "attachment_refused", refused.message, data={"filename": part.filename})
            continue
        kept.append(attachment.original_name)
    return kept


def _comment(row: InboundMessage, mail: ParsedMail, ticket: Ticket) -> str:
    text = _text(mail)
    data = _event_data(row, mail)
    proposal = None
    if _customer_confirmation_pending(ticket):
        proposal = yes_or_no(text)
        data["awaiting_confirmation"] = True
        if proposal:
            data["proposed_answer"] = proposal  # staff decide: the task is never completed from a mail
    event = timeline.new_event(ticket, "customer_email", text, public=True, data=data)
    db.session.flush()
    _keep_attachments(ticket, mail, event)
    row.ticket_id, row.outcome = ticket.id, "comment"
    _notify_staff(ticket, text, proposal, data.get("awaiting_confirmation", False))
    return "comment"


def _deliver(row: InboundMessage, mail: ParsedMail, ticket: Ticket) -> str:
    text = _text(mail)
    event = timeline.new_event(ticket, "customer_email", text, public=True,
                               data=_event_data(row, mail, delivered_to_workflow=True))
    db.session.flush()
    _keep_attachments(ticket, mail, event)
    row.ticket_id, row.outcome = ticket.id, "delivered"
    # Commits everything above with the workflow's advance (or rolls it all back: Conflict → comment).
    message_service.deliver_customer_message(ticket, text[:WORKFLOW_TEXT_LIMIT])
    return "delivered"


def _bounce(row: InboundMessage, mail: ParsedMail) -> str:
    ticket = None
    for mid in mail.bounced_ids:
        ticket = _ticket_of_our_message(mid)
        if ticket is not None:
            break
    if ticket is None:
        row.status, row.outcome, row.error = "ignored", "bounce", "no ticket found for the bounced mail"
        return "ignored"
    status, diagnostic = bounce_details(row.raw)
    timeline.add_event(ticket, "mail_bounced",
                       _("A mail to the customer could not be delivered (%(status)s): %(reason)s",
                         status=status or "?", reason=diagnostic or mail.subject),
                       public=False, data=_event_data(row, mail, bounced=mail.bounced_ids, status=status))
    row.ticket_id, row.outcome = ticket.id, "bounce"
    return "bounce"


def bounce_details(raw: bytes) -> tuple[str, str]:
    text = raw.decode("latin-1")
    status = re.search(r"^Status:\s*([245]\.\d{1,3}\.\d{1,3})", text, re.MULTILINE | re.IGNORECASE)
    diagnostic = re.search(r"^Diagnostic-Code:\s*(.+)$", text, re.MULTILINE | re.IGNORECASE)
    clean = lambda m: " ".join(m.group(1).split())[:300] if m else ""  # noqa: E731
    return clean(status), clean(diagnostic)


def _create(row: InboundMessage, mail: ParsedMail, foreign: Ticket | None) -> str:
    address = mail.from_address
    customer = match_customer(address)
    description = cut("\n\n".join(p for p in (mail.subject, _text(mail)) if p), WORKFLOW_TEXT_LIMIT)
    details = {"channel": "email", "description": description, "actor": None, "contact_email": address}
    if customer is not None and customer.number:
        details["customer_number"] = customer.number
    else:
        customer = None
        details["customer"] = ticket_service.NewCustomer(name=(mail.from_name or address)[:160], email=address)
    if mail_rule.kind_of_mail(mail.subject or "", _text(mail)) == "incident":
        ticket = _register_incident(details, _text(mail))
    else:
        ticket = ticket_service.open_complaint(**details)  # joins this transaction: one commit for all of it
    _link_new_ticket(row.id, mail, customer is None, foreign, ticket)
    return "created"


def _register_incident(details: dict, text: str) -> Ticket:
    """An e-mail about a device fault: an incident; if the customer has it open, the mail joins it."""
    reg = registration.Registration(
        channel="email", description=details["description"], customer_number=details.get("customer_number"),
        customer=details.get("customer"), device=mail_rule.device_in_mail(text),
        details={"contact_email": details["contact_email"]})
    try:
        ticket, _created = registration.register(reg, actor=None)
    except registration.DuplicateFound as err:
        reg.add_to = err.open_incidents[0].number
        ticket, _created = registration.register(reg, actor=None)
    return ticket


def match_customer(address: str) -> Customer | None:
    """The customer whose address it is, else the customer of the latest ticket written from it."""
    if not address:
        return None
    found = db.session.scalar(select(Customer).where(func.lower(Customer.email) == address)
                              .order_by(Customer.id).limit(1))
    if found is None:
        found = db.session.scalar(select(Customer).join(Ticket, Ticket.customer_id == Customer.id)
                                  .where(func.lower(Ticket.contact_email) == address)
                                  .order_by(Ticket.id.desc()).limit(1))
    return found


def _link_new_ticket(inbound_id: int, mail: ParsedMail, unknown: bool, foreign: Ticket | None,
                     ticket: Ticket) -> None:
    """The mail's own rows on the ticket it just opened, in the same transaction."""
    row = db.session.get(InboundMessage, inbound_id)
    row.ticket_id, row.outcome = ticket.id, "created"
    event = timeline.new_event(ticket, "customer_email", _text(mail), public=True, data=_event_data(row, mail))
    db.session.flush()
    _keep_attachments(ticket, mail, event)
    provisional = db.session.scalar(select(ProvisionalCustomer).where(
        ProvisionalCustomer.customer_id == ticket.customer_id))
    if unknown and provisional is None:
        provisional = ProvisionalCustomer(customer_id=ticket.customer_id, email=mail.from_address,
                                          first_ticket_id=ticket.id)
        db.session.add(provisional)
    if provisional is not None and provisional.linked_at is None:
        timeline.add_event(ticket, "customer_link_needed",
                           _("The sender %(address)s is not a known customer: link this ticket to the right "
                             "customer.", address=mail.from_address or "-"),
                           data={"address": mail.from_address, "provisional_customer_id": ticket.customer_id})
    if foreign is not None:
        timeline.add_event(ticket, "thread_refused",
                           _("This mail answered ticket %(number)s, but its sender is not a party to it.",
                             number=foreign.number), data={"ticket": foreign.number})
    _answer(row, ticket, mail)


# --- loops -----------------------------------------------------------------------------------------------

def _answer(row: InboundMessage, ticket: Ticket, mail: ParsedMail) -> None:
    """The confirmation of the new ticket (queued by the ticket_opened subscribers, earlier in this same
    transaction) answers the customer's mail: it threads under it and says it is an automatic answer
    (``payload["auto_reply"]``: delivery adds Auto-Submitted: auto-replied).

    Held back when the mail asked for no automatic answer, and past ``MAIL_AUTO_REPLIES_PER_DAY`` answers
    to one sender in 24 hours (a backstop: the limit on new tickets already stops a loop). A person's
    second complaint of the day is answered: that is how she learns its number."""
    address = mail.from_address
    confirmation = notifications.queued_update(ticket, address) if address else None
    if confirmation is None:
        return
    answered = db.session.scalar(select(func.count()).select_from(AutoReplyLog).where(
        AutoReplyLog.address == address, AutoReplyLog.suppressed.is_(False),
        AutoReplyLog.created_at > clock.now() - AUTO_REPLY_WINDOW))
    reason = mail.no_answer or (f"auto-reply limit: {answered} automatic answers to this sender in 24 h"
                                if answered >= current_app.config["MAIL_AUTO_REPLIES_PER_DAY"] else None)
    db.session.add(AutoReplyLog(address=address, ticket_id=ticket.id, inbound_id=row.id, suppressed=bool(reason)))
    if reason:
        confirmation.update(status="suppressed", last_error=reason)
        return
    thread = [f"<{mail.message_id}>"] if mail.message_id else []
    confirmation.update(payload={**(confirmation.values["payload"] or {}), "auto_reply": True,
                                 "in_reply_to": thread[0] if thread else None, "references": thread})


# --- the customer's confirmation -------------------------------------------------------------------------

def _customer_confirmation_pending(ticket: Ticket) -> bool:
    return db.session.scalar(select(HumanTask.id).where(
        HumanTask.ticket_id == ticket.id, HumanTask.status == "ready",
        HumanTask.task_name == CONFIRMATION_TASK)) is not None


def yes_or_no(text: str) -> str | None:
    """"yes"/"no" only when the whole answer is an unambiguous yes or no (staff still decide)."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = " ".join(re.sub(r"[^\w\s]", " ", plain).split())
    if YES.match(plain):
        return "yes"
    if NO.match(plain):
        return "no"
    return None


def _notify_staff(ticket: Ticket, text: str, proposal: str | None, awaiting_confirmation: bool) -> None:
    recipients: list[User] = [ticket.assignee] if ticket.assignee is not None else []
    if not recipients and ticket.team is not None:
        recipients = [u for u in ticket.team.members if u.active and "supervisor" in u.roles]
    for user in recipients:
        if not user.email:
            continue
        subject, body = mail_templates.render(["staff_customer_email.txt"], ticket=ticket, user=user, text=text,
                                              proposal=proposal, awaiting_confirmation=awaiting_confirmation)
        outbox.queue("email", ticket=ticket, recipient=user.email, subject=subject, body=body)
