"""Service tasks of the incident diagram (processes/incidencia.bpmn): duplicates, device data, impact and
urgency, escalation levels (N1 → N2 → supervisor), FINALIZADO with its notifications, reclassification
and close."""
from __future__ import annotations

import json
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from app import clock, signals
from app.businesstime import calendar as calendars
from app.businesstime import ticket_clock
from app.businesstime.arithmetic import add_business_time
from app.extensions import db
from app.i18n import _, _l
from app.models import IncidentDetail, IncidentEscalation, Team, User
from app.models.incident import open_duplicates
from handlers import tickets
from handlers.registry import HandlerContext, service_task
from handlers.timeline import add_event

LEVELS = ("n1", "n2", "supervisor")
LEVEL_LABELS = {"n1": _l("level 1"), "n2": _l("level 2"), "supervisor": _l("supervisor")}
REGISTRATION_FORM = "incidencia_registro.schema.json"  # the list of faults a customer picks from


def detail_of(ticket) -> IncidentDetail:
    detail = db.session.get(IncidentDetail, ticket.id)
    if detail is None:  # opened by a channel that knew nothing of the device
        detail = IncidentDetail(ticket_id=ticket.id, reported_category=ticket.category, faults=[])
        db.session.add(detail)
    return detail


@service_task("incident.find_duplicates", results=("open_incidents",))
def find_duplicates(ctx: HandlerContext) -> dict:
    ticket, detail = ctx.ticket, detail_of(ctx.ticket)
    if not detail.device_key:
        return {"open_incidents": []}
    others = db.session.scalars(open_duplicates(ticket.customer_id, detail.device_key, ticket.category,
                                                exclude_id=ticket.id).limit(10))
    return {"open_incidents": [{"number": t.number, "status": t.status, "description": t.description[:200]}
                               for t in others]}


@service_task("incident.device", results=("summary", "faults"))
def device(ctx: HandlerContext) -> dict:
    """The device and its faults as the task instructions show them."""
    ticket, detail = ctx.ticket, detail_of(ctx.ticket)
    labels = fault_labels(ctx.config.get("FORMS_DIR", ""))
    parts = [p for p in (ticket.equipment_brand, ticket.equipment_model) if p]
    if detail.device_serial:
        parts.append(f"serie/IMEI {detail.device_serial}")
    faults = [labels.get(code, code) for code in detail.faults or []]
    if detail.fault_notes:
        faults.append(detail.fault_notes)
    return {"summary": " · ".join(parts) or ticket.service_address or "-", "faults": "; ".join(faults) or "-"}


@lru_cache(maxsize=4)
def fault_labels(forms_dir: str) -> dict[str, str]:
    path = Path(forms_dir) / REGISTRATION_FORM
    if not path.is_file():
        return {}
    items = json.loads(path.read_text("utf-8"))["properties"]["faults"]["items"]
    return {o["const"]: o.get("title", o["const"]) for o in items.get("oneOf", [])}


@service_task("incident.assess", params={
    "impact": _l("Impact: how many it affects."),
    "urgency": _l("Urgency: how long it can wait."),
}, results=("impact", "urgency", "reported_category"))
def assess(ctx: HandlerContext, impact: str, urgency: str) -> dict:
    """Impact and urgency; the category the incident was registered with stays as the reported one."""
    detail = detail_of(ctx.ticket)
    detail.impact, detail.urgency = impact, urgency
    if detail.reported_category is None:
        detail.reported_category = ctx.ticket.category
    return {"impact": impact, "urgency": urgency, "reported_category": detail.reported_category}


