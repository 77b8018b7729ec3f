"""Many tickets in the same state, fast: one made through the services, then copied row by row.

A copy gets its own ticket number, instance and task ids (every task UUID in the stored workflow state is
replaced consistently), so each copy is a ticket the runtime advances on its own. Used by the timer tests
and by bench/timers.py; 10,000 copies take seconds where 10,000 complaints would take many minutes.
"""
from __future__ import annotations

import re
import uuid

from sqlalchemy import insert, select

from app.extensions import db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CHUNK = 500


def copy_ticket(ticket_id: int, count: int, number_prefix: str = "Q-2099-") -> list[int]:
    """Insert ``count`` copies of ticket ``ticket_id`` with its running instances and ready tasks; commit;
    return the new ticket ids."""
    tables = db.metadata.tables
    ticket, instance, task = tables["ticket"], tables["workflow_instance"], tables["human_task"]
    source = dict(db.session.execute(select(ticket).where(ticket.c.id == ticket_id)).mappings().one())
    instances = [dict(r) for r in db.session.execute(
        select(instance).where(instance.c.ticket_id == ticket_id, instance.c.status == "running")).mappings()]
    tasks = [dict(r) for r in db.session.execute(
        select(task).where(task.c.ticket_id == ticket_id, task.c.status == "ready")).mappings()]
    new_ids: list[int] = []
    for start in range(0, count, CHUNK):
        numbers = range(start, min(start + CHUNK, count))
        ticket_rows = [{**_without_id(source), "number": f"{number_prefix}{n:06d}"} for n in numbers]
        ids = list(db.session.scalars(insert(ticket).returning(ticket.c.id, sort_by_parameter_order=True),
                                      ticket_rows))
        for new_ticket in ids:
            _copy_instances(new_ticket, instances, tasks)
        new_ids += ids
    db.session.commit()
    return new_ids


def _copy_instances(ticket_id: int, instances: list[dict], tasks: list[dict]) -> None:
    tables = db.metadata.tables
    uuids: dict[str, str] = {}

    def fresh(match: re.Match) -> str:
        return uuids.setdefault(match.group(0), str(uuid.uuid4()))

    for row in instances:
        state = UUID.sub(fresh, row["state"]) if row["state"] else row["state"]
        new_instance = db.session.scalar(
            insert(tables["workflow_instance"]).returning(tables["workflow_instance"].c.id),
            {**_without_id(row), "ticket_id": ticket_id, "state": state})
        copies = [{**task, "id": UUID.sub(fresh, task["id"]), "instance_id": new_instance, "ticket_id": ticket_id}
                  for task in tasks if task["instance_id"] == row["id"]]
        if copies:
            db.session.execute(insert(tables["human_task"]), copies)


def _without_id(row: dict) -> dict:
    return {key: value for key, value in row.items() if key != "id"}
