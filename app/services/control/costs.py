"""What closed tickets cost (seed 001, control phase: "los costos asociados"), priced by rates kept as data.

A ticket's cost is the sum of three parts:

- **work**: every task a staff member completed (not the customer's), its minutes × the hourly rate of the
  role its lane is worked by (``LANE_ROLES``: a supervisor working a technician's task costs a technician's
  hour). The minutes are the time the technician **entered** in the form (``time_spent_minutes``) when he
  did; otherwise the time **elapsed** from his claim of the task (or from when it became ready, if nobody
  claimed it) to its completion, in whole minutes, capped at ``task_cap_minutes`` (a task left waiting in
  a queue overnight is not a night of work). Entered time always wins, even above the cap;
- **visits**: each on-site visit done × the cost of a visit;
- **credits**: the amounts of the claim's lines as last approved (the credit the company gave back).

Rates are rows (``CostRate``): ``processes/costs/rates.json`` adds the missing ones at deploy, an
administrator edits them (audited). A figure is priced with the rates of today, not those of its day.
Sums run in SQL over the closed tickets of the period; the rule for the minutes is one SQL expression,
shared by the report and a ticket's breakdown.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from flask import current_app
from sqlalchemy import Numeric, and_, case, cast, func, literal, select
from sqlalchemy.orm import aliased

from app import clock
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.i18n import _, _l
from app.models import ClaimLine, ClaimLineVersion, CostRate, HumanTask, Team, Ticket, User, Visit
from app.services.accounts.permissions import CUSTOMER_ROLE
from app.services.cases import categories
from app.services.control import audit_service
from app.services.transaction import transaction

SEED_FILE = "costs/rates.json"
VISIT, TASK_CAP = "visit", "task_cap_minutes"
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # Numeric(12, 2)
MAX_CAP_MINUTES = 1440
EARLIEST, LATEST = date(1970, 1, 1), date(2199, 12, 31)  # what the date arithmetic of a period can handle
TICKET_ROWS = 200  # the costliest tickets listed; the groups count them all
ROLE_LABELS = {"agent": _l("Contact center agent"), "technician": _l("Technician"),
               "supervisor": _l("Supervisor"), "approver": _l("Approver")}


# --- Rates -------------------------------------------------------------------------------------------------


def load_seed(processes_dir: str | Path) -> None:
    """Add the rates of the seed file that are missing (deploy, demo load); an administrator's edits stay."""
    path = Path(processes_dir) / SEED_FILE
    if not path.is_file():
        return
    seed = json.loads(path.read_text(encoding="utf-8"))
    currency = seed.get("currency", "MXN")
    wanted = {code: ("hour", amount) for code, amount in seed.get("hourly", {}).items()}
    wanted[VISIT] = ("visit", seed.get("visit", 0))
    wanted[TASK_CAP] = ("minute", seed.get("task_cap_minutes", 240))
    with transaction():
        existing = set(db.session.scalars(select(CostRate.code)))
        db.session.add_all(CostRate(code=code, unit=unit, amount=Decimal(str(amount)), currency=currency)
                           for code, (unit, amount) in wanted.items() if code not in existing)


@dataclass
class Rates:
    hourly: dict[str, Decimal]  # role → per hour
    visit: Decimal
    task_cap_minutes: int
    currency: str

    @classmethod
    def current(cls) -> Rates:
        rows = list(db.session.scalars(select(CostRate)))
        by_code = {r.code: r for r in rows}
        return cls(hourly={r.code: r.amount for r in rows if r.unit == "hour"},
                   visit=by_code[VISIT].amount if VISIT in by_code else Decimal(0),
                   task_cap_minutes=int(by_code[TASK_CAP].amount) if TASK_CAP in by_code else MAX_CAP_MINUTES,
                   currency=rows[0].currency if rows else "MXN")


def rate_rows(actor: User) -> list[CostRate]:
    """The rates for the administrator's page: roles first, then the visit and the cap."""
    _require_admin(actor)
    order = {"hour": 0, "visit": 1, "minute": 2}
    return sorted(db.session.scalars(select(CostRate)), key=lambda r: (order.get(r.unit, 3), r.code))


def rate_label(rate: CostRate) -> str:
    if rate.unit == "hour":
        return _("%(role)s, per hour", role=ROLE_LABELS.get(rate.code, rate.code))
    if rate.code == VISIT:
        return _("Each on-site visit")
    return _("Most minutes charged for a task without entered time")


