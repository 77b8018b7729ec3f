"""Notices from the diagram: the ``notify`` service task tells someone about a ticket with a template an
analyst wrote in the browser (``NoticeTemplate``), so a new notice is a diagram change, not Python.

Who (``recipient``): the customer, the ticket's assignee, its team, the team's supervisors or whoever
manages incidents (the ``INCIDENT_MANAGER_ROLE`` users). How (``channel``): an e-mail through the outbox,
a message in the customer's área de cliente (a public line of the ticket), a staff inbox notification, or a
signed JSON POST to a webhook endpoint an admin registered. Services reach the template names here too
(``known_template_names``, ``parameter_problems``: the deploy check refuses a ``notify`` naming an
unknown template).
"""
from __future__ import annotations

import ast
from collections.abc import Callable

from sqlalchemy import select

from app import brand, clock
from app.extensions import db
from app.i18n import _, _l
from app.models import CaseKind, CaseStatus, NoticeTemplate, Ticket, User, WebhookEndpoint
from handlers import inbox, mail, notifications, outbox, timeline
from handlers.registry import HandlerContext, service_task

RECIPIENTS = ("customer", "assignee", "team", "supervisor", "incident_manager")
CHANNELS = ("email", "portal", "inbox", "webhook")
WEBHOOK_EVENT = "ticket.notice"


def known_template_names() -> set[str]:
    """The names a ``notify`` task may give as ``template``."""
    with db.session.no_autoflush:
        return set(db.session.scalars(select(NoticeTemplate.name)))


def parameter_problems(expressions: dict[str, str]) -> list[str]:
    """What is wrong with a ``notify`` task's parameters as the diagram writes them (Python expressions), for
    the deploy check: an unknown template, channel, recipient or webhook, or a channel that cannot reach the
    recipient. Only literal values are checked (an expression is known when the task runs)."""
    values = {name: _literal(expression) for name, expression in expressions.items()}
    template, channel = values.get("template"), values.get("channel", "email")
    recipient, webhook = values.get("recipient", "customer"), values.get("webhook")
    problems = []
    if "template" not in expressions:
        problems.append(_("The notify task needs the parameter template."))
    elif isinstance(template, str) and template not in known_template_names():
        problems.append(_("There is no notice template named %(name)s.", name=template))
    if isinstance(channel, str) and channel not in CHANNELS:
        problems.append(_("Unknown notice channel %(channel)s (email, portal, inbox or webhook).", channel=channel))
    if isinstance(recipient, str) and channel != "webhook" and recipient not in RECIPIENTS:
        problems.append(_("Unknown notice recipient %(recipient)s.", recipient=recipient))
    if channel == "portal" and isinstance(recipient, str) and recipient != "customer":
        problems.append(_("The área de cliente channel only reaches the customer."))
    if channel == "inbox" and recipient == "customer":
        problems.append(_("The inbox channel only reaches staff; use email or portal for the customer."))
    if channel == "webhook" and isinstance(webhook, str | None) and not _active_endpoint(webhook):
        problems.append(_("There is no active webhook endpoint %(code)s.", code=webhook or "-"))
    return problems


_UNKNOWN = object()


def _active_endpoint(code: str | None) -> WebhookEndpoint | None:
    endpoint = WebhookEndpoint.of(code) if code else None
    return endpoint if endpoint is not None and endpoint.active else None


def _literal(expression: str):
    """The value of a literal expression (``'customer'``), else a marker: the value is known at run time."""
    try:
        return ast.literal_eval((expression or "").strip())
    except (ValueError, SyntaxError):
        return _UNKNOWN


def template_context(ticket: Ticket, data: dict | None = None) -> dict:
    """What a notice's subject and body see: the ticket's snapshot (the same ``ticket`` every expression of
    the diagram reads), the wording the customer reads of its kind and status, its link in the área de
    cliente, and the ``data`` the task passes."""
    kind, status = CaseKind.info(ticket.kind), CaseStatus.info(ticket.kind, ticket.status)
    return {"ticket": ticket.snapshot(), "kind_label": kind.label if kind else ticket.kind,
            "status_label": status.customer_label if status else ticket.status,
            "ticket_url": brand.ticket_url(ticket.number), "data": dict(data or {})}


def render(subject: str, body: str, context: dict, renderer: Callable[[str, dict], str]) -> tuple[str, str]:
    """(subject, body) of a notice; the subject is one line (a newline in it would inject mail headers)."""
    return " ".join(renderer(subject, context).split()), renderer(body, context).strip("\n")


