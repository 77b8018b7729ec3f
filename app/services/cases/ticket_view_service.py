"""The staff ticket page: header, timeline, open tasks and the process diagram with the path taken."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Text, case, cast, func, select
from sqlalchemy.orm import joinedload

from app.errors import NotFound
from app.extensions import db
from app.i18n import _
from app.models import HumanTask, ProcessVersion, Ticket, TicketEvent, User, WorkflowInstance
from app.models.attachment import Attachment
from app.services import sla
from app.services.cases import answers, attachment_service, categories, event_pages, links
from app.services.cases.ticket_service import visible_ticket
from app.services.followups import analysis
from app.services.followups.analysis import Analysis
from app.services.incidents import panel
from app.services.sla.state import SlaState
from app.services.visits import booking


@dataclass
class Diagram:
    """One deployed diagram file with what the ticket's instances did on it."""

    version_id: int
    name: str
    completed: list[str] = field(default_factory=list)  # element ids, in order, every round
    current: list[str] = field(default_factory=list)  # element ids of the ready user tasks
    failed: list[str] = field(default_factory=list)


# Lines the system writes by itself (no person acted): consecutive ones are shown as one group.
AUTOMATIC_EVENT_KINDS = frozenset({"status_changed", "notification_sent", "assigned", "sla_warning"})


@dataclass
class TimelineGroup:
    """Consecutive automatic lines of the timeline, shown folded under one line."""

    events: list[TicketEvent]

    @property
    def first(self) -> TicketEvent:
        return self.events[0]

    @property
    def last(self) -> TicketEvent:
        return self.events[-1]


def group_timeline(events: list[TicketEvent]) -> list[TicketEvent | TimelineGroup]:
    """The timeline with each run of two or more automatic lines folded into a ``TimelineGroup``."""
    entries: list[TicketEvent | TimelineGroup] = []
    run: list[TicketEvent] = []

    def flush():
        if len(run) > 1:
            entries.append(TimelineGroup(list(run)))
        else:
            entries.extend(run)
        run.clear()

    for event in events:
        if event.actor_id is None and not event.on_behalf_of and event.kind in AUTOMATIC_EVENT_KINDS:
            run.append(event)
        else:
            flush()
            entries.append(event)
    flush()
    return entries


@dataclass
class TicketPage:
    ticket: Ticket
    events: event_pages.EventPage  # one page of the timeline (``before``), newest page by default
    open_tasks: list[HumanTask]
    diagrams: list[Diagram]
    attachments: list[Attachment]
    customer_email: str
    sla: SlaState  # response and resolution against their targets (app/services/sla)
    category: str | None  # the label of the ticket's category (a leaf of the taxonomy)
    followup: Analysis  # its answer, maximum response date and follow-ups (or, for a follow-up, its earlier one)
    answer_events: set[int]  # staff replies already marked as the ticket's answer
    links: list = field(default_factory=list)  # links.LinkView, both directions
    incident: panel.IncidentPanel | None = None
    timeline: list = field(default_factory=list)  # the page's events, oldest first, automatic runs folded
    visit: booking.BookedVisit | None = None  # the on-site visit, booked or made
    can_write: bool = False  # open: staff may record what the customer said by phone

    @property
    def event_files(self) -> dict[int, list[Attachment]]:
        """Attachments by the timeline line they came with (a customer's message, a mail)."""
        files: dict[int, list[Attachment]] = {}
        for attachment in self.attachments:
            if attachment.ticket_event_id is not None:
                files.setdefault(attachment.ticket_event_id, []).append(attachment)
        return files


