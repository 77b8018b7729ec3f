"""What a task completion and a ticket read send to the database before their answer (issue 14): the task
to complete comes with its ticket, customer, workflow instance and process version in its own statement, and a
ticket's tasks are asked about only when the reader's roles do not already let him see it."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, Ticket, User
from app.schemas.tickets import TicketSchema
from app.services.cases import ticket_service
from tests.statements import statements_while


def _ready_diagnosis(number: str) -> HumanTask:
    return db.session.scalar(select(HumanTask).join(Ticket, Ticket.id == HumanTask.ticket_id)
                             .where(Ticket.number == number, HumanTask.status == "ready"))


def test_a_completion_reads_the_task_with_its_ticket_customer_instance_and_version_in_one_statement(api, diagnosing):
    technician = diagnosing.technician
    task = api.ready_task(technician, diagnosing.number, "Diagnóstico")
    body = {"data": {"diagnosis": "Saturación del canal Wi-Fi", "outcome": "remota"}}
    sent = statements_while(lambda: api.post(f"/tasks/{task['id']}/complete", technician, json=body))
    # What the use case reads up to its first write (the answer's read after the commit left out).
    before_writing = sent[:next(i for i, s in enumerate(sent) if s.lstrip().startswith(("INSERT", "UPDATE")))]
    [read] = [s for s in before_writing if "FROM human_task" in s]
    assert all(f"JOIN {table}" in read for table in ("ticket", "customer", "workflow_instance", "process_version"))
    # None of them read again on its own, by the form's validation or by the runtime.
    assert not [s for s in before_writing if re.match(r"\s*SELECT (ticket|workflow_instance|process_version)\.id,", s)]


def test_contact_center_and_supervisors_read_a_ticket_without_asking_about_its_tasks(api, diagnosing):
    for reader in ("agente", "supervisor"):
        sent = statements_while(lambda r=reader: api.get(f"/tickets/{diagnosing.number}", r))
        # The answer's own open tasks, joined to the ticket, are the one read of human_task.
        [read] = [s for s in sent if "human_task" in s]
        assert "FROM ticket" in read


def test_staff_who_see_a_ticket_only_through_one_of_its_tasks_get_it(api, diagnosing):
    api.get(f"/tickets/{diagnosing.number}", "campo1", expect=404)  # neither his team's nor his
    _ready_diagnosis(diagnosing.number).candidate_team = "campo"  # now a task his team may take
    db.session.commit()
    assert api.get(f"/tickets/{diagnosing.number}", "campo1").json["number"] == diagnosing.number


def test_a_completion_answers_with_the_committed_task_without_reading_it_again(api, open_complaint):
    """The answer is built from the rows the completion kept through its commit (``transaction.keep``): it must
    be what a fresh read of the committed task gives, at every step of a lifecycle, and cost no statement."""
    complaint = open_complaint()
    steps = (complaint.validate, lambda: complaint.diagnose("remota"), complaint.fix_remotely,
             complaint.run_tests, complaint.confirm, complaint.answer_survey)
    for step in steps:
        answer = {}
        sent = statements_while(lambda step=step, answer=answer: answer.update(step().json))
        # The last statements are the use case's writes; on main the task was read again after the commit.
        assert not sent[-1].lstrip().startswith("SELECT"), sent[-1]
        committed = api.get(f"/tasks/{answer['id']}", "supervisor").json
        assert answer["status"] == "completed" and answer["completed_by"] and answer["data"]
        assert answer == {key: committed[key] for key in answer}
    assert complaint.status == "closed"


def _as_before(number: str) -> dict:
    """The ticket dumped as the answer was built before ``ticket_read``: the plain row, its answer and links
    read by statements of their own."""
    db.session.expire_all()
    return TicketSchema().dump(ticket_service.visible_ticket(number, User.query.filter_by(username="supervisor")
                                                             .one()))


def test_a_ticket_read_asks_for_answers_and_links_only_when_it_has_them_and_answers_the_same(api, open_complaint):
    plain, cause, effect = open_complaint(), open_complaint(), open_complaint(description="Sin internet")
    api.post(f"/tickets/{effect.number}/links", "agente", expect=201,
             json={"target": cause.number, "type": "caused_by", "note": "Misma falla"})
    effect.validate()
    effect.diagnose("remota")
    effect.fix_remotely()
    effect.run_tests()  # resolved: the resolution is the ticket's answer
    for case, answered, linked in ((plain, False, False), (cause, False, True), (effect, True, True)):
        sent = statements_while(lambda case=case: api.get(f"/tickets/{case.number}", "supervisor"))
        assert any(re.match(r"\s*SELECT ticket_answer\.", s) for s in sent) is answered
        assert any(re.match(r"\s*SELECT ticket_link\.", s) for s in sent) is linked
        read = api.get(f"/tickets/{case.number}", "supervisor").json
        assert (read["answer"] is not None, bool(read["links"])) == (answered, linked)
        assert read == _as_before(case.number)
