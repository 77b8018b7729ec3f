"""The task list, one task with its form, claiming, and completing with bad data, in the wrong lane or twice."""
from __future__ import annotations

import os
import threading

import pytest

from app.extensions import db

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
DIAGNOSIS = {"diagnosis": "Saturación del canal Wi-Fi", "outcome": "remota"}


def test_each_user_sees_the_tasks_of_his_lanes_and_teams(api, diagnosing, open_complaint):
    waiting = open_complaint(customer_number="C-1002")
    assert [t["title"] for t in api.tasks("agente")] == ["Validar reporte"]
    assert [t["ticket"] for t in api.tasks(diagnosing.technician)] == [diagnosing.number]
    assert api.tasks("redes1") == [] and api.tasks("campo1") == [] and api.tasks("aprobador") == []
    assert {t["ticket"] for t in api.tasks("admin")} == {diagnosing.number, waiting.number}


def test_the_task_list_filters_by_ticket_lane_team_and_assignee(api, diagnosing, open_complaint):
    other = open_complaint(customer_number="C-1002")
    other.validate()
    everything = {t["ticket"] for t in api.tasks("supervisor")}
    assert everything == {diagnosing.number, other.number}
    assert {t["ticket"] for t in api.tasks("supervisor", ticket=other.number)} == {other.number}
    assert len(api.tasks("supervisor", lane="Técnico", team="soporte_n1")) == 2
    assert api.tasks("supervisor", team="redes") == []
    mine = api.tasks("supervisor", assignee=diagnosing.technician)
    assert mine and all(t["assignee"]["username"] == diagnosing.technician for t in mine)


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "many"}, {"status": "lost"}, {"colour": "red"}])
def test_bad_task_filters_are_422(api, query):
    assert api.get("/tasks", "supervisor", query_string=query, expect=422).json["errors"].keys() == query.keys()


def test_a_task_comes_with_its_form_schema(api, diagnosing):
    task = api.ready_task(diagnosing.technician, diagnosing.number, "Diagnóstico")
    detail = api.get(f"/tasks/{task['id']}", diagnosing.technician).json
    assert detail["name"] == "diagnostico" and detail["lane"] == "Técnico" and detail["due_at"]
    assert detail["form_schema"]["required"] == ["diagnosis", "outcome"]
    assert diagnosing.number in detail["instructions"] and "{{" not in detail["instructions"]


def test_bad_form_data_is_422_per_field_and_nothing_advances(api, diagnosing):
    task = api.ready_task(diagnosing.technician, diagnosing.number, "Diagnóstico")
    before = diagnosing.ticket
    path = f"/tasks/{task['id']}/complete"
    errors = api.post(path, diagnosing.technician, json={"data": {"outcome": "teleport", "extra": 1}},
                      expect=422).json["errors"]
    assert {"diagnosis", "outcome", "extra"} <= set(errors)
    errors = api.post(path, diagnosing.technician, json={"data": {"diagnosis": "x", "outcome": "solicitar_datos"}},
                      expect=422).json["errors"]
    assert set(errors) == {"question"}
    for envelope, field in [({"data": "x"}, "data"), ({}, "data"), ({"data": {}, "who": 1}, "who")]:
        assert field in api.post(path, diagnosing.technician, json=envelope, expect=422).json["errors"]
    after = diagnosing.ticket
    assert after["status"] == before["status"] and after["timeline"] == before["timeline"]
    assert [t["id"] for t in after["open_tasks"]] == [task["id"]]


def test_lanes_the_user_may_not_work_are_404(api, diagnosing, open_complaint):
    diagnosis = api.ready_task(diagnosing.technician, diagnosing.number, "Diagnóstico")
    validation = api.ready_task("agente", open_complaint().number, "Validar reporte")
    for user, task in [("agente", diagnosis), ("redes1", diagnosis), ("aprobador", diagnosis),
                       (diagnosing.technician, validation)]:
        api.get(f"/tasks/{task['id']}", user, expect=404)
        api.post(f"/tasks/{task['id']}/claim", user, expect=404)
        api.post(f"/tasks/{task['id']}/complete", user, json={"data": DIAGNOSIS}, expect=404)
    assert diagnosing.open_titles() == ["Diagnóstico"]


def test_claim_and_release_between_teammates(api, diagnosing):
    holder = diagnosing.technician
    mate = "tecnico2" if holder == "tecnico1" else "tecnico1"
    task_path = f"/tasks/{api.ready_task(holder, diagnosing.number, 'Diagnóstico')['id']}"
    api.post(f"{task_path}/claim", mate, expect=409)  # assigned by the process to the holder
    api.post(f"{task_path}/complete", mate, json={"data": DIAGNOSIS}, expect=409)
    api.post(f"{task_path}/release", mate, expect=403)
    assert api.post(f"{task_path}/release", holder).json["assignee"] is None
    assert api.post(f"{task_path}/claim", mate).json["assignee"]["username"] == mate
    api.post(f"{task_path}/claim", holder, expect=409)
    assert api.post(f"{task_path}/release", "supervisor").json["assignee"] is None


def test_a_completed_task_cannot_be_completed_again(api, diagnosing):
    task = api.ready_task(diagnosing.technician, diagnosing.number, "Diagnóstico")
    api.post(f"/tasks/{task['id']}/complete", diagnosing.technician, json={"data": DIAGNOSIS})
    again = api.post(f"/tasks/{task['id']}/complete", "supervisor", json={"data": DIAGNOSIS}, expect=409).json
    assert again["message"]
    api.post(f"/tasks/{task['id']}/claim", diagnosing.technician, expect=409)


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs real concurrent connections: set TEST_DATABASE_URL to a "
                                            "PostgreSQL URL (SQLite serializes writers)")
def test_two_users_completing_the_same_task_at_once_one_wins_one_gets_409(app, api, diagnosing):
    task = api.ready_task(diagnosing.technician, diagnosing.number, "Diagnóstico")
    users = [diagnosing.technician, "supervisor"]
    headers = {user: {"Authorization": f"Bearer {api.token(user)}"} for user in users}
    db.session.commit()  # end the test's read transaction: each thread works on its own connection
    barrier = threading.Barrier(len(users))
    results: dict[str, tuple[int, dict]] = {}

    def complete(user: str) -> None:
        client = app.test_client()  # a thread has no app context: its request gets its own session
        barrier.wait()
        response = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=headers[user],
                               json={"data": DIAGNOSIS})
        results[user] = (response.status_code, response.json)

    threads = [threading.Thread(target=complete, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(code for code, _body in results.values()) == [200, 409], results
    loser = next(body for code, body in results.values() if code == 409)
    assert loser["message"]
    db.session.expire_all()
    ticket = diagnosing.ticket
    assert [e for e in ticket["timeline"] if e["kind"] == "task_completed"][-1]["data"]["task"] == "diagnostico"
    assert sum(e["data"].get("task") == "diagnostico" for e in ticket["timeline"] if e["data"]) == 1
    assert diagnosing.open_titles() == ["Intervención remota"]