def update_rates(values: dict[str, str], actor: User) -> dict[str, list]:
    """Set the rates named in ``values`` ({code: text}); every one is checked before any is stored. Returns
    what changed ({code: [before, after]}), audited."""
    _require_admin(actor)
    with transaction():
        rows = {r.code: r for r in db.session.scalars(select(CostRate).with_for_update())}
        parsed, errors = {}, {}
        for code, text in values.items():
            if code not in rows:
                continue
            amount = _amount(text, rows[code].unit)
            if amount is None:
                errors[code] = [_("Enter a whole number of minutes from 0 to 1440.") if rows[code].unit == "minute"
                                else _("Enter an amount of zero or more, with at most two decimals.")]
            else:
                parsed[code] = amount
        if errors:
            raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
        changes = {code: [str(rows[code].amount), str(amount)] for code, amount in parsed.items()
                   if rows[code].amount != amount}
        for code in changes:
            rows[code].amount = parsed[code]
        if changes:
            audit_service.record("cost_rates_changed", actor, "tarifas de costeo", changes)
    return changes


def _amount(text: str, unit: str) -> Decimal | None:
    try:
        amount = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(CENT):
        return None
    if unit == "minute" and (amount != amount.to_integral_value() or amount > MAX_CAP_MINUTES):
        return None
    return amount.quantize(CENT)


# --- The rule of a task's minutes and its price, as SQL ------------------------------------------------------


def _staff_lanes() -> dict[str, str]:
    """{lane: role} of the lanes staff work (the customer's own steps cost the company nothing)."""
    return {lane: role for lane, role in current_app.config["LANE_ROLES"].items() if role != CUSTOMER_ROLE}


def _minutes_between(start, end):
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 1440
    return func.extract("epoch", end - start) / 60


def _task_minutes(cap: int):
    """Entered minutes when given, else the elapsed minutes from claim (or ready) to completion, capped."""
    entered = HumanTask.data["time_spent_minutes"].as_integer()
    elapsed = func.round(_minutes_between(func.coalesce(HumanTask.claimed_at, HumanTask.created_at),
                                          HumanTask.completed_at))
    return func.coalesce(entered, case((elapsed > cap, cap), (elapsed < 0, 0), else_=elapsed))


def _hourly_rate(rates: Rates):
    """The hourly rate of the role that works the task's lane (0 for a role without a rate)."""
    by_lane = {lane: rates.hourly.get(role, Decimal(0)) for lane, role in _staff_lanes().items()}
    return case(*((HumanTask.lane == lane, cast(rate, Numeric(12, 2))) for lane, rate in by_lane.items()),
                else_=cast(0, Numeric(12, 2)))


def _task_cost(rates: Rates):
    """A task's minutes × its role's hourly rate, in cents (rounded per task, so the parts add up)."""
    return func.round(_task_minutes(rates.task_cap_minutes) * _hourly_rate(rates) / 60, 2)


def _worked_tasks():
    return and_(HumanTask.status == "completed", HumanTask.completed_by_id.is_not(None),
                HumanTask.lane.in_(list(_staff_lanes())))


# --- One ticket ----------------------------------------------------------------------------------------------


@dataclass
class TaskCost:
    title: str
    who: str
    role: str
    minutes: int
    entered: bool  # the technician entered the time (else: elapsed, capped)
    hourly: Decimal
    cost: Decimal


@dataclass
class TicketCost:
    tasks: list[TaskCost]
    visits: int
    visit_rate: Decimal
    credits: Decimal
    currency: str
    task_cap_minutes: int

    @property
    def work(self) -> Decimal:
        return sum((t.cost for t in self.tasks), Decimal(0))

    @property
    def visits_cost(self) -> Decimal:
        return (self.visits * self.visit_rate).quantize(CENT)

    @property
    def total(self) -> Decimal:
        return self.work + self.visits_cost + self.credits

    @property
    def minutes(self) -> int:
        return sum(t.minutes for t in self.tasks)

    def as_dict(self) -> dict:
        return {"currency": self.currency, "minutes": self.minutes, "work": str(self.work),
                "visits": self.visits, "visits_cost": str(self.visits_cost), "credits": str(self.credits),
                "total": str(self.total),
                "tasks": [{"title": t.title, "who": t.who, "role": t.role, "minutes": t.minutes,
                           "entered": t.entered, "hourly": str(t.hourly), "cost": str(t.cost)} for t in self.tasks]}


