"""Acting on the decision: the follow-up ticket (linked to the earlier one, with its subject's
typification, on its own diagram), the escalation to a supervisor, the customer's self-service filing,
and a typified subject reported directly (gestión de cobranza, also by people who are not customers).

Every call to the contact center about an earlier ticket leaves an internal line on it (what the analysis
found and what the customer was told), so the next agent and the supervisor see the whole history."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import Forbidden, ValidationFailed
from app.i18n import _
from app.models import FollowUp, FollowupSubject, Ticket, User
from app.services.accounts.permissions import may_take_calls
from app.services.cases import portal_service, ticket_service
from app.services.cases.ticket_view_service import visible_ticket
from app.services.followups import analysis as analysis_module
from app.services.followups import decision, subjects
from app.services.transaction import transaction
from handlers import links, timeline

# What a result files: the subject that serves it and who files it (the agent, or the customer himself).
FILES = {
    "create_late_response_ticket": ("late_response", "agent"),
    "create_disagreement_ticket": ("disagreement", "agent"),
    "customer_files_late_response": ("late_response", "customer"),
    "customer_files_disagreement": ("disagreement", "customer"),
}
AGENT_CHANNELS = ("phone", "social", "email", subjects.IN_PERSON)
MAX_TEXT = 4000


def evaluate(number: str, customer_disagrees: bool, actor: User) -> decision.Result:
    """What the agent sees on the follow-up screen: the analysis and the result (nothing is written)."""
    _require_agent(actor)
    return decision.decide(analysis_module.analyze(visible_ticket(number, actor)), customer_disagrees)


def act(number: str, customer_disagrees: bool, actor: User, *, channel: str = "phone",
        comment: str = "") -> decision.Result:
    """The agent acts on the result: files the follow-up or escalates when the table says so, and leaves
    the call on the earlier ticket's history. Returns the result worded with the follow-up's number."""
    _require_agent(actor)
    comment = _checked_comment(comment)
    if channel not in AGENT_CHANNELS:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"channel": [_("Value not allowed.")]})
    with transaction():
        result = decision.decide(analysis_module.analyze(visible_ticket(number, actor)), customer_disagrees)
        purpose, filer = FILES.get(result.action, (None, None))
        if filer == "agent" or result.escalates:
            _file(result, actor=actor, channel=channel, comment=comment, portal=False)
        timeline.add_event(result.analysis.initial.ticket, "followup_call",
                           _("Follow-up call: %(words)s", words=result.words), actor=actor,
                           data={"action": result.action, "inputs": result.inputs,
                                 "followup": result.followup.number if result.followup else None})
    return result


def evaluate_for_customer(customer_id: int, ref: str, customer_disagrees: bool) -> decision.Result:
    """The área de cliente's page "Insistir en este requerimiento": the same analysis and table."""
    ticket = portal_service.own_ticket(customer_id, ref)
    return decision.decide(analysis_module.analyze(ticket), customer_disagrees, portal=True)


def file_by_customer(customer_id: int, ref: str, customer_disagrees: bool, comment: str = "") -> decision.Result:
    """Self-service: the customer files his own follow-up (or is escalated) when the table allows it; a
    result that files nothing (the deadline, the answer) is only shown."""
    comment = _checked_comment(comment)
    with transaction():
        ticket = portal_service.own_ticket(customer_id, ref)
        result = decision.decide(analysis_module.analyze(ticket), customer_disagrees, portal=True)
        if result.action in FILES or result.escalates:
            _file(result, actor=None, channel="portal", comment=comment, portal=True)
    return result


@dataclass
class Report:
    """A typified subject reported directly (no analysis): who reports it and what the subject asks."""

    subject: str
    channel: str
    customer_number: str = ""
    earlier_number: str = ""
    details: dict = field(default_factory=dict)  # the subject's description fields, by name


