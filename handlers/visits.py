"""Service tasks of the on-site visit (``processes/queja_reparacion.bpmn``): open the visit for the team the
decision table chose, book the slot chosen by the customer or the agent, and mark it done. The slot was
checked against the team's calendar and free seats by the form validation of the same transaction."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app import clock
from app.businesstime import arithmetic
from app.businesstime import calendar as calendars
from app.extensions import db
from app.i18n import _, _l
from app.models import CustomerAccount, Visit
from handlers import notifications, timeline
from handlers.registry import HandlerContext, service_task

OPEN_VISIT = ("unscheduled", "scheduled")
CUSTOMER = "cliente"


@service_task("visit.open", params={
    "team": _l("Code of the team that makes the visit (the field team)."),
    "hours": _l("Business hours the customer has to choose the slot in her área de cliente."),
    "calendar": _l("Business calendar those hours are counted in."),
}, results=("visit_id", "self_service", "choose_by"))
def open_visit(ctx: HandlerContext, team: str, hours: float, calendar: str) -> dict:
    """A visit to book for ``team``. ``self_service``: the customer has a verified área de cliente, so she
    chooses the slot there until ``choose_by`` (``hours`` of ``calendar``'s open time from now)."""
    ticket = ctx.ticket
    for earlier in db.session.scalars(select(Visit).where(Visit.ticket_id == ticket.id,
                                                          Visit.status.in_(OPEN_VISIT))):
        earlier.status = "cancelled"  # an earlier round's visit that never happened
    visit = Visit(ticket_id=ticket.id, team_code=team, status="unscheduled")
    db.session.add(visit)
    db.session.flush()
    self_service = db.session.scalar(select(CustomerAccount.id).where(
        CustomerAccount.customer_id == ticket.customer_id, CustomerAccount.verified_at.is_not(None))) is not None
    due = arithmetic.add_business_time(clock.now(), hours, calendars.load(calendar))
    if self_service:
        timeline.add_event(ticket, "visit_to_choose", _("Choose the day and time of the technician's visit in "
                                                        "your customer area."), public=True)
        base = (ctx.config.get("PORTAL_BASE_URL") or "").rstrip("/")
        notifications.email_customer(ticket, ["visit_choose.txt"], choose_by=due,
                                     link=f"{base}/portal/tickets/{ticket.number}" if base else "")
    return {"visit_id": visit.id, "self_service": self_service, "choose_by": due.isoformat()}


@service_task("visit.book", params={
    "visit_id": _l("The visit (visit.open's visit_id)."),
    "day": _l("Day of the chosen slot (YYYY-MM-DD)."),
    "window": _l("Time window of the chosen slot (e.g. 09:00-13:00)."),
}, results=("visit_id", "date", "window"))
def book(ctx: HandlerContext, visit_id: int, day: str, window: str) -> dict:
    """Keep the chosen slot on the visit (the customer's own choice when no staff member completed it)."""
    visit = _visit(ctx, visit_id)
    visit.day, visit.window = date.fromisoformat(day), window
    visit.starts_at, visit.ends_at = calendars.window_bounds(visit.day, window)
    visit.status, visit.booked_at = "scheduled", clock.now()
    visit.booked_by = ctx.actor.username if ctx.actor else CUSTOMER
    return {"visit_id": visit.id, "date": day, "window": window}


@service_task("visit.done", params={"visit_id": _l("The visit (visit.open's visit_id).")},
              results=("visit_id",))
def done(ctx: HandlerContext, visit_id: int) -> dict:
    visit = _visit(ctx, visit_id)
    visit.status = "done"
    return {"visit_id": visit.id}


def _visit(ctx: HandlerContext, visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.ticket_id != ctx.ticket.id:
        raise ValueError(f"visit {visit_id} is not a visit of ticket {ctx.ticket.number}")
    return visit