@service_task("notify", params={
    "template": _l("Name of the notice template (Avisos)."),
    "channel": _l("email, portal (área de cliente), inbox (staff notification) or webhook."),
    "recipient": _l("customer, assignee, team, supervisor or incident_manager."),
    "webhook": _l("Code of the webhook endpoint (channel webhook)."),
    "data": _l("Extra values the template reads (optional)."),
}, results=("channel", "recipient", "template", "sent_to"))
def notify(ctx: HandlerContext, template: str, channel: str = "email", recipient: str = "customer",
           webhook: str = "", data: dict | None = None) -> dict:
    """Tell ``recipient`` about the ticket through ``channel`` with the notice template named ``template``;
    ``webhook`` is the endpoint's code (channel webhook), ``data`` extra values the template reads."""
    notice = NoticeTemplate.named(template)
    if notice is None:
        raise LookupError(_("There is no notice template named %(name)s.", name=template))
    if channel not in CHANNELS:
        raise ValueError(_("Unknown notice channel %(channel)s (email, portal, inbox or webhook).", channel=channel))
    if channel != "webhook" and recipient not in RECIPIENTS:
        raise ValueError(_("Unknown notice recipient %(recipient)s.", recipient=recipient))
    if ctx.render is None:
        raise RuntimeError("notify needs the engine's template renderer")
    subject, body = render(notice.subject, notice.body, template_context(ctx.ticket, data), ctx.render)
    sent_to = _SEND[channel](ctx, notice, recipient, subject, body, webhook)
    return {"channel": channel, "recipient": recipient, "template": template, "sent_to": sent_to}


def _email(ctx: HandlerContext, notice: NoticeTemplate, recipient: str, subject: str, body: str,
           _endpoint: str) -> list[str]:
    ticket = ctx.ticket
    if recipient == "customer":
        if not notifications.wants_mail(ticket):  # he follows his cases in the área de cliente only
            return _portal(ctx, notice, recipient, subject, body, _endpoint)
        address = notifications.customer_address(ticket)
        if address:
            # Joins what this transaction already tells him (one mail per request, exp-mail's coalescing).
            notifications.update_customer(ticket, ["notice.txt"], label=subject, notice_subject=subject,
                                          notice_body=body)
        return [address] if address else []
    sent = []
    for user in _staff(ctx, recipient):
        if user.email:
            mail_subject, mail_body = mail.render(["notice_staff.txt"], ticket=ticket, user=user,
                                                  notice_subject=subject, notice_body=body)
            outbox.queue("email", ticket=ticket, recipient=user.email, subject=mail_subject, body=mail_body)
            sent.append(user.username)
    return sent


def _portal(ctx: HandlerContext, notice: NoticeTemplate, recipient: str, subject: str, body: str,
            _endpoint: str) -> list[str]:
    """A message in the customer's área de cliente: a public line of the ticket's timeline."""
    if recipient != "customer":
        raise ValueError(_("The área de cliente channel only reaches the customer."))
    timeline.add_event(ctx.ticket, "notice", f"{subject}\n\n{body}" if body else subject, public=True,
                       data={"template": notice.name, "version": notice.version})
    return [ctx.ticket.customer.number]


def _inbox(ctx: HandlerContext, notice: NoticeTemplate, recipient: str, subject: str, body: str,
           _endpoint: str) -> list[str]:
    if recipient == "customer":
        raise ValueError(_("The inbox channel only reaches staff; use email or portal for the customer."))
    users = _staff(ctx, recipient)
    for user in users:
        inbox.notify(user, "notice", f"{subject}\n{body}" if body else subject, ticket=ctx.ticket)
    return [u.username for u in users]


def _post_webhook(ctx: HandlerContext, notice: NoticeTemplate, _recipient: str, subject: str, body: str,
             webhook: str) -> list[str]:
    endpoint = _active_endpoint(webhook)
    if endpoint is None:
        raise LookupError(_("There is no active webhook endpoint %(code)s.", code=webhook or "-"))
    payload = {"event": WEBHOOK_EVENT, "template": notice.name, "subject": subject, "body": body,
               "ticket": ctx.ticket.snapshot(), "at": clock.now().isoformat()}
    outbox.queue("webhook", ticket=ctx.ticket, recipient=endpoint.code, subject=subject, payload=payload)
    return [endpoint.code]


_SEND = {"email": _email, "portal": _portal, "inbox": _inbox, "webhook": _post_webhook}


def _staff(ctx: HandlerContext, recipient: str) -> list[User]:
    """The active staff a staff recipient names, for this ticket."""
    ticket = ctx.ticket
    if recipient == "assignee":
        return [ticket.assignee] if ticket.assignee is not None and ticket.assignee.active else []
    if recipient == "team":
        # The team's technicians, as when a ticket is assigned (its supervisors are the next recipient).
        return [u for u in ticket.team.members if u.active and "technician" in u.roles] if ticket.team else []
    if recipient == "supervisor":
        return notifications.supervisors_of(ticket)
    role = ctx.config.get("INCIDENT_MANAGER_ROLE", "supervisor")
    return [u for u in db.session.scalars(select(User).where(User.active).order_by(User.id)) if role in u.roles]