def report(data: Report, actor: User) -> Ticket:
    """Open a follow-up of ``data.subject`` with its typification; a person who is not a customer may
    report a subject that allows it (his contact record has no service)."""
    _require_agent(actor)
    subject = subjects.get(data.subject)
    if data.channel not in AGENT_CHANNELS:
        raise ValidationFailed(_("Please correct the marked fields."), errors={"channel": [_("Value not allowed.")]})
    channel = subjects.recorded_channel(subject, data.channel)
    details = _details(subject, data.details)
    with transaction():
        earlier = visible_ticket(data.earlier_number, actor) if data.earlier_number else None
        customer_number = earlier.customer.number if earlier else data.customer_number or None
        if customer_number is None and not subject.non_customers:
            raise ValidationFailed(_("Please correct the marked fields."), errors={
                "customer_number": [_("This subject is reported by customers: give the customer number.")]})
        newcomer = None if customer_number else ticket_service.NewCustomer(
            name=details.get("nombre", ""), phone=details.get("telefono", ""), email=details.get("email", ""))
        ticket = _open(subject, earlier=earlier, customer_number=customer_number, newcomer=newcomer,
                       channel=channel, reported_channel=data.channel, details=details, actor=actor,
                       action=None, inputs=None, escalated=False)
    return ticket


def _file(result: decision.Result, *, actor: User | None, channel: str, comment: str, portal: bool) -> None:
    earlier = result.analysis.initial.ticket
    if result.escalates:
        latest = result.analysis.latest_followup
        subject = latest.subject if latest and latest.subject else subjects.serving(
            "disagreement" if result.inputs["customer_disagrees"] else "late_response")
    else:
        subject = subjects.serving(FILES[result.action][0])
    recorded = channel if portal else subjects.recorded_channel(subject, channel)
    details = {"nombre": earlier.customer.name, "telefono": earlier.contact_phone or earlier.customer.phone,
               "email": earlier.contact_email or earlier.customer.email, "descripcion": comment}
    followup = _open(subject, earlier=earlier, customer_number=earlier.customer.number, newcomer=None,
                     channel=recorded, reported_channel=channel, details=details, actor=actor,
                     action=result.action, inputs=result.inputs, escalated=result.escalates)
    decision.worded_after_filing(result, followup, analysis_module.response_due_at(followup), portal=portal)


def _open(subject: FollowupSubject, *, earlier: Ticket | None, customer_number: str | None,
          newcomer, channel: str, reported_channel: str, details: dict, actor: User | None,
          action: str | None, inputs: dict | None, escalated: bool) -> Ticket:
    about = _(" on request %(number)s", number=earlier.number) if earlier else ""
    description = f"{subject.label}{about}. {details.get('descripcion') or ''}".strip()
    record = FollowUp(earlier=earlier, subject=subject, action=action, escalated=escalated, analysis=inputs,
                      details=details, reported_channel=reported_channel)
    ticket = ticket_service.open_case(
        kind="followup", channel=channel, description=description, actor=actor, customer_number=customer_number,
        customer=newcomer, category=subject.category, followup_record=record, status=subject.initial_status,
        contact_phone=details.get("telefono") or None, contact_email=details.get("email") or None)
    if earlier is not None:  # the shared link both tickets' pages show ("follow-up of" / "has the follow-up")
        links.add_link(ticket, earlier, "insistencia", actor)
    return ticket


def _details(subject: FollowupSubject, given: dict) -> dict:
    details, errors = {}, {}
    for spec in subject.fields:
        value = str(given.get(spec["name"], "") or "").strip()
        if spec.get("required") and not value:
            errors[spec["name"]] = [_("This field is required.")]
        elif len(value) > MAX_TEXT:
            errors[spec["name"]] = [_("At most %(n)s characters.", n=MAX_TEXT)]
        details[spec["name"]] = value
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    return details


def _checked_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > MAX_TEXT:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"comment": [_("At most %(n)s characters.", n=MAX_TEXT)]})
    return comment


def _require_agent(actor: User) -> None:
    if actor is None or not may_take_calls(actor):
        raise Forbidden(_("Only the contact center takes calls."))