@service_task("incident.escalate", params={
    "trigger": _l("timer or manual."),
    "reason": _l("Why it is escalated."),
    "n2_team": _l("Code of the level-2 team."),
    "level_hours": _l("Business hours level 2 has."),
}, results=("from_level", "to_level", "reason", "due_at"))
def escalate(ctx: HandlerContext, trigger: str, reason: str = "", n2_team: str = "", level_hours: float = 8) -> dict:
    """One level up the protocol, recorded with who (the actor, none for a timer), why and how."""
    ticket, detail = ctx.ticket, detail_of(ctx.ticket)
    now = clock.now()
    from_level = detail.level or "n1"
    to_level = LEVELS[min(LEVELS.index(from_level) + 1, len(LEVELS) - 1)]
    detail.level = to_level
    db.session.add(IncidentEscalation(ticket_id=ticket.id, from_level=from_level, to_level=to_level, trigger=trigger,
                                      reason=reason or "", actor_id=ctx.actor.id if ctx.actor else None))
    ticket.escalated_at = ticket.escalated_at or now
    who = ctx.actor.full_name if ctx.actor else _("the deadline timer")
    add_event(ticket, "escalated", _("Escalated from %(old)s to %(new)s by %(who)s: %(reason)s",
                                     old=LEVEL_LABELS[from_level], new=LEVEL_LABELS[to_level], who=who,
                                     reason=reason or "-"),
              actor=ctx.actor, data={"from_level": from_level, "to_level": to_level, "trigger": trigger})
    tickets.change_status(ticket, "escalated")
    if to_level == "n2":
        team = db.session.scalar(select(Team).where(Team.code == n2_team))
        if team is None:
            raise LookupError(f"the level-2 team {n2_team!r} named in the diagram does not exist")
        technician = tickets.least_loaded_technician(team)
        ticket.team, ticket.assignee = team, technician
        signals.ticket_assigned.send(ticket, team=team, assignee=technician)
    else:
        ticket.assignee = None
        signals.ticket_escalated.send(ticket, reason=reason)
    # The next level's own deadline, in business time of the ticket's SLA calendar.
    due = (add_business_time(now, float(level_hours), calendars.load(ticket.sla_calendar)) if ticket.sla_calendar
           else now + timedelta(hours=float(level_hours)))
    return {"from_level": from_level, "to_level": to_level, "reason": reason or "", "due_at": due.isoformat()}


@service_task("incident.finalize", params={
    "resolution": _l("The resolution."),
    "procedure": _l("The procedure applied."),
    "diagnosis": _l("The diagnosis."),
    "notify_role": _l("Role whose users are told."),
}, results=("finalized_at", "notified"))
def finalize(ctx: HandlerContext, resolution: str, procedure: str = "", diagnosis: str = "",
             notify_role: str = "supervisor") -> dict:
    """FINALIZADO: the resolution is recorded (and searchable for similar incidents); the customer is told
    through the status change and the person responsible for incident management by mail."""
    ticket, detail = ctx.ticket, detail_of(ctx.ticket)
    now = clock.now()
    detail.resolution, detail.procedure, detail.finalized_at = resolution or "", procedure or "", now
    detail.diagnosis = diagnosis or ""
    ticket_clock.record_resolution(ticket, now)
    tickets.change_status(ticket, "finalized", resolution or "")
    managers = [u for u in db.session.scalars(select(User).where(User.active).order_by(User.id))
                if notify_role in u.roles]
    signals.incident_finalized.send(ticket, managers=managers, resolution=resolution or "")
    return {"finalized_at": now.isoformat(), "notified": [u.username for u in managers]}


@service_task("incident.reopen", params={
    "comment": _l("The customer's comment."),
}, results=("status",))
def reopen(ctx: HandlerContext, comment: str = "") -> dict:
    """The customer says it is not solved: no longer resolved (nor suggested as a solved case)."""
    ticket, detail = ctx.ticket, detail_of(ctx.ticket)
    ticket.resolved_at, ticket.resolution_seconds = None, None
    detail.finalized_at, detail.resolution = None, ""
    tickets.change_status(ticket, "reopened", comment or "")
    return {"status": "reopened"}


@service_task("incident.close", params={
    "final_category": _l("The real category (a leaf code)."),
    "note": _l("Closing note."),
}, results=("report",))
def close(ctx: HandlerContext, final_category: str, note: str = "") -> dict:
    """Reclassify (the real category beside the reported one) and close with the internal report."""
    ticket, detail = ctx.ticket, detail_of(ctx.ticket)
    detail.reported_category = detail.reported_category or ticket.category
    detail.final_category = final_category
    ticket.category = final_category
    result = tickets.close(ctx, nature=final_category, actions=[detail.diagnosis, detail.procedure],
                           solution=detail.resolution)
    ticket.report = {**ticket.report, "reported_category": detail.reported_category,
                     "final_category": final_category, "level": detail.level, "closing_note": note or "",
                     "escalations": [{"from": e.from_level, "to": e.to_level, "trigger": e.trigger,
                                      "reason": e.reason, "by": e.actor.username if e.actor else None}
                                     for e in db.session.scalars(select(IncidentEscalation).where(
                                         IncidentEscalation.ticket_id == ticket.id).order_by(IncidentEscalation.id))]}
    return {"report": ticket.report, **{k: v for k, v in result.items() if k != "report"}}