def ticket_cost(ticket: Ticket) -> TicketCost:
    """The breakdown of one ticket's cost (its caller checked that the reader may see the ticket)."""
    rates = Rates.current()
    who = aliased(User)
    rows = db.session.execute(
        select(HumanTask.title, HumanTask.lane, who.full_name, _task_minutes(rates.task_cap_minutes),
               _task_cost(rates),
               HumanTask.data["time_spent_minutes"].as_integer().is_not(None).label("entered"))
        .join(who, who.id == HumanTask.completed_by_id)
        .where(HumanTask.ticket_id == ticket.id, _worked_tasks()).order_by(HumanTask.completed_at, HumanTask.id))
    lanes = _staff_lanes()
    tasks = []
    for title, lane, name, task_minutes, cost, entered in rows:
        role = lanes[lane]
        tasks.append(TaskCost(title=title, who=name, role=str(ROLE_LABELS.get(role, role)),
                              minutes=int(round(float(task_minutes))), entered=bool(entered),
                              hourly=rates.hourly.get(role, Decimal(0)), cost=_money(cost)))
    visits = db.session.scalar(select(func.count()).where(Visit.ticket_id == ticket.id, Visit.status == "done"))
    credit = db.session.scalar(select(_credits(ClaimLine.claim_id == ticket.id).c.credits))
    return TicketCost(tasks=tasks, visits=visits or 0, visit_rate=rates.visit, credits=_money(credit),
                      currency=rates.currency, task_cap_minutes=rates.task_cap_minutes)


def _credits(*where):
    """Per claim ticket (of those ``where`` selects): the sum of its lines' amounts as last approved."""
    version = aliased(ClaimLineVersion)
    return (select(ClaimLine.claim_id.label("ticket_id"), func.sum(version.amount).label("credits"))
            .join(version, version.id == ClaimLine.effective_version_id)
            .where(version.decision == "approved", *where).group_by(ClaimLine.claim_id).subquery())


# --- The report of a period ------------------------------------------------------------------------------


@dataclass
class CostQuery:
    start: datetime
    end: datetime
    kind: str = ""
    category: str = ""
    team: str = ""  # a team code


@dataclass
class CostGroup:
    key: str
    label: str
    tickets: int = 0
    minutes: int = 0
    work: Decimal = Decimal(0)
    visits: int = 0
    visits_cost: Decimal = Decimal(0)
    credits: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.work + self.visits_cost + self.credits

    @property
    def mean(self) -> Decimal | None:
        return (self.total / self.tickets).quantize(CENT) if self.tickets else None

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "tickets": self.tickets, "minutes": self.minutes,
                "work": str(self.work), "visits": self.visits, "visits_cost": str(self.visits_cost),
                "credits": str(self.credits), "total": str(self.total),
                "mean_per_ticket": str(self.mean) if self.mean is not None else None}


@dataclass
class CostReport:
    query: CostQuery
    currency: str
    overall: CostGroup
    by_category: list[CostGroup]
    by_team: list[CostGroup]
    tickets: list[CostGroup] = field(default_factory=list)  # the costliest, key = ticket number

    def as_dict(self) -> dict:
        return {"start": self.query.start.isoformat(), "end": self.query.end.isoformat(), "currency": self.currency,
                "overall": self.overall.as_dict(), "by_category": [g.as_dict() for g in self.by_category],
                "by_team": [g.as_dict() for g in self.by_team], "tickets": [g.as_dict() for g in self.tickets]}


def team_choices() -> dict[str, str]:
    """{code: name} of the teams, for the filter."""
    return dict(db.session.execute(select(Team.code, Team.name).order_by(Team.name)).all())


