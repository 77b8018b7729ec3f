"""What a task completion and a ticket read send to the database before their answer (issue 14): the task
to complete comes with its ticket, customer, workflow instance and process version in its own statement, and a
ticket's tasks are asked about only when the reader's roles do not already let him see it."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, Ticket
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
        # The answer's own open tasks are the one read of human_task.
        assert len([s for s in sent if "FROM human_task" in s]) == 1


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
        sent = statements_while(lambda step=step: answer.update(step().json))
        # The last statements are the use case's writes; on main the task was read again after the commit.
        assert not sent[-1].lstrip().startswith("SELECT"), sent[-1]
        committed = api.get(f"/tasks/{answer['id']}", "supervisor").json
        assert answer["status"] == "completed" and answer["completed_by"] and answer["data"]
        assert answer == {key: committed[key] for key in answer}
    assert complaint.status == "closed"
