"""The SLA clock of one ticket: targets set at classification, pauses while it waits on the customer,
the first response, and its state (on time / warning / breached) for pages and the API."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.businesstime import calendar as calendars
from app.businesstime.arithmetic import add_business_time, business_time_between
from app.extensions import db
from app.models import SlaPauseStatus, Ticket, reference


@dataclass(frozen=True)
class Targets:
    """One row of the SLA targets table (processes/objetivos_sla.dmn)."""

    response_hours: float
    resolution_hours: float
    calendar: str
    warning_share: float  # e.g. 0.75: warn when 75 % of the business time has passed


def apply_targets(ticket: Ticket, targets: Targets) -> None:
    """Set the response and resolution deadlines (and their warning instants) from ``reported_at``.

    Business time already spent paused is added, so a reclassification never loses a pause.
    """
    calendar = calendars.load(targets.calendar)
    start = ticket.reported_at
    paused_hours = (ticket.sla_paused_seconds or 0) / 3600
    share = min(max(float(targets.warning_share), 0.0), 1.0)

    def due(hours: float) -> datetime:
        return add_business_time(start, float(hours) + paused_hours, calendar)

    ticket.sla_calendar = targets.calendar
    ticket.response_due_at = due(targets.response_hours)
    ticket.response_warning_at = due(float(targets.response_hours) * share)
    ticket.sla_due_at = due(targets.resolution_hours)
    ticket.sla_warning_at = due(float(targets.resolution_hours) * share)
    ticket.estimated_resolution_at = ticket.sla_due_at


def pausing_statuses() -> frozenset[str]:
    """Kept across transactions until an admin edits them (app/models/reference.py)."""
    return reference.cached(("sla_pause_status",), lambda: frozenset(
        db.session.scalars(select(SlaPauseStatus.status_code))))


def on_status_change(ticket: Ticket, old: str, new: str, now: datetime) -> None:
    """Entering a pausing status stops the clock; leaving it starts it again; closing ends the resolution
    time of a ticket that was never marked resolved."""
    pausing = pausing_statuses()
    if new in pausing and old not in pausing:
        pause(ticket, now)
    elif old in pausing and new not in pausing:
        resume(ticket, now)
    if new == "closed" and ticket.resolution_seconds is None:  # kinds with no "resolved" step end here
        ticket.resolution_seconds = elapsed_seconds(ticket, now)


def pause(ticket: Ticket, now: datetime) -> None:
    if ticket.sla_paused_at is None:
        ticket.sla_paused_at = now


def resume(ticket: Ticket, now: datetime) -> timedelta:
    """Push the open deadlines by the business time spent paused; return that time."""
    if ticket.sla_paused_at is None:
        return timedelta(0)
    paused_since, ticket.sla_paused_at = ticket.sla_paused_at, None
    if ticket.sla_calendar is None:  # not classified yet: nothing to push
        return timedelta(0)
    calendar = calendars.load(ticket.sla_calendar)
    paused = business_time_between(paused_since, now, calendar)
    ticket.sla_paused_seconds = (ticket.sla_paused_seconds or 0) + int(paused.total_seconds())
    hours = paused.total_seconds() / 3600
    if ticket.first_responded_at is None:
        ticket.response_due_at = add_business_time(ticket.response_due_at, hours, calendar)
        ticket.response_warning_at = add_business_time(ticket.response_warning_at, hours, calendar)
    if ticket.resolved_at is None:
        ticket.sla_due_at = add_business_time(ticket.sla_due_at, hours, calendar)
        ticket.sla_warning_at = add_business_time(ticket.sla_warning_at, hours, calendar)
        ticket.estimated_resolution_at = ticket.sla_due_at
    return paused


def record_response(ticket: Ticket, now: datetime) -> None:
    """The first public answer to the customer stops the response clock (later ones change nothing)."""
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
        ticket.response_seconds = elapsed_seconds(ticket, now)


def record_resolution(ticket: Ticket, now: datetime) -> None:
    """The ticket is resolved; after a reopening, the last resolution is the one that counts."""
    ticket.resolved_at = now
    ticket.resolution_seconds = elapsed_seconds(ticket, now)


def elapsed_seconds(ticket: Ticket, now: datetime) -> int | None:
    """Business time of the ticket's calendar from the report to ``now``, less the time it waited on the
    customer; None before classification (no calendar to measure with)."""
    if ticket.sla_calendar is None:
        return None
    calendar = calendars.load(ticket.sla_calendar)
    paused = timedelta(seconds=ticket.sla_paused_seconds or 0)
    if ticket.sla_paused_at is not None:  # still waiting: the running pause counts too
        paused += business_time_between(ticket.sla_paused_at, now, calendar)
    return max(int((business_time_between(ticket.reported_at, now, calendar) - paused).total_seconds()), 0)


ON_TIME, WARNING, BREACHED, PAUSED = "on_time", "warning", "breached", "paused"


@dataclass(frozen=True)
class TargetState:
    due_at: datetime | None
    done_at: datetime | None  # first response / resolution, when it happened
    status: str | None  # on_time, warning, breached, paused; None before classification


@dataclass(frozen=True)
class SlaState:
    response: TargetState
    resolution: TargetState
    paused: bool


def state(ticket: Ticket, now: datetime) -> SlaState:
    """While paused the clock reads the instant it stopped: waiting on the customer breaches nothing."""
    paused_at = ticket.sla_paused_at
    return SlaState(
        response=_target(ticket.response_due_at, ticket.response_warning_at, ticket.first_responded_at,
                         paused_at, now),
        resolution=_target(ticket.sla_due_at, ticket.sla_warning_at, ticket.resolved_at or ticket.closed_at,
                           paused_at, now),
        paused=paused_at is not None)


def _target(due_at, warning_at, done_at, paused_at, now) -> TargetState:
    if due_at is None:
        return TargetState(None, done_at, None)
    if done_at is not None:
        return TargetState(due_at, done_at, ON_TIME if done_at <= due_at else BREACHED)
    clock_reads = paused_at or now
    if clock_reads >= due_at:
        return TargetState(due_at, None, BREACHED)
    if paused_at is not None:
        return TargetState(due_at, None, PAUSED)
    return TargetState(due_at, None, WARNING if warning_at is not None and now >= warning_at else ON_TIME)