def page_query(args: Mapping[str, str]) -> CostQuery:
    """The staff page's filters: local days ``date_from``..``date_to`` (both included; default: this month so
    far), kind, category, team; a field-by-field error otherwise."""
    today = clock.office_today()
    days, errors = {}, {}
    for name, default in (("date_from", today.replace(day=1)), ("date_to", today)):
        text = (args.get(name) or "").strip()
        try:
            days[name] = date.fromisoformat(text) if text else default
        except ValueError:
            errors[name] = [_("Give a date.")]
        else:
            if not EARLIEST <= days[name] <= LATEST:
                errors[name] = [_("Date out of range.")]
    if not errors and days["date_to"] < days["date_from"]:
        errors["date_to"] = [_("Must be later than the start date.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    return CostQuery(start=datetime.combine(days["date_from"], time(), clock.OFFICE_TZ),
                     end=datetime.combine(days["date_to"] + timedelta(days=1), time(), clock.OFFICE_TZ),
                     kind=(args.get("kind") or "").strip()[:20], category=(args.get("category") or "").strip()[:40],
                     team=(args.get("team") or "").strip()[:40])


def report(query: CostQuery, actor: User) -> CostReport:
    """The cost of the tickets closed in [start, end), overall, per category, per team and per ticket."""
    if not actor.has_role("supervisor"):
        raise Forbidden(_("Only supervisors may read the costs."))
    if query.end <= query.start:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"to": [_("Must be later than the start date.")]})
    rates = Rates.current()
    per_ticket = _per_ticket(query, rates)
    team_names = dict(db.session.execute(select(Team.id, Team.name)).all())

    def grouped(column, label) -> list[CostGroup]:
        rows = db.session.execute(_sums(per_ticket, per_ticket.c[column]).group_by(per_ticket.c[column]))
        groups = [_group(str(key or ""), label(key), row, rates) for key, *row in rows]
        return sorted(groups, key=lambda g: (-g.total, g.label))

    overall_row = db.session.execute(_sums(per_ticket)).one()
    costliest = db.session.execute(
        select(per_ticket.c.number, per_ticket.c.category, literal(1), per_ticket.c.minutes,
               per_ticket.c.work, per_ticket.c.visits, per_ticket.c.credits)
        .order_by((per_ticket.c.work + per_ticket.c.visits * rates.visit + per_ticket.c.credits).desc(),
                  per_ticket.c.number).limit(TICKET_ROWS))
    return CostReport(
        query=query, currency=rates.currency,
        overall=_group("total", _("Total"), overall_row, rates),
        by_category=grouped("category", lambda code: categories.leaf_label(code) or _("Unclassified")),
        by_team=grouped("team_id", lambda team_id: team_names.get(team_id) or _("No team")),
        tickets=[_group(number, categories.leaf_label(category) or "", row, rates)
                 for number, category, *row in costliest])


def _per_ticket(query: CostQuery, rates: Rates):
    """One row per closed ticket of the query: its minutes, work, visits done and approved credits. Each part
    is summed over the query's tickets only (``closed``), never over the whole history."""
    closed = select(Ticket.id).where(Ticket.closed_at >= query.start, Ticket.closed_at < query.end)
    if query.kind:
        closed = closed.where(Ticket.kind == query.kind)
    if query.category:
        closed = closed.where(Ticket.category == query.category)
    if query.team:
        closed = closed.where(Ticket.team_id == select(Team.id).where(Team.code == query.team).scalar_subquery())
    minutes = _task_minutes(rates.task_cap_minutes)
    work = (select(HumanTask.ticket_id, func.sum(minutes).label("minutes"),
                   func.sum(_task_cost(rates)).label("work"))
            .where(_worked_tasks(), HumanTask.ticket_id.in_(closed)).group_by(HumanTask.ticket_id).subquery())
    visits = (select(Visit.ticket_id, func.count().label("visits"))
              .where(Visit.status == "done", Visit.ticket_id.in_(closed)).group_by(Visit.ticket_id).subquery())
    credits = _credits(ClaimLine.claim_id.in_(closed))
    return (
        select(Ticket.number, Ticket.category, Ticket.team_id,
               func.coalesce(work.c.minutes, 0).label("minutes"), func.coalesce(work.c.work, 0).label("work"),
               func.coalesce(visits.c.visits, 0).label("visits"), func.coalesce(credits.c.credits, 0).label("credits"))
        .outerjoin(work, work.c.ticket_id == Ticket.id).outerjoin(visits, visits.c.ticket_id == Ticket.id)
        .outerjoin(credits, credits.c.ticket_id == Ticket.id)
        .where(Ticket.id.in_(closed)).subquery())


def _sums(per_ticket, *keys):
    return select(*keys, func.count(), func.coalesce(func.sum(per_ticket.c.minutes), 0),
                  func.coalesce(func.sum(per_ticket.c.work), 0), func.coalesce(func.sum(per_ticket.c.visits), 0),
                  func.coalesce(func.sum(per_ticket.c.credits), 0))


def _group(key: str, label: str, row, rates: Rates) -> CostGroup:
    tickets, minutes, work, visits, credits = row
    return CostGroup(key=key, label=label, tickets=int(tickets), minutes=int(round(float(minutes))),
                     work=_money(work), visits=int(visits), visits_cost=(int(visits) * rates.visit).quantize(CENT),
                     credits=_money(credits))


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _require_admin(actor: User) -> None:
    if "admin" not in actor.roles:
        raise Forbidden(_("Only an administrator may change the cost rates."))
