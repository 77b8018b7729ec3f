"""The periodic review: recurring problems proposed from closed tickets, decided by a supervisor."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden, ValidationFailed
from app.extensions import db
from app.models import AuditEvent
from app.services.control import periodic_review
from tests.conftest import user
from tests.services.control.review_data import closed_ticket, local

MODEM = ("Huawei", "HG8145")


@pytest.fixture
def week():
    """Tickets closed in the week of 2026-11-23 (Monday) to 2026-11-29, plus two outside it."""
    recurring = [
        closed_ticket("Sin internet desde la mañana, el módem parpadea en rojo", local(2026, 11, 23, 10),
                      equipment=MODEM, solution="Reinicio remoto del módem y reaprovisionamiento"),
        closed_ticket("El módem tiene la luz roja parpadeando y no hay internet", local(2026, 11, 25, 12),
                      equipment=MODEM, solution="Reaprovisionamiento del módem"),
        closed_ticket("No hay internet: luz roja en el módem", local(2026, 11, 29, 23, 30),
                      equipment=MODEM, solution="Reinicio remoto del módem"),
    ]
    others = [
        closed_ticket("Me cobraron dos veces la factura de noviembre", local(2026, 11, 24, 9),
                      solution="Nota de crédito"),
        # similar to each other, but only two of them in their category: not a recurring problem
        closed_ticket("Internet muy lento por las noches", local(2026, 11, 24, 9), category="lentitud"),
        closed_ticket("Internet lento en las noches, baja la velocidad", local(2026, 11, 26, 9), category="lentitud"),
        # the same words, closed outside the week
        closed_ticket("Sin internet, el módem parpadea en rojo", local(2026, 11, 22, 23, 59), equipment=MODEM),
        closed_ticket("Luz roja en el módem, sin internet", local(2026, 11, 30, 0, 1), equipment=MODEM),
    ]
    return recurring, others


def test_similar_closed_tickets_of_a_category_are_proposed_as_one_recurring_problem(app, week):
    recurring, _others = week
    run = periodic_review.run_review(date(2026, 11, 23), date(2026, 11, 29), user("supervisor"))

    assert run.tickets_reviewed == 6
    assert len(run.problems) == 1
    problem = run.problems[0]
    assert sorted(t.number for t in problem.tickets) == sorted(t.number for t in recurring)
    assert (problem.kind, problem.category, problem.equipment) == ("complaint", "sin_servicio", "Huawei HG8145")
    assert "modem" in problem.terms and problem.decision == "pending"
    assert 0 < problem.similarity <= 1


def test_a_period_is_reviewed_once_and_the_weekly_job_reviews_last_week(app, week):
    periodic_review.run_review(date(2026, 11, 23), date(2026, 11, 29), user("supervisor"))
    with pytest.raises(Conflict):
        periodic_review.run_review(date(2026, 11, 23), date(2026, 11, 29), user("supervisor"))
    assert periodic_review.run_scheduled(today=date(2026, 12, 2)) is None  # that week: already reviewed

    run = periodic_review.run_scheduled(today=date(2026, 12, 7))  # Monday: the week of 11-30 to 12-06
    assert (run.period_start, run.period_end, run.created_by) == (date(2026, 11, 30), date(2026, 12, 6), None)
    assert run.tickets_reviewed == 1


def test_only_supervisors_review(app, week):
    with pytest.raises(Forbidden):
        periodic_review.run_review(date(2026, 11, 23), date(2026, 11, 29), user("tecnico1"))


def test_a_pattern_needs_an_action_an_owner_and_a_date_and_is_audited(app, week):
    run = periodic_review.run_review(date(2026, 11, 23), date(2026, 11, 29), user("supervisor"))
    problem_id = run.problems[0].id

    with pytest.raises(ValidationFailed) as refused:
        periodic_review.decide(problem_id, "pattern", " ", "nobody", "31/12/2026", user("supervisor"))
    assert set(refused.value.errors) == {"improvement_action", "owner", "due_on"}

    periodic_review.decide(problem_id, "pattern", "Cambiar el firmware de los HG8145", "redes1", "2026-12-18",
                           user("supervisor"))
    problem = periodic_review.open_actions(user("supervisor"))[0]
    assert (problem.id, problem.owner.username, problem.due_on) == (problem_id, "redes1", date(2026, 12, 18))
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review_decided"))
    assert audit.changes["decision"] == ["pending", "pattern"]

    periodic_review.decide(problem_id, "dismissed", "ignored text", "", "", user("supervisor"))
    assert periodic_review.open_actions(user("supervisor")) == []


def test_the_history_counts_decisions_per_run(app, week):
    run = periodic_review.run_review(date(2026, 11, 23), date(2026, 11, 29), user("supervisor"))
    periodic_review.decide(run.problems[0].id, "dismissed", "", "", "", user("supervisor"))
    periodic_review.run_review(date(2026, 11, 1), date(2026, 11, 7), user("supervisor"))

    runs, has_next = periodic_review.history(user("supervisor"))
    assert [(s.run.period_start, s.proposed, s.patterns, s.pending) for s in runs] == [
        (date(2026, 11, 23), 1, 0, 0), (date(2026, 11, 1), 0, 0, 0)]
    assert has_next is False


def test_a_period_must_be_ordered_and_at_most_a_year(app):
    with pytest.raises(ValidationFailed) as backwards:
        periodic_review.run_review(date(2026, 11, 29), date(2026, 11, 23), user("supervisor"))
    assert "end" in backwards.value.errors
    with pytest.raises(ValidationFailed):
        periodic_review.run_review(date(2025, 1, 1), date(2026, 11, 23), user("supervisor"))
