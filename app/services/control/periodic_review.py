"""The periodic review of closed tickets (seeds 000 and 002): find recurring problems, decide on them.

A run groups the tickets closed in a period by kind and category, and inside each group clusters their
texts (what the customer reported, the solution and the actions of the internal report, the equipment)
with TF-IDF and DBSCAN on cosine distance: a cluster of at least ``REVIEW_MIN_TICKETS`` tickets is proposed
as a recurring problem, the rest is noise. A supervisor marks each proposal as a pattern, with an
improvement action, its owner and a date, or dismisses it. The worker runs the review of the past week
every Monday; a supervisor may run any period by hand. Runs are kept: they are the history of reviews.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import _
from app.models import RecurringProblem, ReviewRun, Ticket, User
from app.services.control import audit_service
from app.services.transaction import transaction

STOPWORDS = sorted({word for line in (Path(__file__).with_name("stopwords_es.txt")
                                      .read_text(encoding="utf-8").splitlines())
                    if not line.startswith("#") for word in line.split()})
MAX_PERIOD_DAYS = 366
TERMS_PER_PROBLEM = 5
PAGE_SIZE = 20
EARLIEST, LATEST = date(1970, 1, 1), date(2199, 12, 31)  # what the date arithmetic of a period can handle


@dataclass
class Proposal:
    kind: str
    category: str | None
    tickets: list[Ticket]
    terms: list[str]
    equipment: str
    similarity: float


def require_reviewer(actor: User) -> None:
    if not actor.has_role("supervisor"):
        raise Forbidden(_("Only supervisors may review closed tickets."))


def run_review(period_start: date, period_end: date, actor: User | None) -> ReviewRun:
    """Review the tickets closed from ``period_start`` to ``period_end`` (local days, both included);
    ``actor`` None is the scheduled job. One run per period: a second one is refused."""
    if actor is not None:
        require_reviewer(actor)
    _check_period(period_start, period_end)
    with transaction():
        if _run_of(period_start, period_end) is not None:
            raise Conflict(_("The period %(start)s – %(end)s was already reviewed.",
                             start=period_start.isoformat(), end=period_end.isoformat()))
        tickets = _closed_tickets(period_start, period_end)
        run = ReviewRun(period_start=period_start, period_end=period_end, tickets_reviewed=len(tickets),
                        created_by=actor)
        db.session.add(run)
        for proposal in propose(tickets):
            run.problems.append(RecurringProblem(
                kind=proposal.kind, category=proposal.category, equipment=proposal.equipment,
                terms=proposal.terms, similarity=proposal.similarity, tickets=proposal.tickets))
        db.session.flush()
        audit_service.record("review_run", actor, f"{period_start.isoformat()}/{period_end.isoformat()}",
                             {"tickets": len(tickets), "problems": len(run.problems)}, actor_name="worker")
    return run


def run_scheduled(today: date | None = None) -> ReviewRun | None:
    """The worker's weekly run: last week, Monday to Sunday. Nothing if that week was already reviewed
    (two workers, or a supervisor who ran it by hand)."""
    today = today or clock.office_today()
    start = today - timedelta(days=today.weekday() + 7)
    try:
        return run_review(start, start + timedelta(days=6), None)
    except (Conflict, IntegrityError):
        db.session.rollback()
        return None


def propose(tickets: list[Ticket]) -> list[Proposal]:
    """The recurring problems among ``tickets``: per kind and category, clusters of similar texts."""
    groups: dict[tuple[str, str | None], list[Ticket]] = {}
    for ticket in tickets:
        groups.setdefault((ticket.kind, ticket.category), []).append(ticket)
    minimum = current_app.config["REVIEW_MIN_TICKETS"]
    proposals = []
    for (kind, category), members in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        if len(members) >= minimum:
            proposals += _clusters(kind, category, members, minimum)
    return sorted(proposals, key=lambda p: (-len(p.tickets), p.kind, p.category or ""))


def _clusters(kind: str, category: str | None, tickets: list[Ticket], minimum: int) -> list[Proposal]:
    # Imported here: scikit-learn takes seconds to import, which every web and worker process would pay at
    # start for a review that runs once a week.
    from sklearn.cluster import DBSCAN
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(strip_accents="unicode", lowercase=True, stop_words=STOPWORDS,
                                 token_pattern=r"(?u)\b[^\W\d_]{3,}\b", sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([_text(t) for t in tickets])
    except ValueError:  # no word left in any text (all empty or stop words)
        return []
    radius = 1 - current_app.config["REVIEW_SIMILARITY"]
    labels = DBSCAN(eps=radius, min_samples=minimum, metric="cosine").fit_predict(matrix)
    words = vectorizer.get_feature_names_out()
    proposals = []
    for label in sorted(set(labels) - {-1}):
        rows = np.flatnonzero(labels == label)
        centre = np.asarray(matrix[rows].mean(axis=0)).ravel()
        norm = np.linalg.norm(centre)
        similarity = float(np.mean(matrix[rows] @ (centre / norm))) if norm else 0.0
        members = [tickets[i] for i in rows]
        proposals.append(Proposal(kind=kind, category=category, tickets=members, equipment=_shared_equipment(members),
                                  terms=[str(words[i]) for i in np.argsort(-centre)[:TERMS_PER_PROBLEM]
                                         if centre[i] > 0],
                                  similarity=round(similarity, 3)))
    return proposals


def _text(ticket: Ticket) -> str:
    report = ticket.report or {}
    actions = report.get("actions") or []
    return " ".join(filter(None, (ticket.description, report.get("solution") or "",
                                  " ".join(str(a) for a in actions) if isinstance(actions, list) else str(actions),
                                  ticket.equipment_brand, ticket.equipment_model)))


def _shared_equipment(tickets: list[Ticket]) -> str:
    """The equipment at least half of the group shares ("" when none does)."""
    counts = Counter(f"{t.equipment_brand} {t.equipment_model}".strip() for t in tickets)
    counts.pop("", None)
    if counts:
        equipment, count = counts.most_common(1)[0]
        if count * 2 >= len(tickets):
            return equipment
    return ""


def decide(problem_id: int, decision: str, improvement_action: str, owner_username: str, due_on: str,
           actor: User, *, run_id: int | None = None) -> RecurringProblem:
    """Mark a proposal as a pattern (an improvement action, its owner and its date are required) or dismiss
    it; a decision may be changed later, and each change is on the audit trail."""
    require_reviewer(actor)
    errors: dict[str, list[str]] = {}
    if decision not in ("pattern", "dismissed", "pending"):
        errors["decision"] = [_("Value not allowed.")]
    action, owner, due = (improvement_action or "").strip(), None, None
    if decision == "pattern":
        if not action:
            errors["improvement_action"] = [_("Say what will be improved.")]
        elif len(action) > 2000:
            errors["improvement_action"] = [_("At most %(n)s characters.", n=2000)]
        owner = db.session.scalar(select(User).where(User.username == (owner_username or "").strip(),
                                                     User.active.is_(True)))
        if owner is None:
            errors["owner"] = [_("Choose who is responsible for the action.")]
        due = _parse_date(due_on)
        if due is None:
            errors["due_on"] = [_("Give the date the action is due.")]
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    with transaction():
        problem = db.session.get(RecurringProblem, problem_id)
        if problem is None or run_id not in (None, problem.run_id):
            raise NotFound(_("That recurring problem does not exist."))
        before = _decision_of(problem)
        problem.decision = decision
        problem.improvement_action = action if decision == "pattern" else ""
        problem.owner, problem.due_on = owner, due
        problem.decided_by, problem.decided_at = actor, clock.now()
        audit_service.record("review_decided", actor, f"revisión {problem.run_id} / {problem.id}",
                             audit_service.diff(before, _decision_of(problem)))
    return problem


def _decision_of(problem: RecurringProblem) -> dict:
    return {"decision": problem.decision, "improvement_action": problem.improvement_action,
            "owner": problem.owner.username if problem.owner else None,
            "due_on": problem.due_on.isoformat() if problem.due_on else None}


@dataclass
class RunSummary:
    run: ReviewRun
    proposed: int
    patterns: int
    pending: int


def history(actor: User, page: int = 1) -> tuple[list[RunSummary], bool]:
    """Runs, newest period first, with how many proposals each has and how many are decided; and whether
    there is a next page."""
    require_reviewer(actor)
    page = max(1, min(page, 10_000))
    counts = (select(RecurringProblem.run_id, func.count().label("proposed"),
                     func.count().filter(RecurringProblem.decision == "pattern").label("patterns"),
                     func.count().filter(RecurringProblem.decision == "pending").label("pending"))
              .group_by(RecurringProblem.run_id).subquery())
    rows = db.session.execute(
        select(ReviewRun, counts.c.proposed, counts.c.patterns, counts.c.pending)
        .outerjoin(counts, counts.c.run_id == ReviewRun.id)
        .order_by(ReviewRun.period_end.desc(), ReviewRun.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    summaries = [RunSummary(run, proposed or 0, patterns or 0, pending or 0)
                 for run, proposed, patterns, pending in rows[:PAGE_SIZE]]
    return summaries, len(rows) > PAGE_SIZE


def open_actions(actor: User) -> list[RecurringProblem]:
    """Every pattern's improvement action, the soonest due first: what the reviews decided to do."""
    require_reviewer(actor)
    return list(db.session.scalars(select(RecurringProblem).where(RecurringProblem.decision == "pattern")
                                   .order_by(RecurringProblem.due_on, RecurringProblem.id).limit(200)))