def ticket_page(number: str, user: User, before: int | None = None) -> TicketPage:
    ticket = visible_ticket(number, user)
    events = event_pages.page(ticket, before)
    # each open task with the version its instance runs (where the diagram marks it)
    open_rows = db.session.execute(
        select(HumanTask, WorkflowInstance.process_version_id)
        .join(WorkflowInstance, WorkflowInstance.id == HumanTask.instance_id)
        .where(HumanTask.ticket_id == ticket.id, HumanTask.status == "ready")
        .options(joinedload(HumanTask.assignee)).order_by(HumanTask.created_at)).all()
    open_tasks = [task for task, _version in open_rows]
    return TicketPage(ticket=ticket, events=events, open_tasks=open_tasks, diagrams=_diagrams(ticket, open_rows),
                      attachments=attachment_service.of_ticket(ticket),
                      customer_email=ticket.contact_email or ticket.customer.email,
                      sla=sla.state(ticket),
                      category=categories.leaf_label(ticket.category),
                      followup=analysis.analyze(ticket), answer_events=answers.marked_events(ticket),
                      links=links.links_of(ticket), incident=panel.of(ticket),
                      timeline=group_timeline(events.chronological), visit=booking.of_ticket(ticket),
                      can_write=ticket.status_info is None or not ticket.status_info.terminal)


def attachment_download(number: str, attachment_id: int, user: User) -> tuple[Attachment, Path]:
    """An attachment of a ticket ``user`` may see, with the path of its file."""
    ticket = visible_ticket(number, user)
    attachment, path = attachment_service.open_for_download(attachment_id)
    if attachment.ticket_id != ticket.id:
        raise NotFound(_("Attachment not found."))
    return attachment, path


def _diagrams(ticket: Ticket, open_tasks: list[tuple[HumanTask, int]]) -> list[Diagram]:
    """Instances of the same diagram file and version share one drawing (a ticket's rounds run on the
    collaboration's two pools), so the path of every round is drawn on it.

    A ticket of many rounds has as many instances, most of which took the same path: the database hands over each
    distinct path once per version (in the order it first appeared, which is the order the drawing adds elements
    in), not a row per round; each version (its XML sources are large) is read once. ``open_tasks``: each ready
    task with its instance's version."""
    trace = cast(WorkflowInstance.trace, Text)  # PostgreSQL's json has no equality to group by
    failed = case((WorkflowInstance.status == "error", WorkflowInstance.error_task))
    paths = db.session.execute(
        select(WorkflowInstance.process_version_id, trace, failed)
        .where(WorkflowInstance.ticket_id == ticket.id)
        .group_by(WorkflowInstance.process_version_id, trace, failed)
        .order_by(func.min(WorkflowInstance.id))).all()
    versions = {v.id: v for v in db.session.scalars(
        select(ProcessVersion).where(ProcessVersion.id.in_({p[0] for p in paths})))}
    current = {}
    for task, version_id in open_tasks:
        current.setdefault(version_id, []).append(task.task_name)
    drawings: dict[tuple[str, str], Diagram] = {}
    for version_id, path, error_task in paths:
        version = versions[version_id]
        # The pools of one collaboration are versions of their own, deployed from the same XML.
        xml = (version.sources or {}).get(version.source_file, "")
        drawing = drawings.setdefault((version.source_file, xml), Diagram(version_id=version.id, name=""))
        name = version.name or version.process_id
        if name not in drawing.name:
            drawing.name = " · ".join(filter(None, (drawing.name, name)))
        drawn = set(drawing.completed)
        drawing.completed += [e for e in dict.fromkeys(json.loads(path or "null") or []) if e not in drawn]
        drawing.current += current.pop(version_id, [])
        if error_task:
            drawing.failed.append(error_task)
    return list(drawings.values())


def diagram_xml(number: str, version_id: int, user: User) -> str:
    """The BPMN XML the page draws; only a version one of the ticket's instances ran on."""
    ticket = visible_ticket(number, user)
    version = db.session.scalar(
        select(ProcessVersion).join(WorkflowInstance, WorkflowInstance.process_version_id == ProcessVersion.id)
        .where(WorkflowInstance.ticket_id == ticket.id, ProcessVersion.id == version_id).limit(1))
    if version is None:
        raise NotFound(_("This ticket has no such diagram."))
    sources = version.sources or {}
    return sources.get(version.source_file) or next(iter(sources.values()), "")