def get_run(run_id: int, actor: User) -> ReviewRun:
    require_reviewer(actor)
    run = db.session.get(ReviewRun, run_id)
    if run is None:
        raise NotFound(_("That review does not exist."))
    return run


def owners() -> list[User]:
    """Who may own an improvement action: active staff."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.full_name)))


def parse_period(start: str, end: str) -> tuple[date, date]:
    """The period a supervisor typed, or a field-by-field error."""
    period = _parse_date(start), _parse_date(end)
    errors = {field: [_("Give a date.")] for field, value in zip(("start", "end"), period, strict=True)
              if value is None}
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), errors=errors)
    return period


def _check_period(start: date, end: date) -> None:
    if start < EARLIEST or end > LATEST:
        raise ValidationFailed(_("Please correct the marked fields."), errors={
            "start" if start < EARLIEST else "end": [_("Date out of range.")]})
    if end < start:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"end": [_("Must be later than the start date.")]})
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ValidationFailed(_("Please correct the marked fields."),
                               errors={"end": [_("A review covers at most %(n)s days.", n=MAX_PERIOD_DAYS)]})


def _run_of(start: date, end: date) -> ReviewRun | None:
    return db.session.scalar(select(ReviewRun).where(ReviewRun.period_start == start, ReviewRun.period_end == end))


def _closed_tickets(start: date, end: date) -> list[Ticket]:
    since = datetime.combine(start, time.min, clock.OFFICE_TZ)
    until = datetime.combine(end + timedelta(days=1), time.min, clock.OFFICE_TZ)
    return list(db.session.scalars(select(Ticket).where(Ticket.closed_at >= since, Ticket.closed_at < until)
                                   .order_by(Ticket.closed_at, Ticket.id)))


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip()) if text else None
    except ValueError:
        return None
